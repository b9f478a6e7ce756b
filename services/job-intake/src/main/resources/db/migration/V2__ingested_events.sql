-- CloudEvents posted by external systems, by (source, id), which CloudEvents makes unique: a system that retries
-- a post gets the first acceptance back and the event is published once.
CREATE TABLE ingested_events (
    ce_source   TEXT        NOT NULL,
    ce_id       TEXT        NOT NULL,
    ce_type     TEXT        NOT NULL,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (ce_source, ce_id)
);
