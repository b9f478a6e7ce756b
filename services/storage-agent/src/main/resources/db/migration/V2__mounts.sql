-- Mounts this agent handed to jobs and that have not been released: a filesystem with any is "mounted" and cannot
-- be deleted. A job may mount several sub-paths of one filesystem. The foreign key makes a mount of a deleted
-- filesystem impossible even under concurrent requests.
CREATE TABLE mounts (
    filesystem   TEXT        NOT NULL REFERENCES filesystems (name) ON DELETE CASCADE,
    job_id       TEXT        NOT NULL,
    sub_path     TEXT        NOT NULL,
    read_only    BOOLEAN     NOT NULL,
    host_path    TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (filesystem, job_id, sub_path)
);
