-- One row per burst: the saga's persisted state, so a coordinator that restarts resumes where it was.
CREATE TABLE bursts (
    burst_id          TEXT PRIMARY KEY,
    home_site         TEXT        NOT NULL,
    burst_site        TEXT        NOT NULL,
    state             TEXT        NOT NULL,
    open              BOOLEAN     NOT NULL,
    candidate_job_ids TEXT[]      NOT NULL,
    filesystems       TEXT[]      NOT NULL,
    signals           INTEGER     NOT NULL,
    failure_reason    TEXT,
    -- The trace of the signal that opened the burst: every later event of the burst continues it.
    traceparent       TEXT,
    opened_at         TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- At most one open burst per home site, whatever races the consumers run into.
CREATE UNIQUE INDEX bursts_one_open_per_site ON bursts (home_site) WHERE open;

-- The snapshot of each filesystem a burst needs.
CREATE TABLE burst_snapshots (
    burst_id     TEXT        NOT NULL REFERENCES bursts (burst_id),
    filesystem   TEXT        NOT NULL,
    snapshot_id  TEXT        NOT NULL UNIQUE,
    state        TEXT        NOT NULL,
    locator      TEXT,
    reason       TEXT,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (burst_id, filesystem)
);
