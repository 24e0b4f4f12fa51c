-- Per-dossier facts (issue #9, #11, #14): what models.Rules.FactsOf computes
-- once per dossier at every write, so that a period's figures are one
-- GROUP BY of instant comparisons (store/figures.go). "Never" is
-- 9999-12-31, "always" 0001-01-01; see models.Facts for each column.
CREATE TABLE dossier_facts (
    code              text PRIMARY KEY,
    unit_code         text NOT NULL DEFAULT '',
    handler_code      text NOT NULL DEFAULT '',
    unassigned        INTEGER NOT NULL DEFAULT 0,
    in_scope          INTEGER NOT NULL,
    received_at       TEXT,
    closed            INTEGER NOT NULL,
    stop_at           TEXT,
    class             text NOT NULL DEFAULT '',
    late_on_system    INTEGER NOT NULL DEFAULT 0,
    ended_on_time     INTEGER NOT NULL DEFAULT 0,
    closed_766        INTEGER NOT NULL DEFAULT 0,
    closed_excess     INTEGER NOT NULL DEFAULT 0,
    deadline          TEXT NOT NULL,
    deadline_766      TEXT NOT NULL,
    second_request_at TEXT NOT NULL,
    paused            INTEGER NOT NULL DEFAULT 0,
    paused_from       TEXT NOT NULL,
    second_extension  INTEGER NOT NULL DEFAULT 0,
    waits             integer NOT NULL DEFAULT 0,
    steps             integer NOT NULL DEFAULT 0
);
-- Closed supplement waits (start < end) of dossiers that have any.
CREATE TABLE dossier_fact_waits (
    code     text NOT NULL,
    seq      integer NOT NULL,
    start_at TEXT NOT NULL,
    end_at   TEXT NOT NULL,
    PRIMARY KEY (code, seq)
);

-- models.StepFacts: one row per step of a dossier.
CREATE TABLE step_facts (
    code         text NOT NULL,
    seq          integer NOT NULL,
    officer_code text NOT NULL DEFAULT '',
    start_at     TEXT NOT NULL,
    end_at       TEXT,
    deadline     TEXT NOT NULL,
    last         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (code, seq)
);

-- The rules the facts were computed with (SUPPLEMENT_CLOCK, time zone):
-- the store recomputes every dossier's facts when they differ.
CREATE TABLE facts_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- The effective deadline of each dossier, beside due_at, for the open
-- dossiers' lists and reminders (models.Rules.Deadline); its indexes
-- replace those on due_at, which no query orders by any more.
DROP INDEX dossiers_unit_status_due_idx;
DROP INDEX dossiers_running_due_idx;
ALTER TABLE dossiers ADD COLUMN deadline TEXT;
CREATE INDEX dossiers_unit_status_deadline_idx ON dossiers (unit_code, status, deadline);
CREATE INDEX dossiers_running_deadline_idx ON dossiers (deadline, code) WHERE status IN (1, 2, 4);
