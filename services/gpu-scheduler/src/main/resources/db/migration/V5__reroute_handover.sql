-- The site a job was handed over to, so a repeated JobRerouted to the same site is answered the same way again
-- (JobHandedOver) and one to another site is declined.
ALTER TABLE job ADD COLUMN rerouted_to TEXT;

-- A cancellation seen for a job of another site: if that job is handed over here afterwards (its hand-over can land
-- on the topic after the JobCancelled), this site must not run it.
ALTER TABLE job_spec ADD COLUMN cancel_requested BOOLEAN NOT NULL DEFAULT false;
