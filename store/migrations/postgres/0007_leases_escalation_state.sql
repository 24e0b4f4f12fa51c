-- Leases for replicas (issue #14): a job run records its owner (a replica
-- id) and the owner's last heartbeat, so that another replica takes over a
-- run whose owner died within seconds; an outbox claim records its owner
-- and its end apart from next_attempt_at, so that a new leader gives back
-- at once what the dead leader had claimed, without touching entries that
-- wait for a retry.
ALTER TABLE job_runs ADD COLUMN owner text NOT NULL DEFAULT '';
ALTER TABLE job_runs ADD COLUMN heartbeat_at timestamptz;
ALTER TABLE outbox ADD COLUMN lease_owner text NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN lease_until timestamptz;

-- What the escalation last sent to each recipient, kept apart from the
-- outbox so that pruning old outbox rows (OUTBOX_RETENTION_DAYS) cannot
-- make it send again. Filled from the outbox as it stands.
CREATE TABLE escalation_state (
    recipient   text PRIMARY KEY,
    fingerprint text NOT NULL,
    day         text NOT NULL,
    outbox_key  text NOT NULL,
    updated_at  timestamptz NOT NULL
);
INSERT INTO escalation_state (recipient, fingerprint, day, outbox_key, updated_at)
SELECT DISTINCT ON (recipient) recipient,
       substr(key, strpos(key, '/' || period || '/') + length(period) + 2),
       period, key, created_at
FROM outbox
WHERE job = 'escalation' AND status <> 'failed' AND recipient <> '' AND strpos(key, '/' || period || '/') > 0
ORDER BY recipient, id DESC;

CREATE INDEX outbox_finished_idx ON outbox (created_at) WHERE status <> 'pending';
