-- The partition experiment of scripts/bench-scale.sh (issue #14 item 6): a
-- copy of dossiers and dossier_facts partitioned by month of received_at
-- (declarative partitioning, one partition per month of the data in Việt
-- Nam time, and a default partition for anything else), indexed as the
-- originals, beside them in the same database. The production schema is
-- not partitioned: this only measures what partitioning would buy.
--
-- What partitioning imposes on this schema: a primary key (or any unique
-- index) of a partitioned table must contain the partition key, so "code"
-- alone is no longer unique across partitions: the key becomes (code,
-- received_at), the imports' ON CONFLICT (code) upserts and the foreign
-- keys of steps and dossier_supplements (REFERENCES dossiers (code)) would
-- need another design, and a dossier whose received_at is corrected moves
-- between partitions (an UPDATE of the key: a delete and an insert).
--
--   psql -d dondoc_scale_5000000 -v ON_ERROR_STOP=1 -f scripts/bench-scale-partitions.sql
SET client_min_messages = warning;
DROP TABLE IF EXISTS dossiers_p, dossier_facts_p CASCADE;

CREATE TABLE dossiers_p (LIKE dossiers INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (received_at);
CREATE TABLE dossier_facts_p (LIKE dossier_facts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (received_at);

DO $$
DECLARE
    m    timestamp;
    last timestamp;
    lo   timestamptz;
    hi   timestamptz;
BEGIN
    SELECT date_trunc('month', min(received_at) AT TIME ZONE 'Asia/Ho_Chi_Minh'),
           date_trunc('month', max(received_at) AT TIME ZONE 'Asia/Ho_Chi_Minh')
      INTO m, last FROM dossiers;
    WHILE m <= last LOOP
        lo := m AT TIME ZONE 'Asia/Ho_Chi_Minh';
        hi := (m + interval '1 month') AT TIME ZONE 'Asia/Ho_Chi_Minh';
        EXECUTE format('CREATE TABLE %I PARTITION OF dossiers_p FOR VALUES FROM (%L) TO (%L)',
                       'dossiers_p_' || to_char(m, 'YYYY_MM'), lo, hi);
        EXECUTE format('CREATE TABLE %I PARTITION OF dossier_facts_p FOR VALUES FROM (%L) TO (%L)',
                       'dossier_facts_p_' || to_char(m, 'YYYY_MM'), lo, hi);
        m := m + interval '1 month';
    END LOOP;
END
$$;
CREATE TABLE dossiers_p_default PARTITION OF dossiers_p DEFAULT;
CREATE TABLE dossier_facts_p_default PARTITION OF dossier_facts_p DEFAULT;

\timing on
INSERT INTO dossiers_p SELECT * FROM dossiers;
INSERT INTO dossier_facts_p SELECT * FROM dossier_facts;

-- The originals' indexes, the key widened by the partition key.
ALTER TABLE dossiers_p ADD PRIMARY KEY (code, received_at);
CREATE INDEX dossiers_p_open_handler_idx ON dossiers_p (handler_code, due_at) WHERE status IN (1, 2, 4, 5, 6);
CREATE INDEX dossiers_p_running_deadline_idx ON dossiers_p (deadline, code) WHERE status IN (1, 2, 4);
CREATE INDEX dossiers_p_unit_status_deadline_idx ON dossiers_p (unit_code, status, deadline);
-- dossier_facts.received_at may be NULL (such rows land in the default
-- partition), so its key is a unique index rather than a primary key.
CREATE UNIQUE INDEX dossier_facts_p_code_idx ON dossier_facts_p (code, received_at);
ANALYZE dossiers_p;
ANALYZE dossier_facts_p;
\timing off

SELECT 'dossiers_p' AS copy, count(*) AS rows, pg_size_pretty(pg_total_relation_size('dossiers')) AS original_size,
       (SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'dossiers_p'::regclass) AS copy_size
  FROM dossiers_p
UNION ALL
SELECT 'dossier_facts_p', count(*), pg_size_pretty(pg_total_relation_size('dossier_facts')),
       (SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'dossier_facts_p'::regclass)
  FROM dossier_facts_p;
