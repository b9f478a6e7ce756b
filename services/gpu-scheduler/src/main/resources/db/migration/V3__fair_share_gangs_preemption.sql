-- Gangs: each worker of a job holds its own GPUs, maybe on its own node.
ALTER TABLE allocation ADD COLUMN worker INTEGER NOT NULL DEFAULT 0;

-- Preemption: the core decided the job gives way; the loop stops it and queues it again.
ALTER TABLE job ADD COLUMN preempt_requested BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE job ADD COLUMN preempt_reason TEXT;
-- Why a pending job waits: CAPACITY and RECLAIM jobs count towards the queue threshold, POLICY jobs do not.
ALTER TABLE job ADD COLUMN wait_kind TEXT;

-- Whether this site last said its queue overflowed, so a restarted scheduler neither repeats nor forgets it.
CREATE TABLE queue_signal (
    site       TEXT PRIMARY KEY,
    exceeded   BOOLEAN     NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A preempted job is placed again, maybe on the GPUs it had: allocations are a history, one row per grant, and only
-- the held ones are unique.
ALTER TABLE allocation DROP CONSTRAINT allocation_pkey;
ALTER TABLE allocation ADD COLUMN id BIGSERIAL PRIMARY KEY;
CREATE UNIQUE INDEX allocation_held_once ON allocation (job_id, node, gpu_id) WHERE released_at IS NULL;
