-- One name per job (models.JobEscalation): the run log called the
-- escalation job "escalate" while the outbox called it "escalation". Rename
-- the old run-log rows so that a run already recorded is not run again.
UPDATE job_runs SET job = 'escalation'
WHERE job = 'escalate'
  AND NOT EXISTS (SELECT 1 FROM job_runs j WHERE j.job = 'escalation' AND j.period = job_runs.period);
