-- Every snapshot this worker finished, uploaded or failed: a repeated request with the same snapshot id is
-- answered from here without touching the filesystem or the object store again.
CREATE TABLE snapshots (
    snapshot_id    TEXT PRIMARY KEY,
    site           TEXT        NOT NULL,
    filesystem     TEXT        NOT NULL,
    path           TEXT,
    burst_id       TEXT,
    state          TEXT        NOT NULL CHECK (state IN ('UPLOADED', 'FAILED')),
    locator        TEXT,
    files          BIGINT,
    bytes          BIGINT,
    bytes_scanned  BIGINT,
    bytes_uploaded BIGINT,
    chunks_new     BIGINT,
    chunks_reused  BIGINT,
    duration_ms    BIGINT,
    reason         TEXT,
    traceparent    TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX snapshots_by_filesystem ON snapshots (site, filesystem, created_at);
