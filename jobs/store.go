package jobs

import (
	"context"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// Tx is what a job does inside one transaction: enqueue messages, read
// what the outbox already holds and keep the escalation state. *store.Store (bound to a transaction by
// InTx, or not) is one.
type Tx interface {
	Outbox() *store.Outbox
	OutboxAt(now func() time.Time) *store.Outbox
	// LastEscalation and RecordEscalation keep what each leader was last
	// sent apart from the outbox, so pruning it cannot resend.
	LastEscalation(ctx context.Context, recipient string) (store.EscalationSent, bool, error)
	RecordEscalation(ctx context.Context, e store.EscalationSent) error
}

// Store is the part of the store the jobs use; *store.Store is one.
type Store interface {
	Tx
	// InTx runs fn in one transaction on a store bound to it.
	InTx(ctx context.Context, fn func(tx *store.Store) error) error

	Units(ctx context.Context) ([]models.Unit, error)
	Officers(ctx context.Context) ([]models.Officer, error)
	ChatGroups(ctx context.Context, platforms ...string) ([]models.ChatGroup, error)
	ActiveAccounts(ctx context.Context, platforms ...string) ([]models.ChatAccount, error)
	ActiveAccountsWithRole(ctx context.Context, role models.Role, platforms ...string) ([]models.ChatAccount, error)
	InactiveLinks(ctx context.Context) ([]models.ChatAccount, error)
	OpenDossiersInUnits(ctx context.Context, unitCodes []string, dueBefore time.Time, limit int) ([]models.Dossier, error)
	EachLinkedOpenDossier(ctx context.Context, platforms []string, fn func(d *models.Dossier, acc *models.ChatAccount) error) error
	CountUnassignedOpen(ctx context.Context) (int64, error)

	// The digest's channel: the officer's choice (/caidat) and the open
	// dossiers of every active officer, linked to a chat or not.
	OfficersByCode(ctx context.Context, codes []string) (map[string]models.Officer, error)
	ActiveAccountsOf(ctx context.Context, officerCode string, platforms ...string) ([]models.ChatAccount, error)
	OfficerChannels(ctx context.Context) (map[string]string, error)
	OfficerChannel(ctx context.Context, officerCode string) (string, error)
	SetOfficerChannel(ctx context.Context, officerCode, platform string, at time.Time) error
	EachOfficerOpenDossier(ctx context.Context, officerCode string, fn func(d *models.Dossier, name string) error) error
	SentCount(ctx context.Context, platform string, from, to time.Time) (int64, error)
	OutboxRecipients(ctx context.Context, job, period string) (map[string]bool, error)
	InactiveAccountsOn(ctx context.Context, officerCode string, platforms ...string) ([]models.ChatAccount, error)
}

var _ Store = (*store.Store)(nil)
