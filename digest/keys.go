package digest

import "github.com/dondoc/dondoc/models"

// DigestKey is the outbox key of an officer's digest: "digest/<officer>/2026-11-27".
func DigestKey(officerCode string, day models.Date) string {
	return models.JobDigest + "/" + officerCode + "/" + day.String()
}

// EscalationKey is the outbox key of an escalation:
// "escalation/<leader>/2026-11-27/<first 16 hex digits of the fingerprint>";
// a changed set of dossiers the same day is a new message.
func EscalationKey(leaderCode, fingerprint string, day models.Date) string {
	if len(fingerprint) > 16 {
		fingerprint = fingerprint[:16]
	}
	return models.JobEscalation + "/" + leaderCode + "/" + day.String() + "/" + fingerprint
}

// SecretariatKey is the outbox key of the secretariat's notes:
// "secretariat/<officer>/2026-11-27".
func SecretariatKey(officerCode string, day models.Date) string {
	return models.JobSecretariat + "/" + officerCode + "/" + day.String()
}
