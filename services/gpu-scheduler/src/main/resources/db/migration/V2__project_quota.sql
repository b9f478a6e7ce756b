-- Every project's latest GPU shares as job-intake published them on spillway.projects (ProjectUpdated upserts,
-- ProjectDeleted removes): the quota inputs of fair share at this site.
CREATE TABLE project_quota (
    name              TEXT PRIMARY KEY,
    deserved_gpus     DOUBLE PRECISION NOT NULL,
    over_quota_weight DOUBLE PRECISION NOT NULL,
    limit_gpus        DOUBLE PRECISION,
    department        TEXT,
    updated_at        TIMESTAMPTZ      NOT NULL DEFAULT now()
);
