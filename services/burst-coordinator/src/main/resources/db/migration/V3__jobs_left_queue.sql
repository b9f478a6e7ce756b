-- Jobs that started, ended or were cancelled, whether or not a burst knew them yet: a queue signal's candidate list
-- may be older than a job's start (the two travel on different topics), and a job that left the queue must not be
-- chosen for a burst.
CREATE TABLE jobs_left_queue (
    job_id  TEXT PRIMARY KEY,
    site    TEXT,
    why     TEXT        NOT NULL,
    left_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
