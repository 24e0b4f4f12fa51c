-- Chat-platform state kept across restarts (issue #10).
-- processed_updates: the incoming updates already handled, by platform and
-- the platform's own id (Zalo's message_id), so that a redelivery after a
-- restart is not answered twice. Old rows are pruned by the adapter.
CREATE TABLE processed_updates (
    platform    text NOT NULL,
    update_key  text NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (platform, update_key)
);
CREATE INDEX processed_updates_received_idx ON processed_updates (received_at);

-- chat_send_failures: the days on which sending to a chat failed with an
-- error that deactivates the link only when it repeats on several days
-- (Zalo's 404 "invalid request").
CREATE TABLE chat_send_failures (
    platform text NOT NULL,
    chat_id  text NOT NULL,
    day      text NOT NULL,
    PRIMARY KEY (platform, chat_id, day)
);

-- platform_settings: values a channel generates once and must keep (the
-- Zalo webhook secret when ZALO_WEBHOOK_SECRET is unset).
CREATE TABLE platform_settings (
    name       text PRIMARY KEY,
    value      text NOT NULL,
    updated_at TEXT NOT NULL
);
