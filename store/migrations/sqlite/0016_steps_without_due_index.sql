-- Postgres' migration 0016 indexes the steps without a due date of their
-- own for its re-imports; SQLite's import does not read them that way.
SELECT 1;
