-- The read model of every job: its current state and what it asked for.
CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    name            TEXT        NOT NULL,
    project         TEXT        NOT NULL,
    site            TEXT        NOT NULL,
    state           TEXT        NOT NULL,
    spec            JSONB       NOT NULL,
    traceparent     TEXT,
    idempotency_key TEXT,
    pending_reason  TEXT,
    node            TEXT,
    gpus            TEXT,
    exit_code       INTEGER,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (project, idempotency_key)
);
CREATE INDEX jobs_by_project_state ON jobs (project, state, created_at);

-- Every lifecycle event of a job, in the order it was applied: the job's history.
CREATE TABLE job_events (
    seq       BIGSERIAL PRIMARY KEY,
    ce_id     TEXT        NOT NULL UNIQUE,
    job_id    TEXT        NOT NULL,
    ce_type   TEXT        NOT NULL,
    ce_source TEXT        NOT NULL,
    ce_time   TIMESTAMPTZ NOT NULL,
    data      JSONB       NOT NULL
);
CREATE INDEX job_events_by_job ON job_events (job_id, seq);
