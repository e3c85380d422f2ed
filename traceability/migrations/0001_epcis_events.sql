-- EPCIS 2.0 event repository. One row per captured event; an error declaration (EPCIS 2.0 §7.4.1.2)
-- keeps the eventID of the event it corrects and is stored beside it, hence the (event_id,
-- error_declared) key. event_id is the event's own eventID or, when it had none, its CBV 2.0 event
-- hash ID, so capturing the same event twice stores it once.
CREATE TABLE IF NOT EXISTS epcis_events (
  seq bigserial PRIMARY KEY,
  event_id text NOT NULL,
  error_declared boolean NOT NULL DEFAULT false,
  event_hash text NOT NULL,
  event_type text NOT NULL CHECK (event_type IN ('ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent')),
  action text CHECK (action IN ('ADD', 'OBSERVE', 'DELETE')),
  event_time timestamptz NOT NULL,
  event_time_zone_offset text NOT NULL,
  record_time timestamptz NOT NULL,
  -- Full URIs: CBV terms as https://ref.gs1.org/cbv/…, GS1 keys as canonical GS1 Digital Link URIs.
  biz_step text,
  disposition text,
  read_point text,
  biz_location text,
  parent_id text,
  source text NOT NULL CHECK (source IN ('capture', 'record')),
  org_id text,
  -- The event as served (json keeps the partner's key order; nothing here is queried inside it).
  event json NOT NULL,
  UNIQUE (event_id, error_declared)
);

-- bizStep and disposition take few distinct values: they filter rows found by the other indexes.
CREATE INDEX IF NOT EXISTS epcis_events_event_time_idx ON epcis_events (event_time, seq);
CREATE INDEX IF NOT EXISTS epcis_events_record_time_idx ON epcis_events (record_time, seq);
CREATE INDEX IF NOT EXISTS epcis_events_read_point_idx ON epcis_events (read_point);
CREATE INDEX IF NOT EXISTS epcis_events_biz_location_idx ON epcis_events (biz_location);
CREATE INDEX IF NOT EXISTS epcis_events_org_idx ON epcis_events (org_id, seq);

-- Every identifier an event names, with its role, for the MATCH_* query parameters.
CREATE TABLE IF NOT EXISTS epcis_event_epcs (
  event_seq bigint NOT NULL REFERENCES epcis_events (seq) ON DELETE CASCADE,
  epc text NOT NULL,
  role text NOT NULL CHECK (role IN ('epc', 'parent', 'child', 'input', 'output', 'quantity', 'input_quantity', 'output_quantity')),
  PRIMARY KEY (epc, role, event_seq)
);

CREATE INDEX IF NOT EXISTS epcis_event_epcs_event_idx ON epcis_event_epcs (event_seq);
