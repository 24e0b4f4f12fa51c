-- Apology letters and extensions (issue #11): the original appointment date
-- (ngay_hen_tra_ban_dau), the one the first extension set (ngay_gia_han) and
-- the exported extension count (so_lan_gia_han); NULL / 0 when the export
-- does not give them. due_at stays the current appointment date.
ALTER TABLE dossiers ADD COLUMN original_due_at timestamptz;
ALTER TABLE dossiers ADD COLUMN extended_due_at timestamptz;
ALTER TABLE dossiers ADD COLUMN extension_count integer NOT NULL DEFAULT 0 CHECK (extension_count >= 0);
