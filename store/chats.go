package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

// ChatAccount is models.ChatAccount.
//
// Deprecated: use models.ChatAccount; the alias stays while other branches
// still name models.ChatAccount.
type ChatAccount = models.ChatAccount

// ChatGroup is models.ChatGroup.
//
// Deprecated: use models.ChatGroup.
type ChatGroup = models.ChatGroup

// UpsertChatAccounts inserts or replaces chat accounts by (platform, user).
func (s *Store) UpsertChatAccounts(ctx context.Context, accs []models.ChatAccount) error {
	rows := make([]chatAccountRow, len(accs))
	for i, a := range accs {
		rows[i] = chatAccountRow{Platform: a.Platform, UserID: a.UserID, ChatID: a.ChatID, OfficerCode: models.NFC(a.OfficerCode),
			Active: a.Active, InactiveReason: a.InactiveReason, LinkedAt: tstamp(a.LinkedAt)}
	}
	rows = dedupe(rows, func(r *chatAccountRow) [2]string { return [2]string{r.Platform, r.UserID} })
	return upsert(ctx, s, "chat accounts", rows, []string{"platform", "user_id"},
		[]string{"chat_id", "officer_code", "active", "inactive_reason", "linked_at"})
}

// UpsertChatGroups inserts or replaces group bindings by (platform, chat).
func (s *Store) UpsertChatGroups(ctx context.Context, groups []models.ChatGroup) error {
	rows := make([]chatGroupRow, len(groups))
	for i, g := range groups {
		rows[i] = chatGroupRow{Platform: g.Platform, ChatID: g.ChatID, UnitCode: models.NFC(g.UnitCode),
			ThreadID: g.ThreadID, Active: g.Active, BoundAt: tstamp(g.BoundAt)}
	}
	rows = dedupe(rows, func(r *chatGroupRow) [2]string { return [2]string{r.Platform, r.ChatID} })
	return upsert(ctx, s, "chat groups", rows, []string{"platform", "chat_id"},
		[]string{"unit_code", "thread_id", "active", "bound_at"})
}

const accountSelect = `SELECT a.platform, a.user_id, a.chat_id, a.officer_code, a.active, a.inactive_reason, a.linked_at,
	COALESCE(o.name, ''), COALESCE(o.role, ''), COALESCE(o.unit_code, '')
	FROM chat_accounts a LEFT JOIN officers o ON o.code = a.officer_code`

func (s *Store) accounts(ctx context.Context, where string, args ...any) ([]models.ChatAccount, error) {
	rows, err := s.db.WithContext(ctx).Raw(accountSelect+" WHERE "+where+" ORDER BY a.officer_code, a.platform, a.user_id", args...).Rows()
	if err != nil {
		return nil, fmt.Errorf("store: chat accounts: %w", err)
	}
	defer rows.Close()
	var out []models.ChatAccount
	for rows.Next() {
		var a models.ChatAccount
		var linked tstamp
		var role string
		if err := rows.Scan(&a.Platform, &a.UserID, &a.ChatID, &a.OfficerCode, &a.Active, &a.InactiveReason, &linked,
			&a.OfficerName, &role, &a.OfficerUnit); err != nil {
			return nil, fmt.Errorf("store: chat accounts: %w", err)
		}
		a.LinkedAt, a.OfficerRole = linked.time(), models.Role(role)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: chat accounts: %w", err)
	}
	return out, nil
}

// ActiveAccounts returns the active chat accounts of active officers on
// the given platforms (none: every platform), with the officers' name,
// role and unit, by officer code.
func (s *Store) ActiveAccounts(ctx context.Context, platforms ...string) ([]models.ChatAccount, error) {
	if len(platforms) == 0 {
		return s.accounts(ctx, "a.active AND o.active")
	}
	return s.accounts(ctx, "a.active AND o.active AND a.platform IN ?", platforms)
}

// ActiveAccountsWithRole is ActiveAccounts of the officers with role.
func (s *Store) ActiveAccountsWithRole(ctx context.Context, role models.Role, platforms ...string) ([]models.ChatAccount, error) {
	if len(platforms) == 0 {
		return s.accounts(ctx, "a.active AND o.active AND o.role = ?", string(role))
	}
	return s.accounts(ctx, "a.active AND o.active AND o.role = ? AND a.platform IN ?", string(role), platforms)
}

// InactiveLinks returns the chat accounts marked inactive (blocked,
// deleted…) of officers who have no active account left on any platform:
// the officers who no longer receive reminders.
func (s *Store) InactiveLinks(ctx context.Context) ([]models.ChatAccount, error) {
	return s.accounts(ctx, `NOT a.active AND NOT EXISTS (SELECT 1 FROM chat_accounts b
		WHERE b.officer_code = a.officer_code AND b.active)`)
}

// ChatGroups returns the active group bindings on the given platforms
// (none: every platform), by unit code.
func (s *Store) ChatGroups(ctx context.Context, platforms ...string) ([]models.ChatGroup, error) {
	var rows []chatGroupRow
	q := s.db.WithContext(ctx).Where("active")
	if len(platforms) > 0 {
		q = q.Where("platform IN ?", platforms)
	}
	if err := q.Order("unit_code, platform, chat_id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: chat groups: %w", err)
	}
	out := make([]models.ChatGroup, len(rows))
	for i, r := range rows {
		out[i] = models.ChatGroup{Platform: r.Platform, ChatID: r.ChatID, UnitCode: r.UnitCode, ThreadID: r.ThreadID,
			Active: r.Active, BoundAt: r.BoundAt.time()}
	}
	return out, nil
}

// MarkChatInactive records that chatID on platform can no longer be
// reached (blocked, kicked, chat not found): its account links and group
// bindings become inactive, with the reason. It returns how many links
// changed.
func (s *Store) MarkChatInactive(ctx context.Context, platform, chatID, reason string, at time.Time) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Exec("UPDATE chat_accounts SET active = false, inactive_reason = ? WHERE platform = ? AND chat_id = ? AND active",
			reason, platform, chatID)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		res = tx.Exec("UPDATE chat_groups SET active = false WHERE platform = ? AND chat_id = ? AND active", platform, chatID)
		n += res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("store: mark chat %s %s inactive: %w", platform, chatID, err)
	}
	return n, nil
}

// MigrateChat moves a chat's links, bindings and pending outbox entries
// from oldID to newID (a Telegram group that became a supergroup).
func (s *Store) MigrateChat(ctx context.Context, platform, oldID, newID string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, q := range []string{
			"UPDATE chat_accounts SET chat_id = ? WHERE platform = ? AND chat_id = ?",
			"UPDATE outbox SET chat_id = ? WHERE platform = ? AND chat_id = ? AND status = 'pending'",
		} {
			if err := tx.Exec(q, newID, platform, oldID).Error; err != nil {
				return err
			}
		}
		// A binding to the new id may exist already (bound again by hand).
		if err := tx.Exec("DELETE FROM chat_groups WHERE platform = ? AND chat_id = ? AND EXISTS (SELECT 1 FROM chat_groups g WHERE g.platform = ? AND g.chat_id = ?)",
			platform, oldID, platform, newID).Error; err != nil {
			return err
		}
		return tx.Exec("UPDATE chat_groups SET chat_id = ? WHERE platform = ? AND chat_id = ?", newID, platform, oldID).Error
	})
	if err != nil {
		return fmt.Errorf("store: migrate chat %s %s → %s: %w", platform, oldID, newID, err)
	}
	return nil
}
