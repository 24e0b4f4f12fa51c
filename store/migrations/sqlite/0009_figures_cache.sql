-- Issue #14 item 3: a period's figures (store/figures.go) are kept once
-- computed, tagged with the facts generation they were computed at, and
-- served again while nothing has written facts since. SQLite has one
-- writer and only row triggers: the generation is a counter that every
-- row written to dossier_facts, dossier_fact_waits or step_facts bumps.
CREATE TABLE facts_generation (
    id integer PRIMARY KEY CHECK (id = 1),
    n  integer NOT NULL
);
INSERT INTO facts_generation (id, n) VALUES (1, 0);

CREATE TRIGGER dossier_facts_ins AFTER INSERT ON dossier_facts BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dossier_facts_upd AFTER UPDATE ON dossier_facts BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dossier_facts_del AFTER DELETE ON dossier_facts BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dossier_fact_waits_ins AFTER INSERT ON dossier_fact_waits BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dossier_fact_waits_upd AFTER UPDATE ON dossier_fact_waits BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER dossier_fact_waits_del AFTER DELETE ON dossier_fact_waits BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER step_facts_ins AFTER INSERT ON step_facts BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER step_facts_upd AFTER UPDATE ON step_facts BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER step_facts_del AFTER DELETE ON step_facts BEGIN UPDATE facts_generation SET n = n + 1 WHERE id = 1; END;

CREATE TABLE figures_cache (
    period_key  text PRIMARY KEY,
    generation  integer NOT NULL,
    payload     text NOT NULL,
    computed_at TEXT NOT NULL
);
