-- Issue #14 item 2: a daily re-import of the full export rewrites a tenth
-- of the dossiers and of their facts. Pages packed full by the first
-- (bulk) import left no room for a row's new version on its own page: it
-- went to another page, two pages written a row (and their whole images
-- in the WAL after a checkpoint), and the facts' updates could not be HOT.
-- Ten per cent of each page kept free keeps the new version beside the old
-- one (the facts' updates HOT: none of their indexed columns changes).
-- A table updated that way grows to about this size anyway once vacuum
-- frees the old versions (371 MB for the 1M province after a few
-- re-imports, 373 MB packed at 90 %); a 10 % changed re-import took 7–10 %
-- less time. Existing pages keep their fill until rewritten.
ALTER TABLE dossiers SET (fillfactor = 90);
ALTER TABLE dossier_facts SET (fillfactor = 90);
