-- Per-dossier facts (issue #9, #11, #14): what models.Rules.FactsOf computes
-- once per dossier at every write, so that a period's figures are one
-- GROUP BY of instant comparisons (store/figures.go). "Never" is
-- 9999-12-31, "always" 0001-01-01; see models.Facts for each column.
CREATE TABLE dossier_facts (
    code              text PRIMARY KEY,
    unit_code         text NOT NULL DEFAULT '',
    handler_code      text NOT NULL DEFAULT '',
    unassigned        boolean NOT NULL DEFAULT false,
    in_scope          boolean NOT NULL,
    received_at       timestamptz,
    closed            boolean NOT NULL,
    stop_at           timestamptz,
    class             text NOT NULL DEFAULT '',
    late_on_system    boolean NOT NULL DEFAULT false,
    ended_on_time     boolean NOT NULL DEFAULT false,
    closed_766        boolean NOT NULL DEFAULT false,
    closed_excess     boolean NOT NULL DEFAULT false,
    deadline          timestamptz NOT NULL,
    deadline_766      timestamptz NOT NULL,
    second_request_at timestamptz NOT NULL,
    paused            boolean NOT NULL DEFAULT false,
    paused_from       timestamptz NOT NULL,
    second_extension  boolean NOT NULL DEFAULT false,
    waits             integer NOT NULL DEFAULT 0,
    steps             integer NOT NULL DEFAULT 0
);
-- Closed supplement waits (start < end) of dossiers that have any.
CREATE TABLE dossier_fact_waits (
    code     text NOT NULL,
    seq      integer NOT NULL,
    start_at timestamptz NOT NULL,
    end_at   timestamptz NOT NULL,
    PRIMARY KEY (code, seq)
);

-- models.StepFacts: one row per step of a dossier.
CREATE TABLE step_facts (
    code         text NOT NULL,
    seq          integer NOT NULL,
    officer_code text NOT NULL DEFAULT '',
    start_at     timestamptz NOT NULL,
    end_at       timestamptz,
    deadline     timestamptz NOT NULL,
    last         boolean NOT NULL DEFAULT false,
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
ALTER TABLE dossiers ADD COLUMN deadline timestamptz;
CREATE INDEX dossiers_unit_status_deadline_idx ON dossiers (unit_code, status, deadline);
CREATE INDEX dossiers_running_deadline_idx ON dossiers (deadline, code) WHERE status IN (1, 2, 4);
