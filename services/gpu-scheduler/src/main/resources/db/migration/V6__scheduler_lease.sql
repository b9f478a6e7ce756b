-- The site's scheduler lease: the one instance that holds it (active) runs the passes and the processes; the others
-- (standby) wait to take it. epoch is the fencing token: it grows whenever the holder changes, and every write of the
-- leader checks, in its own transaction, that it still holds the lease under the epoch it acts under. Times are the
-- database's clock, never an instance's.
CREATE TABLE scheduler_lease (
    site        TEXT PRIMARY KEY,
    holder      TEXT        NOT NULL,
    epoch       BIGINT      NOT NULL,
    acquired_at TIMESTAMPTZ NOT NULL,
    renewed_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
