-- The read model of every snapshot on spillway.snapshots: asked for here, by the burst coordinator or by retention.
CREATE TABLE snapshots (
    id             TEXT PRIMARY KEY,
    site           TEXT        NOT NULL,
    filesystem     TEXT        NOT NULL,
    path           TEXT,
    state          TEXT        NOT NULL,
    locator        TEXT,
    files          BIGINT,
    bytes          BIGINT,
    bytes_scanned  BIGINT,
    bytes_uploaded BIGINT,
    chunks_new     BIGINT,
    chunks_reused  BIGINT,
    duration_ms    BIGINT,
    files_done     BIGINT,
    files_total    BIGINT,
    bytes_done     BIGINT,
    bytes_total    BIGINT,
    reason         TEXT,
    burst_id       TEXT,
    requested_by   TEXT,
    traceparent    TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX snapshots_by_filesystem ON snapshots (filesystem, site, created_at);
CREATE INDEX snapshots_by_locator ON snapshots (locator);

-- The read model of every restore: a snapshot written back at a site.
CREATE TABLE restores (
    id             TEXT PRIMARY KEY,
    snapshot_id    TEXT,
    locator        TEXT        NOT NULL,
    site           TEXT        NOT NULL,
    filesystem     TEXT        NOT NULL,
    -- A JSON array as text: Hibernate Reactive maps JSON columns to objects only (see DESIGN.md).
    priority_paths TEXT        NOT NULL DEFAULT '[]',
    state          TEXT        NOT NULL,
    files          BIGINT,
    bytes          BIGINT,
    duration_ms    BIGINT,
    files_done     BIGINT,
    files_total    BIGINT,
    bytes_done     BIGINT,
    bytes_total    BIGINT,
    reason         TEXT,
    burst_id       TEXT,
    requested_by   TEXT,
    traceparent    TEXT,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX restores_by_site ON restores (site, created_at);
