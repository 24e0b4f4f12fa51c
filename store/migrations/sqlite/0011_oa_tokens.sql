-- Zalo Official Account tokens (issue #10 item 3), one row per OA app.
-- The refresh token is single use: replicas refresh under a lock on this
-- row (SELECT ... FOR UPDATE on Postgres, the write transaction on SQLite)
-- and the new refresh token replaces the old one in the same transaction.
-- seed_hash is the sha256 of the ZALO_OA_REFRESH_TOKEN the row was seeded
-- from: a different value in the environment is a new token from the
-- operator and replaces the stored chain.
CREATE TABLE oa_tokens (
    app_id            text PRIMARY KEY,
    access_token      text NOT NULL DEFAULT '',
    access_expires_at TEXT,
    refresh_token     text NOT NULL,
    seed_hash         text NOT NULL,
    updated_at        TEXT NOT NULL
);
