-- Issue #11, items 6-8.
-- Vendors' exports hold steps without a step deadline: due_at becomes
-- optional (NULL: the step answers to the dossier's deadline).
ALTER TABLE steps ALTER COLUMN due_at DROP NOT NULL;
