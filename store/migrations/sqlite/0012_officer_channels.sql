-- The channel each officer chose for the daily digest (/caidat): see the
-- Postgres migration of the same number.
CREATE TABLE officer_channels (
    officer_code text PRIMARY KEY,
    platform     text NOT NULL,
    updated_at   TEXT NOT NULL
);
