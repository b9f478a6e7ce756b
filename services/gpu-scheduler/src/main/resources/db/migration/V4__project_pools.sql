-- A project's shares in single node pools, by pool name, as ProjectUpdated carries them.
ALTER TABLE project_quota ADD COLUMN pools JSONB NOT NULL DEFAULT '{}';
