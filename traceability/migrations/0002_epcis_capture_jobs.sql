-- One row per accepted POST /epcis/capture call, served at /epcis/capture/{captureID} (the EPCIS 2.0
-- REST binding's capture job). Capture runs synchronously and all or nothing, so a job is recorded
-- only once its events are committed; a refused document answers 400 and leaves no job.
CREATE TABLE IF NOT EXISTS epcis_capture_jobs (
  capture_id uuid PRIMARY KEY,
  org_id text,
  created_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  event_count integer NOT NULL,
  captured integer NOT NULL,
  duplicates integer NOT NULL,
  event_ids json NOT NULL
);

CREATE INDEX IF NOT EXISTS epcis_capture_jobs_org_idx ON epcis_capture_jobs (org_id, created_at);
