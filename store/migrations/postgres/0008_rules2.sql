-- Issue #11, items 6-8.
-- Vendors' exports hold steps without a step deadline: due_at becomes
-- optional (NULL: the step answers to the dossier's deadline).
ALTER TABLE steps ALTER COLUMN due_at DROP NOT NULL;

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
    is_parent      boolean NOT NULL DEFAULT false,
    total_received integer,
    total_on_time  integer,
    total_overdue  integer,
    ratio          double precision,
    score          double precision,
    max_score      double precision,
    PRIMARY KEY (period, portal_id)
);
