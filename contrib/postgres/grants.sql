-- What the runtime role needs, no more: `simdesk journal --migrate` applies
-- these (to the role of the journal DSN) after creating or migrating the
-- schema as its owner. Listed here for review; journal.PGRuntimeGrants is
-- the same list (a test compares them).
-- No UPDATE, DELETE or TRUNCATE on simdesk_journal, no ownership: the
-- runtime role cannot rewrite or remove a line, nor disable the triggers.
-- LISTEN/NOTIFY and advisory locks need no grant; no table has a sequence.
GRANT SELECT ON simdesk_schema TO simdesk_app;
GRANT SELECT, INSERT ON simdesk_journal TO simdesk_app;
GRANT SELECT, INSERT, DELETE ON simdesk_pending TO simdesk_app;
GRANT SELECT, INSERT, UPDATE ON simdesk_stock TO simdesk_app;
