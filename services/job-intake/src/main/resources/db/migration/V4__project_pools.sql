-- A project's shares in single node pools, by pool name: {"a100": {"deservedGpus": 2, "limitGpus": 4}}.
ALTER TABLE projects ADD COLUMN pools JSONB NOT NULL DEFAULT '{}';
