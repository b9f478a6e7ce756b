-- The filesystems this site's storage-agent provides: one directory each under the configured root.
CREATE TABLE filesystems (
    name         TEXT PRIMARY KEY,
    path         TEXT        NOT NULL,
    request_id   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
