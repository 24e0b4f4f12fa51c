-- dondoc schema, version 1 (SQLite). Instants are TEXT, always UTC, in the form
-- '2006-01-02 15:04:05.999999+00:00', so text order is time order; dates are
-- 'YYYY-MM-DD'; booleans are 0/1;
-- optional text is '' rather than NULL; absent instants are NULL.

CREATE TABLE units (
    code           text PRIMARY KEY,
    name           text NOT NULL,
    level          text NOT NULL DEFAULT '',
    parent_code    text NOT NULL DEFAULT '',
    valid_from     TEXT,
    valid_to       TEXT,
    successor_code text NOT NULL DEFAULT ''
);
CREATE INDEX units_parent_idx ON units (parent_code);

CREATE TABLE officers (
    code      text PRIMARY KEY,
    name      text NOT NULL,
    unit_code text NOT NULL DEFAULT '',
    position  text NOT NULL DEFAULT '',
    role      text NOT NULL DEFAULT 'officer' CHECK (role IN ('officer', 'leader', 'secretariat', 'admin')),
    phone     text NOT NULL DEFAULT '',
    email     text NOT NULL DEFAULT '',
    active    INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX officers_unit_idx ON officers (unit_code);

CREATE TABLE procedures (
    code       text PRIMARY KEY,
    name       text NOT NULL,
    field      text NOT NULL DEFAULT '',
    limit_days integer NOT NULL DEFAULT 0 CHECK (limit_days >= 0)
);

-- Dossiers do not reference units or officers: an export may name an
-- unknown one (unassigned = true), and the dossier must still be kept.
CREATE TABLE dossiers (
    code                    text PRIMARY KEY,
    procedure_code          text NOT NULL DEFAULT '',
    procedure_name          text NOT NULL DEFAULT '',
    field                   text NOT NULL DEFAULT '',
    unit_code               text NOT NULL DEFAULT '',
    handler_code            text NOT NULL DEFAULT '',
    received_at             TEXT NOT NULL,
    due_at                  TEXT NOT NULL,
    finished_at             TEXT,
    system_finished_at      TEXT,
    returned_at             TEXT,
    status                  INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    channel                 text NOT NULL DEFAULT '',
    supplement_count        integer NOT NULL DEFAULT 0 CHECK (supplement_count >= 0),
    supplement_requested_at TEXT,
    supplement_done_at      TEXT,
    applicant_name          text NOT NULL DEFAULT '',
    unassigned              INTEGER NOT NULL DEFAULT 0,
    row_hash                text NOT NULL DEFAULT '',
    updated_at              TEXT NOT NULL
);
-- Open dossiers (running 1, 2, 4 and paused 5, 6) by handler: reminders.
CREATE INDEX dossiers_open_handler_idx ON dossiers (handler_code, due_at) WHERE status IN (1, 2, 4, 5, 6);
CREATE INDEX dossiers_unit_status_due_idx ON dossiers (unit_code, status, due_at);
CREATE INDEX dossiers_received_idx ON dossiers (received_at);
CREATE INDEX dossiers_finished_idx ON dossiers (finished_at);

-- Supplement waits after the first (the first lives in dossiers).
CREATE TABLE dossier_supplements (
    dossier_code text NOT NULL REFERENCES dossiers (code) ON DELETE CASCADE,
    seq          integer NOT NULL CHECK (seq >= 2),
    requested_at TEXT,
    done_at      TEXT,
    PRIMARY KEY (dossier_code, seq)
);

CREATE TABLE steps (
    dossier_code text NOT NULL REFERENCES dossiers (code) ON DELETE CASCADE,
    seq          integer NOT NULL CHECK (seq > 0),
    name         text NOT NULL DEFAULT '',
    officer_code text NOT NULL,
    started_at   TEXT,
    due_at       TEXT NOT NULL,
    finished_at  TEXT,
    PRIMARY KEY (dossier_code, seq)
);
CREATE INDEX steps_officer_due_idx ON steps (officer_code, due_at);

CREATE TABLE holidays (
    date   TEXT PRIMARY KEY,
    kind   text NOT NULL CHECK (kind IN ('off', 'working')),
    name   text NOT NULL DEFAULT '',
    source text NOT NULL DEFAULT ''
);

CREATE TABLE chat_accounts (
    platform        text NOT NULL,
    user_id         text NOT NULL,
    chat_id         text NOT NULL,
    officer_code    text NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    inactive_reason text NOT NULL DEFAULT '',
    linked_at       TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);
CREATE INDEX chat_accounts_officer_idx ON chat_accounts (officer_code);

CREATE TABLE chat_groups (
    platform  text NOT NULL,
    chat_id   text NOT NULL,
    unit_code text NOT NULL,
    thread_id INTEGER NOT NULL DEFAULT 0,
    active    INTEGER NOT NULL DEFAULT 1,
    bound_at  TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
CREATE INDEX chat_groups_unit_idx ON chat_groups (unit_code);

-- One-time link codes; only a hash of the code is kept.
CREATE TABLE link_codes (
    code_hash    text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('officer', 'group')),
    officer_code text NOT NULL DEFAULT '',
    unit_code    text NOT NULL DEFAULT '',
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    created_by   text NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    CHECK (officer_code <> '' OR unit_code <> '')
);

CREATE TABLE link_failures (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    platform  text NOT NULL,
    chat_id   text NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE INDEX link_failures_chat_idx ON link_failures (platform, chat_id, failed_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    key             text NOT NULL UNIQUE,
    job             text NOT NULL,
    recipient       text NOT NULL DEFAULT '',
    period          text NOT NULL DEFAULT '',
    platform        text NOT NULL,
    chat_id         text NOT NULL,
    thread_id       INTEGER NOT NULL DEFAULT 0,
    payload         text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_status_next_idx ON outbox (status, next_attempt_at);

CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job         text NOT NULL,
    period      text NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (job, period)
);
