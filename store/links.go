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
