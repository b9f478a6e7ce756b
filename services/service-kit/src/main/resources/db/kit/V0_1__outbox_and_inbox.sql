-- Events waiting to be published: written in the same transaction as the state they describe,
-- deleted by the relay once the broker has acknowledged them.
CREATE TABLE outbox (
    seq          BIGSERIAL PRIMARY KEY,
    ce_id        TEXT        NOT NULL UNIQUE,
    topic        TEXT        NOT NULL,
    msg_key      TEXT        NOT NULL,
    ce_type      TEXT        NOT NULL,
    ce_source    TEXT        NOT NULL,
    ce_time      TIMESTAMPTZ NOT NULL,
    traceparent  TEXT,
    data         BYTEA       NOT NULL
);

-- Events already applied, by CloudEvents id: a redelivered event finds its id here and changes nothing.
CREATE TABLE inbox (
    ce_id        TEXT PRIMARY KEY,
    ce_type      TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
