-- Who did what, and when: every change made through the API (submit, cancel, create, update, delete, revoke), with
-- the token that made it and where the call came from. Rows are only ever added.
CREATE TABLE audit_log (
    id             BIGSERIAL PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL DEFAULT now(),
    action         TEXT        NOT NULL,
    target         TEXT,
    token_id       TEXT,
    token_name     TEXT        NOT NULL,
    project        TEXT,
    source_address TEXT,
    method         TEXT        NOT NULL,
    path           TEXT        NOT NULL,
    status         INTEGER     NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
