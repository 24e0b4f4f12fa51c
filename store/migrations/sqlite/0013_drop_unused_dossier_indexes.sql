-- Issue #14 item 2: since migration 0006 a period's figures are read from
-- dossier_facts, and no query selects dossiers by received_at or
-- finished_at any more; their indexes only slowed every write of a
-- dossier (and a first import rebuilds every index of the table).
DROP INDEX IF EXISTS dossiers_received_idx;
DROP INDEX IF EXISTS dossiers_finished_idx;
