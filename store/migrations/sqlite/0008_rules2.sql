-- Issue #11, items 6-8.
-- Vendors' exports hold steps without a step deadline: due_at becomes
-- optional (NULL: the step answers to the dossier's deadline). SQLite cannot
-- drop a NOT NULL constraint, so the table is copied out and rebuilt (no
-- ALTER TABLE ... RENAME: it opens the temporary schema on the connection,
-- and the importer's PRAGMA temp_store then fails).
CREATE TABLE steps_copy AS SELECT * FROM steps;
DROP TABLE steps;
CREATE TABLE steps (
    dossier_code text NOT NULL REFERENCES dossiers (code) ON DELETE CASCADE,
    seq          integer NOT NULL CHECK (seq > 0),
    name         text NOT NULL DEFAULT '',
    officer_code text NOT NULL,
    started_at   TEXT,
    due_at       TEXT,
    finished_at  TEXT,
    PRIMARY KEY (dossier_code, seq)
);
INSERT INTO steps (dossier_code, seq, name, officer_code, started_at, due_at, finished_at)
    SELECT dossier_code, seq, name, officer_code, started_at, due_at, finished_at FROM steps_copy;
DROP TABLE steps_copy;
CREATE INDEX steps_officer_due_idx ON steps (officer_code, due_at);

-- A procedure's time limit has a unit (working_days, working_hours,
-- calendar_days) and its own same-day cut-off (gio_cat, minutes after
-- midnight; NULL: the global DONDOC_CUTOFF).
ALTER TABLE procedures ADD COLUMN limit_unit text NOT NULL DEFAULT 'working_days'
    CHECK (limit_unit IN ('working_days', 'working_hours', 'calendar_days'));
ALTER TABLE procedures ADD COLUMN cutoff_minute integer CHECK (cutoff_minute BETWEEN 0 AND 1439);

-- The unit's id on the national portal (Cổng Dịch vụ công quốc gia), to
-- hold dondoc's figures against the portal's.
ALTER TABLE units ADD COLUMN portal_id text NOT NULL DEFAULT '';

-- The portal's published "Tiến độ giải quyết" per period (YYYY-MM) and
-- portal unit; NULL is not 0 (the portal shows nothing).
CREATE TABLE portal_progress (
    period         text NOT NULL,
    portal_id      text NOT NULL,
    name           text NOT NULL DEFAULT '',
    is_parent      integer NOT NULL DEFAULT 0,
    total_received integer,
    total_on_time  integer,
    total_overdue  integer,
    ratio          real,
    score          real,
    max_score      real,
    PRIMARY KEY (period, portal_id)
);
