-- simdesk journal in PostgreSQL, version 2: the pending set carries each
-- attempt's key, so the duplicate guard finds the pending attempts of one
-- line and offer from an index of the (small) pending set instead of
-- joining it with the journal (which the planner may answer by scanning
-- the journal).
ALTER TABLE simdesk_pending
    ADD COLUMN provider text NOT NULL DEFAULT '',
    ADD COLUMN line_key text NOT NULL DEFAULT '',
    ADD COLUMN offer_id text NOT NULL DEFAULT '',
    ADD COLUMN amount   text NOT NULL DEFAULT '';
UPDATE simdesk_pending p
   SET provider = j.provider, line_key = j.line_key, offer_id = j.offer_id, amount = j.amount
  FROM simdesk_journal j
 WHERE j.seq = p.seq;
CREATE INDEX simdesk_pending_key ON simdesk_pending (provider, line_key, offer_id, amount);
