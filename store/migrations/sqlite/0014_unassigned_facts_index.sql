-- Issue #14 item 6: a month's report lists the codes of the in-scope
-- dossiers marked unassigned (store/figures.go, unassignedCodes), in code
-- order. Without an index on the few unassigned rows Postgres walked the
-- primary key of dossier_facts: 0.18 s at 1M dossiers, 4.0 s at 5M. Every
-- report reads them, even with its figures kept.
CREATE INDEX dossier_facts_unassigned_idx ON dossier_facts (code) WHERE unassigned <> 0;
