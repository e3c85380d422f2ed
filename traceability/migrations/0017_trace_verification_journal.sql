-- On the embedded engine, a consumer's passed verification is answered once it is in the
-- verification journal (a write-ahead spool in DATA_DIR/trace-journal); the journal is then copied
-- into trace_verifications in bulk. This row says how far: the spool position just past the last
-- frame copied, written in the same transaction as the copy, so that after a crash the frames up to
-- it are not copied twice and the ones after it are copied once.
CREATE TABLE IF NOT EXISTS trace_verification_journal (
  id smallint PRIMARY KEY CHECK (id = 1),
  segment bigint NOT NULL,
  "offset" bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
