package email

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Accounts is what SyncAccounts reads and writes; *store.Store implements it.
type Accounts interface {
	Officers(ctx context.Context) ([]models.Officer, error)
	ActiveAccounts(ctx context.Context, platforms ...string) ([]models.ChatAccount, error)
	InactiveLinks(ctx context.Context) ([]models.ChatAccount, error)
	UpsertChatAccounts(ctx context.Context, accs []models.ChatAccount) error
}

// Standby is the inactive reason of an e-mail account kept aside because
// its officer has a working chat link (or no address any more). The
// secretariat may read it (an officer whose chat just failed, before the
// next sync), so it is Vietnamese.
const Standby = "thư điện tử dự phòng: cán bộ đang nhận tin qua kênh trò chuyện"

// SyncAccounts makes e-mail the fallback of officers who have no working
// chat: every active officer with an official address (the officers
// import's email column) and no active account on another platform gets
// an active account on platform "email" whose chat id is the address, so
// the jobs' per-account messages (a leader's escalations, the
// secretariat's notes) reach them by mail. The daily digest does not use
// these accounts: it reaches e-mail at the import's address when
// DIGEST_CHANNELS lists it (jobs.Deps.Addresses), also while this account
// is on standby. An officer who links a chat
// has the e-mail account put on standby (inactive, reason Standby); one
// whose chat link fails gets it back at the next sync. An address the
// mail server refused for good (marked inactive with that reason) is not
// retried until the import brings another one. It returns how many
// accounts changed.
func SyncAccounts(ctx context.Context, st Accounts, now time.Time) (int, error) {
	officers, err := st.Officers(ctx)
	if err != nil {
		return 0, fmt.Errorf("email: accounts: %w", err)
	}
	active, err := st.ActiveAccounts(ctx)
	if err != nil {
		return 0, fmt.Errorf("email: accounts: %w", err)
	}
	inactive, err := st.InactiveLinks(ctx)
	if err != nil {
		return 0, fmt.Errorf("email: accounts: %w", err)
	}
	hasChat := map[string]bool{}
	current := map[string]models.ChatAccount{} // officer → active e-mail account
	for _, a := range active {
		if a.Platform == Platform {
			current[a.OfficerCode] = a
		} else {
			hasChat[a.OfficerCode] = true
		}
	}
	refused := map[string]string{} // officer → address refused for good
	for _, a := range inactive {
		if a.Platform == Platform && a.InactiveReason != Standby {
			refused[a.OfficerCode] = a.ChatID
		}
	}
	var changes []models.ChatAccount
	for _, o := range officers {
		addr := address(o.Email)
		cur, isActive := current[o.Code]
		want := o.Active && addr != "" && !hasChat[o.Code]
		switch {
		case want && isActive && strings.EqualFold(cur.ChatID, addr):
		case want && strings.EqualFold(refused[o.Code], addr):
		case want:
			changes = append(changes, models.ChatAccount{Platform: Platform, UserID: o.Code, ChatID: addr,
				OfficerCode: o.Code, Active: true, LinkedAt: now})
		case isActive:
			cur.Active, cur.InactiveReason = false, Standby
			changes = append(changes, cur)
		}
	}
	if len(changes) == 0 {
		return 0, nil
	}
	if err := st.UpsertChatAccounts(ctx, changes); err != nil {
		return 0, fmt.Errorf("email: accounts: %w", err)
	}
	return len(changes), nil
}

// Refused reports whether a is an e-mail account whose address the mail
// server refused for good (inactive for another reason than Standby):
// neither SyncAccounts nor the digest tries that address again.
func Refused(a models.ChatAccount) bool {
	return a.Platform == Platform && !a.Active && a.InactiveReason != Standby
}

// address is the officer's e-mail address, "" when there is none or it
// is not an address.
func address(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || !strings.Contains(a.Address, "@") {
		return ""
	}
	return a.Address
}
