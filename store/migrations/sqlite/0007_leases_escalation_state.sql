-- Leases for replicas (issue #14): see the Postgres migration of the same
-- number.
ALTER TABLE job_runs ADD COLUMN owner text NOT NULL DEFAULT '';
ALTER TABLE job_runs ADD COLUMN heartbeat_at TEXT;
ALTER TABLE outbox ADD COLUMN lease_owner text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until TEXT;

CREATE TABLE escalation_state (
    recipient   text PRIMARY KEY,
    fingerprint text NOT NULL,
    day         text NOT NULL,
    outbox_key  text NOT NULL,
    updated_at  TEXT NOT NULL
);
INSERT INTO escalation_state (recipient, fingerprint, day, outbox_key, updated_at)
SELECT recipient,
       substr(key, instr(key, '/' || period || '/') + length(period) + 2),
       period, key, created_at
FROM outbox
WHERE id IN (SELECT max(id) FROM outbox
             WHERE job = 'escalation' AND status <> 'failed' AND recipient <> '' AND instr(key, '/' || period || '/') > 0
             GROUP BY recipient);

CREATE INDEX outbox_finished_idx ON outbox (created_at) WHERE status <> 'pending';
