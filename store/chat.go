package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dondoc/dondoc/models"
)

// LinkKind is what a one-time link code links: a person or a group chat.
type LinkKind string

// The link kinds (link_codes.kind).
const (
	LinkOfficer LinkKind = "officer" // a chat account to an officer
	LinkGroup   LinkKind = "group"   // a group chat to a unit
)

// LinkCodeTTL is how long a link code stays valid.
const LinkCodeTTL = 72 * time.Hour

// Link failures: after MaxLinkFailures wrong codes within LinkFailureWindow
// a chat is refused until the window has passed.
const (
	MaxLinkFailures   = 5
	LinkFailureWindow = time.Hour
)

// Errors of RedeemLinkCode.
var (
	ErrLinkCodeInvalid = errors.New("store: link code unknown, used or expired")
	ErrLinkRefused     = errors.New("store: too many wrong link codes from this chat")
)

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

type linkCodeRow struct {
	CodeHash    string `gorm:"primaryKey"`
	Kind        string
	OfficerCode string
	UnitCode    string
	ExpiresAt   tstamp
	UsedAt      tstamp
	CreatedBy   string
	CreatedAt   tstamp
}

func (linkCodeRow) TableName() string { return "link_codes" }

type linkFailureRow struct {
	ID       int64 `gorm:"primaryKey;autoIncrement"`
	Platform string
	ChatID   string
	FailedAt tstamp
}

func (linkFailureRow) TableName() string { return "link_failures" }

// LinkCodeRequest asks for a one-time link code: Kind LinkOfficer with
// OfficerCode, or LinkGroup with UnitCode.
type LinkCodeRequest struct {
	Kind        LinkKind
	OfficerCode string
	UnitCode    string
	CreatedBy   string // who asked: an officer code, or "cli"
	Now         time.Time
}

// LinkResult is what a redeemed code linked.
type LinkResult struct {
	Kind    LinkKind
	Officer models.Officer // LinkOfficer
	Unit    models.Unit    // LinkGroup: the unit; LinkOfficer: the officer's unit (Name may be empty)
	// Revoked lists the other accounts of the officer on the platform that
	// this link deactivated (user ids).
	Revoked []string
}

func hashCode(code string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(code)))
	return hex.EncodeToString(h[:])
}

// CreateLinkCode stores a new one-time code (only its SHA-256 is kept) valid
// for LinkCodeTTL and returns it: 22 characters of A-Za-z0-9_-, fit for a
// Telegram deep link. The officer or unit must exist.
func (s *Store) CreateLinkCode(ctx context.Context, req LinkCodeRequest) (string, error) {
	row := linkCodeRow{Kind: string(req.Kind), CreatedBy: req.CreatedBy, CreatedAt: tstamp(req.Now),
		ExpiresAt: tstamp(req.Now.Add(LinkCodeTTL))}
	switch req.Kind {
	case LinkOfficer:
		o, err := s.Officer(ctx, req.OfficerCode)
		if err != nil {
			return "", fmt.Errorf("store: link code: officer %q: %w", req.OfficerCode, err)
		}
		if !o.Active {
			return "", fmt.Errorf("store: link code: officer %q is not active", req.OfficerCode)
		}
		row.OfficerCode, row.UnitCode = o.Code, o.UnitCode
	case LinkGroup:
		u, err := s.Unit(ctx, req.UnitCode)
		if err != nil {
			return "", fmt.Errorf("store: link code: unit %q: %w", req.UnitCode, err)
		}
		row.UnitCode = u.Code
	default:
		return "", fmt.Errorf("store: link code: unknown kind %q", req.Kind)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("store: link code: %w", err)
	}
	code := base64.RawURLEncoding.EncodeToString(b[:])
	row.CodeHash = hashCode(code)
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return "", fmt.Errorf("store: link code: %w", err)
	}
	return code, nil
}

// Unit returns the unit with code, or models.ErrNotFound.
func (s *Store) Unit(ctx context.Context, code string) (models.Unit, error) {
	var r unitRow
	err := s.db.WithContext(ctx).Where("code = ?", models.NFC(code)).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return models.Unit{}, fmt.Errorf("store: unit %q: %w", code, models.ErrNotFound)
	}
	if err != nil {
		return models.Unit{}, fmt.Errorf("store: unit %q: %w", code, err)
	}
	return r.model(), nil
}

// LinkRefused reports whether chatID made MaxLinkFailures wrong attempts
// within the last LinkFailureWindow.
func (s *Store) LinkRefused(ctx context.Context, platform, chatID string, now time.Time) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&linkFailureRow{}).
		Where("platform = ? AND chat_id = ? AND failed_at > ?", platform, chatID, tstamp(now.Add(-LinkFailureWindow))).
		Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("store: link failures: %w", err)
	}
	return n >= MaxLinkFailures, nil
}

// RedeemLinkCode uses code, once, from a chat: a LinkOfficer code links the
// account (platform, userID) reachable in chatID to the officer, revoking
// the officer's other accounts on the platform; a LinkGroup code binds the
// group chatID to the unit. want is the kind the caller accepts: a code of
// the other kind is not consumed and counts as wrong. A wrong, used or
// expired code returns ErrLinkCodeInvalid and is counted against the chat;
// after MaxLinkFailures within LinkFailureWindow every attempt returns
// ErrLinkRefused.
func (s *Store) RedeemLinkCode(ctx context.Context, platform, userID, chatID, code string, want LinkKind, now time.Time) (LinkResult, error) {
	refused, err := s.LinkRefused(ctx, platform, chatID, now)
	if err != nil {
		return LinkResult{}, err
	}
	if refused {
		return LinkResult{}, ErrLinkRefused
	}
	var res LinkResult
	invalid := false
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var lc linkCodeRow
		q := tx.Where("code_hash = ?", hashCode(code))
		if s.dialect == DialectPostgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		err := q.Take(&lc).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			invalid = true
			return nil
		}
		if err != nil {
			return err
		}
		if !lc.UsedAt.time().IsZero() || !now.Before(lc.ExpiresAt.time()) || LinkKind(lc.Kind) != want {
			invalid = true
			return nil
		}
		upd := tx.Model(&linkCodeRow{}).Where("code_hash = ? AND used_at IS NULL", lc.CodeHash).Update("used_at", tstamp(now))
		if upd.Error != nil {
			return upd.Error
		}
		if upd.RowsAffected != 1 {
			invalid = true
			return nil
		}
		res.Kind = LinkKind(lc.Kind)
		if res.Kind == LinkGroup {
			if err := bindGroup(tx, platform, chatID, lc.UnitCode, now); err != nil {
				return err
			}
			var u unitRow
			if err := tx.Where("code = ?", lc.UnitCode).Take(&u).Error; err != nil {
				return err
			}
			res.Unit = u.model()
			return nil
		}
		var o officerRow
		if err := tx.Where("code = ?", lc.OfficerCode).Take(&o).Error; err != nil {
			return err
		}
		res.Officer = o.model()
		var u unitRow
		if err := tx.Where("code = ?", o.UnitCode).Take(&u).Error; err == nil {
			res.Unit = u.model()
		} else {
			res.Unit = models.Unit{Code: o.UnitCode}
		}
		var old []chatAccountRow
		if err := tx.Where("platform = ? AND officer_code = ? AND user_id <> ? AND active = ?", platform, o.Code, userID, true).
			Find(&old).Error; err != nil {
			return err
		}
		for _, r := range old {
			res.Revoked = append(res.Revoked, r.UserID)
		}
		if len(old) > 0 {
			if err := tx.Model(&chatAccountRow{}).Where("platform = ? AND officer_code = ? AND user_id <> ?", platform, o.Code, userID).
				Updates(map[string]any{"active": false, "inactive_reason": "relinked"}).Error; err != nil {
				return err
			}
		}
		row := chatAccountRow{Platform: platform, UserID: userID, ChatID: chatID, OfficerCode: o.Code, Active: true, LinkedAt: tstamp(now)}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "platform"}, {Name: "user_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"chat_id", "officer_code", "active", "inactive_reason", "linked_at"}),
		}).Create(&row).Error
	})
	if err != nil {
		return LinkResult{}, fmt.Errorf("store: redeem link code: %w", err)
	}
	if invalid {
		f := linkFailureRow{Platform: platform, ChatID: chatID, FailedAt: tstamp(now)}
		if err := s.db.WithContext(ctx).Create(&f).Error; err != nil {
			return LinkResult{}, fmt.Errorf("store: link failure: %w", err)
		}
		return LinkResult{}, ErrLinkCodeInvalid
	}
	return res, nil
}

func bindGroup(tx *gorm.DB, platform, chatID, unitCode string, now time.Time) error {
	row := chatGroupRow{Platform: platform, ChatID: chatID, UnitCode: unitCode, Active: true, BoundAt: tstamp(now)}
	return tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "platform"}, {Name: "chat_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"unit_code", "active", "bound_at"}),
	}).Create(&row).Error
}

// BindGroup binds a group chat to a unit (replacing an earlier binding).
func (s *Store) BindGroup(ctx context.Context, platform, chatID, unitCode string, now time.Time) error {
	if _, err := s.Unit(ctx, unitCode); err != nil {
		return err
	}
	if err := bindGroup(s.db.WithContext(ctx), platform, chatID, models.NFC(unitCode), now); err != nil {
		return fmt.Errorf("store: bind group %s: %w", chatID, err)
	}
	return nil
}

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
	units, err := d.s.Units(ctx)
	if err != nil {
		return nil, err
	}
	t, err := models.NewUnitTree(units)
	if err != nil {
		return nil, fmt.Errorf("store: unit tree: %w", err)
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
		return t.Contains(p.UnitCode, unitCode), nil
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
	if ds := t.Descendants(root); ds != nil {
		return ds, false, nil
	}
	return []string{root}, false, nil
}

func (r *unitRow) model() models.Unit {
	return models.Unit{Code: r.Code, Name: r.Name, Level: r.Level, ParentCode: r.ParentCode,
		ValidFrom: models.Date(r.ValidFrom), ValidTo: models.Date(r.ValidTo), SuccessorCode: r.SuccessorCode}
}
