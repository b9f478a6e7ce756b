-- The spec of every JobSubmitted this scheduler has seen, whatever its site: a job rerouted here from another
-- site arrives as a JobRerouted that names it only by id.
CREATE TABLE job_spec (
    job_id        TEXT PRIMARY KEY,
    home_site     TEXT        NOT NULL,
    spec          JSONB       NOT NULL,
    submitted_by  TEXT,
    submitted_at  TIMESTAMPTZ NOT NULL,
    traceparent   TEXT
);

-- The jobs of this site: its queue, the jobs holding GPUs and the ones that ended.
CREATE TABLE job (
    job_id           TEXT PRIMARY KEY REFERENCES job_spec (job_id),
    seq              BIGSERIAL   NOT NULL UNIQUE,
    submitted_at     TIMESTAMPTZ NOT NULL,
    state            TEXT        NOT NULL,
    reason           TEXT,
    traceparent      TEXT,
    cancel_requested BOOLEAN     NOT NULL DEFAULT false,
    exit_code        INTEGER,
    started_at       TIMESTAMPTZ,
    ended_at         TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX job_live ON job (submitted_at, seq) WHERE state IN ('PENDING', 'ALLOCATED', 'RUNNING');

-- GPUs given to jobs, one row per job and GPU; released_at is set when the job lets them go. The rows with no
-- released_at are what the site holds: a restarted scheduler reads them back and never double-books a GPU.
CREATE TABLE allocation (
    job_id       TEXT             NOT NULL REFERENCES job (job_id),
    node         TEXT             NOT NULL,
    gpu_id       TEXT             NOT NULL,
    fraction     DOUBLE PRECISION NOT NULL,
    allocated_at TIMESTAMPTZ      NOT NULL DEFAULT now(),
    released_at  TIMESTAMPTZ,
    PRIMARY KEY (job_id, node, gpu_id)
);
CREATE INDEX allocation_held ON allocation (node, gpu_id) WHERE released_at IS NULL;
