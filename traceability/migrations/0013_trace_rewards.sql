-- Scan rewards: rules per product and trigger, and a ledger split across channel levels.
CREATE TABLE IF NOT EXISTS trace_reward_rules (
  id uuid PRIMARY KEY,
  gtin char(14) REFERENCES trace_products (gtin),
  trigger text NOT NULL CHECK (trigger IN ('store_receive', 'consumer_first_verify')),
  amount numeric(12, 2) NOT NULL CHECK (amount > 0),
  -- {"store": 0.5, "dealer": 0.3, "distributor": 0.2}: fractions of amount per channel level.
  shares jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS trace_reward_rules_active ON trace_reward_rules (coalesce(gtin, ''), trigger) WHERE active;

CREATE TABLE IF NOT EXISTS trace_reward_ledger (
  id uuid PRIMARY KEY,
  rule_id uuid NOT NULL REFERENCES trace_reward_rules (id),
  serial text NOT NULL,
  trigger text NOT NULL,
  level text NOT NULL,
  beneficiary text NOT NULL,
  amount numeric(12, 2) NOT NULL,
  scan_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  -- Never twice for one code, trigger and channel level, whatever is redelivered or rescanned.
  UNIQUE (serial, trigger, level)
);
CREATE INDEX IF NOT EXISTS trace_reward_ledger_beneficiary ON trace_reward_ledger (beneficiary, created_at);
