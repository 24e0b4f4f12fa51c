package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
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
	// Sorted here, by bytes: Postgres sorting 20,000 accounts under a libc
	// collation took longer than reading them.
	rows, err := s.db.WithContext(ctx).Raw(accountSelect+" WHERE "+where, args...).Rows()
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
	slices.SortFunc(out, func(a, b models.ChatAccount) int {
		return cmp.Or(strings.Compare(a.OfficerCode, b.OfficerCode), strings.Compare(a.Platform, b.Platform),
			strings.Compare(a.UserID, b.UserID))
	})
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

type chatAccountRow struct {
	Platform       string `gorm:"primaryKey"`
	UserID         string `gorm:"primaryKey"`
	ChatID         string
	OfficerCode    string
	Active         bool
	InactiveReason string
	LinkedAt       tstamp
}

func (chatAccountRow) TableName() string { return "chat_accounts" }

type chatGroupRow struct {
	Platform string `gorm:"primaryKey"`
	ChatID   string `gorm:"primaryKey"`
	UnitCode string
	ThreadID int
	Active   bool
	BoundAt  tstamp
}

func (chatGroupRow) TableName() string { return "chat_groups" }

// MigrateGroup moves a group's binding to its new chat id (a Telegram
// group that became a supergroup), with everything else MigrateChat moves.
func (s *Store) MigrateGroup(ctx context.Context, platform, oldChat, newChat string) error {
	return s.MigrateChat(ctx, platform, oldChat, newChat)
}

// ChatDirectory is the store's implementation of the bot's Directory. The unit tree behind leaders'
// scopes is cached for TTL.
type ChatDirectory struct {
	s     *Store
	ttl   time.Duration
	clock func() time.Time

	mu     sync.Mutex
	tree   *models.UnitTree
	treeAt time.Time
}

// ChatDirectory returns the store's the bot's Directory; the unit tree is
// re-read at most every ttl (default 1 minute).
func (s *Store) ChatDirectory(ttl time.Duration) *ChatDirectory {
	if ttl <= 0 {
		ttl = time.Minute
	}
	return &ChatDirectory{s: s, ttl: ttl, clock: s.clock.Now}
}

// Account implements the bot's Directory: the active link of the account to an
// active officer.
func (d *ChatDirectory) Account(ctx context.Context, platform, userID string) (models.Person, error) {
	var r struct {
		Code, Name, UnitCode, Role string
	}
	err := d.s.db.WithContext(ctx).Table("chat_accounts AS a").
		Select("o.code AS code, o.name AS name, o.unit_code AS unit_code, o.role AS role").
		Joins("JOIN officers AS o ON o.code = a.officer_code").
		Where("a.platform = ? AND a.user_id = ? AND a.active = ? AND o.active = ?", platform, userID, true, true).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Person{}, models.ErrNotFound
	}
	if err != nil {
		return models.Person{}, fmt.Errorf("store: chat account: %w", err)
	}
	return models.Person{OfficerCode: r.Code, Name: r.Name, UnitCode: r.UnitCode, Role: models.Role(r.Role)}, nil
}

// Group implements the bot's Directory.
func (d *ChatDirectory) Group(ctx context.Context, platform, chatID string) (models.GroupBinding, error) {
	var r struct{ UnitCode, Name string }
	err := d.s.db.WithContext(ctx).Table("chat_groups AS g").
		Select("g.unit_code AS unit_code, COALESCE(u.name, '') AS name").
		Joins("LEFT JOIN units AS u ON u.code = g.unit_code").
		Where("g.platform = ? AND g.chat_id = ? AND g.active = ?", platform, chatID, true).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.GroupBinding{}, models.ErrNotFound
	}
	if err != nil {
		return models.GroupBinding{}, fmt.Errorf("store: chat group: %w", err)
	}
	return models.GroupBinding{UnitCode: r.UnitCode, UnitName: r.Name}, nil
}

// Tree returns the unit tree, cached for the directory's TTL.
func (d *ChatDirectory) Tree(ctx context.Context) (*models.UnitTree, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.clock()
	if d.tree != nil && now.Sub(d.treeAt) < d.ttl {
		return d.tree, nil
	}
	t, err := d.s.UnitTree(ctx)
	if err != nil {
		return nil, err
	}
	d.tree, d.treeAt = t, now
	return t, nil
}

// InScope implements the bot's Directory: secretariat and admin see every unit,
// a leader their unit's sub-tree, an officer their own unit.
func (d *ChatDirectory) InScope(ctx context.Context, p models.Person, unitCode string) (bool, error) {
	switch {
	case p.Role.SeesAll():
		return true, nil
	case p.Role == models.RoleLeader:
		t, err := d.Tree(ctx)
		if err != nil {
			return false, err
		}
		return t.Covers(p.UnitCode, unitCode), nil
	case p.Role == models.RoleOfficer:
		return p.UnitCode == unitCode, nil
	}
	return false, nil
}

// ScopeUnits returns the unit codes within p's scope under root (root ""
// means p's whole scope); nil with all true for every unit.
func (d *ChatDirectory) ScopeUnits(ctx context.Context, p models.Person, root string) (units []string, all bool, err error) {
	if root == "" && p.Role.SeesAll() {
		return nil, true, nil
	}
	if root == "" {
		root = p.UnitCode
	}
	if p.Role == models.RoleOfficer {
		return []string{root}, false, nil
	}
	t, err := d.Tree(ctx)
	if err != nil {
		return nil, false, err
	}
	if ds := t.Scope(root); ds != nil {
		return ds, false, nil
	}
	return []string{root}, false, nil
}
