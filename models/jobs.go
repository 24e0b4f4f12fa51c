package models

// The names of dondoc's jobs: one name per job, used by the scheduler (its
// gocron jobs and the run log's job_runs.job), by the jobs (outbox entries'
// Job, and the first part of their keys) and in logs.
//
// The escalation job was once "escalate" in the run log and "escalation"
// in the outbox; store migration 0003 renames the old run-log rows, and
// outbox rows already said "escalation".
const (
	JobDigest      = "digest"      // officers' morning digest, REMIND_AT
	JobSecretariat = "secretariat" // the secretariat's notes, sent by the digest job
	JobEscalation  = "escalation"  // leaders' escalation, ESCALATE_AT
	JobWeekly      = "weekly"      // weekly summary to the units' groups, WEEKLY_AT
	JobMonthly     = "monthly"     // monthly results broadcast, MONTHLY_AT
)
