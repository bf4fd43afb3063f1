-- simdesk journal in PostgreSQL, version 1.
-- simdesk_journal holds each entry's exact line text (the bytes the file
-- journal would hold, without the newline) at its 1-based position seq, so
-- the hash chain and its verifier are the file's. The other columns are
-- copies of fields of the line, for indexed reads; the line is the record.
CREATE TABLE simdesk_journal (
    seq            bigint      PRIMARY KEY CHECK (seq > 0),
    line           text        NOT NULL,
    journal_id     text        NOT NULL,
    phase          text        NOT NULL CHECK (phase IN ('intent', 'outcome')),
    first          boolean     NOT NULL, -- the attempt's first line
    ts             timestamptz NOT NULL,
    provider       text        NOT NULL,
    line_key       text        NOT NULL, -- the target in its normal form
    offer_id       text        NOT NULL,
    amount         text        NOT NULL,
    status         text        NOT NULL,
    transaction_id text        NOT NULL,
    written_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
-- An attempt's lines (Get, and every read that builds attempts).
CREATE INDEX simdesk_journal_attempt ON simdesk_journal (journal_id, seq);
-- Recent: the newest attempts by the position of their first line.
CREATE INDEX simdesk_journal_first ON simdesk_journal (seq) WHERE first;
-- The duplicate guard: intents of one key since a time.
CREATE INDEX simdesk_journal_key ON simdesk_journal (provider, line_key, offer_id, amount, ts) WHERE phase = 'intent';
-- Reconciliation: transactions already claimed by an outcome.
CREATE INDEX simdesk_journal_claimed ON simdesk_journal (ts) WHERE phase = 'outcome' AND transaction_id <> '';

-- Attempts without a definitive outcome: a row is added with an attempt's
-- intent and removed with its definitive outcome, in the same transaction,
-- so Pending reads a handful of rows instead of the history.
CREATE TABLE simdesk_pending (
    journal_id text   PRIMARY KEY,
    seq        bigint NOT NULL
);

-- Append-only, enforced by the database: no UPDATE, DELETE or TRUNCATE of
-- the journal, whoever asks (only a superuser disabling the triggers can).
CREATE FUNCTION simdesk_journal_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'simdesk_journal is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER simdesk_journal_no_change BEFORE UPDATE OR DELETE ON simdesk_journal
    FOR EACH ROW EXECUTE FUNCTION simdesk_journal_append_only();
CREATE TRIGGER simdesk_journal_no_truncate BEFORE TRUNCATE ON simdesk_journal
    FOR EACH STATEMENT EXECUTE FUNCTION simdesk_journal_append_only();

-- The latest stock snapshot of each provider, written by its poll leader
-- (see PGStockLeader) for hosts that join late.
CREATE TABLE simdesk_stock (
    provider text        PRIMARY KEY,
    version  bigint      NOT NULL,
    taken_at timestamptz NOT NULL,
    leader   text        NOT NULL,
    body     bytea       NOT NULL
);
