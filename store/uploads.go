package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// UploadTokenTTL is how long an upload link (/tailen) stays valid.
const UploadTokenTTL = 15 * time.Minute

// UploadErrorsTTL is how long after the upload its error CSV can be
// downloaded from the page.
const UploadErrorsTTL = time.Hour

// uploadTokenRetention is how long a token's row (and its error CSV) is
// kept after it expired; older rows are deleted when a new token is made.
const uploadTokenRetention = 24 * time.Hour

// MaxUploadErrorsCSV is the largest error CSV kept for download.
const MaxUploadErrorsCSV = 16 << 20

// ErrUploadTokenInvalid is returned for an upload token that is unknown
// (forged), already used or expired.
var ErrUploadTokenInvalid = errors.New("store: upload token unknown, used or expired")

type uploadTokenRow struct {
	TokenHash   string `gorm:"primaryKey"`
	OfficerCode string
	Platform    string
	UserID      string
	ChatID      string
	CreatedAt   tstamp `gorm:"autoCreateTime:false"`
	ExpiresAt   tstamp
	UsedAt      tstamp
	FileName    string
	Kind        string
	ErrorCSV    []byte `gorm:"column:error_csv"`
}

func (uploadTokenRow) TableName() string { return "upload_tokens" }

// UploadTokenRequest asks for an upload link for the officer who asked, in
// the chat the import's summary goes back to.
type UploadTokenRequest struct {
	OfficerCode string
	Platform    string
	UserID      string
	ChatID      string
	Now         time.Time
}

// UploadToken is a stored upload token (its hash), as the page sees it.
type UploadToken struct {
	Hash        string // the SHA-256 of the token, hex: a key that is no secret
	OfficerCode string
	Platform    string
	UserID      string
	ChatID      string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	UsedAt      time.Time // zero: not used yet
	FileName    string    // what was uploaded (after use)
	Kind        string
}

func (r *uploadTokenRow) model() UploadToken {
	return UploadToken{Hash: r.TokenHash, OfficerCode: r.OfficerCode, Platform: r.Platform, UserID: r.UserID, ChatID: r.ChatID,
		CreatedAt: r.CreatedAt.time(), ExpiresAt: r.ExpiresAt.time(), UsedAt: r.UsedAt.time(), FileName: r.FileName, Kind: r.Kind}
}

// CreateUploadToken stores a new single-use upload token (only its
// SHA-256 is kept) valid for UploadTokenTTL and returns it: 32 characters
// of A-Za-z0-9_- (192 random bits), fit for a URL path. The officer must
// exist and be active. Tokens expired for more than a day are deleted.
func (s *Store) CreateUploadToken(ctx context.Context, req UploadTokenRequest) (string, UploadToken, error) {
	if req.Platform == "" || req.ChatID == "" {
		return "", UploadToken{}, errors.New("store: upload token: platform and chat are required")
	}
	o, err := s.Officer(ctx, req.OfficerCode)
	if err != nil {
		return "", UploadToken{}, fmt.Errorf("store: upload token: %w", err)
	}
	if !o.Active {
		return "", UploadToken{}, fmt.Errorf("store: upload token: officer %q is not active", req.OfficerCode)
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", UploadToken{}, fmt.Errorf("store: upload token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	row := uploadTokenRow{TokenHash: hashCode(token), OfficerCode: o.Code, Platform: req.Platform, UserID: req.UserID,
		ChatID: req.ChatID, CreatedAt: tstamp(req.Now), ExpiresAt: tstamp(req.Now.Add(UploadTokenTTL))}
	db := s.db.WithContext(ctx)
	if err := db.Where("expires_at < ?", tstamp(req.Now.Add(-uploadTokenRetention))).Delete(&uploadTokenRow{}).Error; err != nil {
		return "", UploadToken{}, fmt.Errorf("store: upload token: prune: %w", err)
	}
	if err := db.Create(&row).Error; err != nil {
		return "", UploadToken{}, fmt.Errorf("store: upload token: %w", err)
	}
	return token, row.model(), nil
}

// UploadTokenFor returns the unused, unexpired token (at now) for the
// upload form; it does not consume it. Otherwise ErrUploadTokenInvalid.
func (s *Store) UploadTokenFor(ctx context.Context, token string, now time.Time) (UploadToken, error) {
	var r uploadTokenRow
	err := s.db.WithContext(ctx).Omit("error_csv").
		Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashCode(token), tstamp(now)).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return UploadToken{}, ErrUploadTokenInvalid
	}
	if err != nil {
		return UploadToken{}, fmt.Errorf("store: upload token: %w", err)
	}
	return r.model(), nil
}

// ConsumeUploadToken uses the token, once: a conditional UPDATE … WHERE
// used_at IS NULL AND expires_at > now, so that of two uploads at the same
// moment exactly one gets the token. fileName and kind record what is
// being uploaded. A forged, used or expired token returns
// ErrUploadTokenInvalid and changes nothing.
func (s *Store) ConsumeUploadToken(ctx context.Context, token string, now time.Time, fileName, kind string) (UploadToken, error) {
	h := hashCode(token)
	db := s.db.WithContext(ctx)
	res := db.Model(&uploadTokenRow{}).Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", h, tstamp(now)).
		Updates(map[string]any{"used_at": tstamp(now), "file_name": fileName, "kind": kind})
	if res.Error != nil {
		return UploadToken{}, fmt.Errorf("store: consume upload token: %w", res.Error)
	}
	if res.RowsAffected != 1 {
		return UploadToken{}, ErrUploadTokenInvalid
	}
	var r uploadTokenRow
	if err := db.Omit("error_csv").Where("token_hash = ?", h).Take(&r).Error; err != nil {
		return UploadToken{}, fmt.Errorf("store: consume upload token: %w", err)
	}
	return r.model(), nil
}

// SetUploadErrors keeps the error CSV of the upload made with the token
// (hash: UploadToken.Hash), at most MaxUploadErrorsCSV bytes.
func (s *Store) SetUploadErrors(ctx context.Context, hash string, csv []byte) error {
	if len(csv) > MaxUploadErrorsCSV {
		return fmt.Errorf("store: upload errors: %d bytes, at most %d", len(csv), MaxUploadErrorsCSV)
	}
	err := s.db.WithContext(ctx).Model(&uploadTokenRow{}).Where("token_hash = ? AND used_at IS NOT NULL", hash).
		Update("error_csv", csv).Error
	if err != nil {
		return fmt.Errorf("store: upload errors: %w", err)
	}
	return nil
}

// UploadErrors returns the error CSV of the upload made with token, while
// it is kept (UploadErrorsTTL after the upload), with the token's record;
// ErrUploadTokenInvalid otherwise (unknown token, not used, no errors,
// too late).
func (s *Store) UploadErrors(ctx context.Context, token string, now time.Time) (UploadToken, []byte, error) {
	var r uploadTokenRow
	err := s.db.WithContext(ctx).
		Where("token_hash = ? AND used_at IS NOT NULL AND used_at > ? AND error_csv IS NOT NULL", hashCode(token), tstamp(now.Add(-UploadErrorsTTL))).
		Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return UploadToken{}, nil, ErrUploadTokenInvalid
	}
	if err != nil {
		return UploadToken{}, nil, fmt.Errorf("store: upload errors: %w", err)
	}
	return r.model(), r.ErrorCSV, nil
}
