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
