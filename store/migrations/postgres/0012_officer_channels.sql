-- The channel each officer chose for the daily digest (/caidat, issue #10):
-- "zalo", "zalo_oa", "telegram", "zns", "email". An officer without a row
-- gets the first channel that works in DIGEST_CHANNELS order.
CREATE TABLE officer_channels (
    officer_code text PRIMARY KEY,
    platform     text NOT NULL,
    updated_at   timestamptz NOT NULL
);
