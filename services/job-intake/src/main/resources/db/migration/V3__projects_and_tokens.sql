-- Projects: who may submit, and the share of the GPUs each deserves (the scheduler's quota inputs).
CREATE TABLE projects (
    name              TEXT PRIMARY KEY,
    deserved_gpus     DOUBLE PRECISION NOT NULL DEFAULT 0,
    over_quota_weight DOUBLE PRECISION NOT NULL DEFAULT 1,
    limit_gpus        DOUBLE PRECISION,
    department        TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- API tokens, stored as the SHA-256 of the secret: the secret itself is shown once, when the token is created.
-- A token belongs to one project, or to no project and is then an admin token.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT        NOT NULL,
    token_sha256 TEXT        NOT NULL UNIQUE,
    project      TEXT REFERENCES projects (name) ON DELETE CASCADE,
    admin        BOOLEAN     NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ,
    CHECK (admin = (project IS NULL))
);

-- Who submitted a job (the token's name), for the job's description.
ALTER TABLE jobs ADD COLUMN submitted_by TEXT;
