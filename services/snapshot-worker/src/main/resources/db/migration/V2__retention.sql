-- A forgotten snapshot keeps its row (history: what was taken, when and why it went), marked DELETED.
ALTER TABLE snapshots DROP CONSTRAINT snapshots_state_check;
ALTER TABLE snapshots ADD CONSTRAINT snapshots_state_check CHECK (state IN ('UPLOADED', 'FAILED', 'DELETED'));
ALTER TABLE snapshots ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE snapshots ADD COLUMN delete_reason TEXT;

-- Periodic snapshots requested by a policy. The id is the policy's period, so two replicas in the same period
-- insert the same key and only one requests the snapshot.
CREATE TABLE scheduled_snapshots (
    snapshot_id  TEXT PRIMARY KEY,
    policy       TEXT        NOT NULL,
    requested_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX scheduled_snapshots_by_policy ON scheduled_snapshots (policy, requested_at);

-- Reader/writer leases on the chunk store: snapshots and restores hold SHARED ones, garbage collection an
-- EXCLUSIVE one. A lease not renewed by expires_at is void, so a crashed worker does not block forever. Changes are
-- serialized by locking the table (see persistence/SnapshotLeases).
CREATE TABLE snapshot_leases (
    holder      TEXT PRIMARY KEY,
    mode        TEXT        NOT NULL CHECK (mode IN ('SHARED', 'EXCLUSIVE')),
    purpose     TEXT        NOT NULL,
    locator     TEXT,
    acquired_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at  TIMESTAMPTZ NOT NULL
);
