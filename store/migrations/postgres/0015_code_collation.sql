-- Issue #14 item 2: codes compare byte by byte. Codes (of dossiers, units,
-- officers, procedures) are identifiers, not words: their columns had the
-- database's collation, and every sort and index lookup on them called the
-- locale's comparison (strcoll or ICU), which also keeps Postgres from its
-- abbreviated sort keys. Measured on the 1M province: the primary key of
-- dossiers built in 0.75 s with "C" against 1.06 s with C.UTF-8 and
-- 1.85 s with vi-x-icu; a first import rebuilds every such index. Every
-- column a code is compared with changes together: a comparison of a "C"
-- column with one of the database's collation is made in "C", which an
-- index of the other could not serve. For UTF-8 text, "C" sorts
-- as C.UTF-8 does (by code point); only a database created with a
-- language's collation sees codes listed in another order.
ALTER TABLE units
    ALTER COLUMN code TYPE text COLLATE "C",
    ALTER COLUMN parent_code TYPE text COLLATE "C",
    ALTER COLUMN successor_code TYPE text COLLATE "C";
ALTER TABLE officers
    ALTER COLUMN code TYPE text COLLATE "C",
    ALTER COLUMN unit_code TYPE text COLLATE "C";
ALTER TABLE procedures
    ALTER COLUMN code TYPE text COLLATE "C";
ALTER TABLE dossiers
    ALTER COLUMN code TYPE text COLLATE "C",
    ALTER COLUMN procedure_code TYPE text COLLATE "C",
    ALTER COLUMN unit_code TYPE text COLLATE "C",
    ALTER COLUMN handler_code TYPE text COLLATE "C";
ALTER TABLE dossier_supplements
    ALTER COLUMN dossier_code TYPE text COLLATE "C";
ALTER TABLE steps
    ALTER COLUMN dossier_code TYPE text COLLATE "C",
    ALTER COLUMN officer_code TYPE text COLLATE "C";
ALTER TABLE dossier_facts
    ALTER COLUMN code TYPE text COLLATE "C",
    ALTER COLUMN unit_code TYPE text COLLATE "C",
    ALTER COLUMN handler_code TYPE text COLLATE "C";
ALTER TABLE dossier_fact_waits
    ALTER COLUMN code TYPE text COLLATE "C";
ALTER TABLE step_facts
    ALTER COLUMN code TYPE text COLLATE "C",
    ALTER COLUMN officer_code TYPE text COLLATE "C";
ALTER TABLE chat_accounts
    ALTER COLUMN officer_code TYPE text COLLATE "C";
ALTER TABLE chat_groups
    ALTER COLUMN unit_code TYPE text COLLATE "C";
ALTER TABLE link_codes
    ALTER COLUMN code_hash TYPE text COLLATE "C",
    ALTER COLUMN officer_code TYPE text COLLATE "C",
    ALTER COLUMN unit_code TYPE text COLLATE "C";
ALTER TABLE officer_channels
    ALTER COLUMN officer_code TYPE text COLLATE "C";
ALTER TABLE upload_tokens
    ALTER COLUMN officer_code TYPE text COLLATE "C";
