-- The saga's state moves to one JSON document per burst (io.spillway.burst.saga.BurstState); the V1 tables held the
-- partial saga's state only, and no production data exists.
DROP TABLE IF EXISTS burst_snapshots;
DROP TABLE IF EXISTS bursts;

-- One row per burst: the whole BurstState, so a coordinator that restarts resumes where it was.
CREATE TABLE bursts (
    burst_id     TEXT PRIMARY KEY,
    home_site    TEXT        NOT NULL,
    burst_site   TEXT        NOT NULL,
    phase        TEXT        NOT NULL,
    open         BOOLEAN     NOT NULL,
    -- BurstState as JSON (see persistence.StoredBurstState): the saga's record component names are the field names.
    state        JSONB       NOT NULL,
    -- The trace of the signal that opened the burst: every burst-level event continues it.
    traceparent  TEXT,
    version      BIGINT      NOT NULL,
    opened_at    TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);

-- At most one open burst per home site, whatever races the consumers run into.
CREATE UNIQUE INDEX bursts_one_open_per_site ON bursts (home_site) WHERE open;
CREATE INDEX bursts_by_opened_at ON bursts (opened_at DESC);

-- Which burst a snapshot id, restore id or job id belongs to, so each storage or job event finds its burst.
CREATE TABLE burst_refs (
    kind      TEXT NOT NULL, -- snapshot, restore, job
    ref       TEXT NOT NULL,
    burst_id  TEXT NOT NULL REFERENCES bursts (burst_id),
    PRIMARY KEY (kind, ref)
);

-- What JobSubmitted told about each job: the volumes it mounts (candidates on spillway.queues carry filesystem
-- names only) and the traceparent of its trace, which every event about the job continues.
CREATE TABLE known_jobs (
    job_id       TEXT PRIMARY KEY,
    site         TEXT        NOT NULL,
    volumes      JSONB       NOT NULL,
    traceparent  TEXT,
    submitted_at TIMESTAMPTZ NOT NULL
);
