-- Issue #10, item 4: upload by link. /tailen gives a secretariat member a
-- single-use link to the upload page, valid 15 minutes and bound to that
-- person and chat. Only the token's SHA-256 is kept (as for link_codes);
-- used_at is set by the first successful upload (a conditional UPDATE), and
-- the import's error CSV is kept for the page's download link.
CREATE TABLE upload_tokens (
    token_hash   text PRIMARY KEY,
    officer_code text NOT NULL,
    platform     text NOT NULL,
    user_id      text NOT NULL,
    chat_id      text NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    file_name    text NOT NULL DEFAULT '',
    kind         text NOT NULL DEFAULT '',
    error_csv    BLOB
);
CREATE INDEX upload_tokens_expires_idx ON upload_tokens (expires_at);
