-- Issue #14 item 3: a period's figures (store/figures.go) are kept once
-- computed, tagged with the facts generation they were computed at, and
-- served again while no transaction has written facts since.
--
-- The generation is the number of transactions that wrote dossier_facts,
-- dossier_fact_waits or step_facts: a statement trigger records each such
-- transaction once. Inserts of distinct keys never wait on each other, so
-- concurrent imports are not serialised; the count grows by one at each
-- commit of a writer and is read in the reader's own snapshot.
CREATE TABLE facts_changes (
    txid       bigint PRIMARY KEY,
    changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION dondoc_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO facts_changes (txid) VALUES (txid_current()) ON CONFLICT (txid) DO NOTHING;
    RETURN NULL;
END
$$;

CREATE TRIGGER dossier_facts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dossier_facts
    FOR EACH STATEMENT EXECUTE FUNCTION dondoc_facts_changed();
CREATE TRIGGER dossier_fact_waits_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON dossier_fact_waits
    FOR EACH STATEMENT EXECUTE FUNCTION dondoc_facts_changed();
CREATE TRIGGER step_facts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON step_facts
    FOR EACH STATEMENT EXECUTE FUNCTION dondoc_facts_changed();

-- One row per period and judged instant: the raw rows of the figures query
-- (before successors are folded in, which depends on the units only).
CREATE TABLE figures_cache (
    period_key  text PRIMARY KEY,
    generation  bigint NOT NULL,
    payload     text NOT NULL,
    computed_at timestamptz NOT NULL
);
