-- Postgres' migration 0017 leaves room in the pages of dossiers and
-- dossier_facts for updated rows; SQLite has no fill factor.
SELECT 1;
