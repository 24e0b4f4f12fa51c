package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// OAToken is the token pair of a Zalo Official Account app, kept in
// oa_tokens so that every replica uses the same single-use refresh token.
type OAToken struct {
	AccessToken   string
	AccessExpires time.Time // zero: no access token yet
	RefreshToken  string
	UpdatedAt     time.Time
}

// oaTokenRow is one row of oa_tokens.
type oaTokenRow struct {
	AppID           string `gorm:"column:app_id;primaryKey"`
	AccessToken     string `gorm:"column:access_token"`
	AccessExpiresAt tstamp `gorm:"column:access_expires_at"`
	RefreshToken    string `gorm:"column:refresh_token"`
	SeedHash        string `gorm:"column:seed_hash"`
	UpdatedAt       tstamp `gorm:"column:updated_at"`
}

func (oaTokenRow) TableName() string { return "oa_tokens" }

func (r oaTokenRow) token() OAToken {
	return OAToken{AccessToken: r.AccessToken, AccessExpires: r.AccessExpiresAt.time(), RefreshToken: r.RefreshToken, UpdatedAt: r.UpdatedAt.time()}
}

// OATokens keeps the Zalo OA tokens (table oa_tokens).
type OATokens struct{ s *Store }

// OATokens returns the store's Zalo OA token table.
func (s *Store) OATokens() OATokens { return OATokens{s: s} }

func seedHash(seed string) string {
	h := sha256.Sum256([]byte(seed))
	return hex.EncodeToString(h[:])
}

// LoadOAToken returns the stored token pair of appID; ok is false when
// there is none yet.
func (o OATokens) LoadOAToken(ctx context.Context, appID string) (OAToken, bool, error) {
	var rows []oaTokenRow
	if err := o.s.db.WithContext(ctx).Where("app_id = ?", appID).Limit(1).Find(&rows).Error; err != nil {
		return OAToken{}, false, fmt.Errorf("store: load OA token: %w", err)
	}
	if len(rows) == 0 {
		return OAToken{}, false, nil
	}
	return rows[0].token(), true, nil
}

// RefreshOAToken serialises refreshes of appID's tokens across replicas:
// in one transaction it locks the app's row (SELECT … FOR UPDATE on
// Postgres; SQLite transactions here begin IMMEDIATE and so hold the
// database's write lock), calls fn with the stored pair and stores what fn
// returns before the transaction commits — the new single-use refresh
// token replaces the old one atomically. The row is created from seed (the
// configured first refresh token) when absent, and reset to seed when the
// configured seed changed (the operator issued a new token). When fn
// returns cur unchanged, nothing is written. A replica that waited on the
// lock sees the pair the first one stored.
func (o OATokens) RefreshOAToken(ctx context.Context, appID, seed string, now time.Time,
	fn func(ctx context.Context, cur OAToken) (OAToken, error)) (OAToken, error) {
	var out OAToken
	sh := seedHash(seed)
	err := o.s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&oaTokenRow{
			AppID: appID, RefreshToken: seed, SeedHash: sh, UpdatedAt: tstamp(now)}).Error; err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		var row oaTokenRow
		q := tx.Where("app_id = ?", appID)
		if o.s.dialect == DialectPostgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		if err := q.Take(&row).Error; err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if seed != "" && row.SeedHash != sh {
			row = oaTokenRow{AppID: appID, RefreshToken: seed, SeedHash: sh, UpdatedAt: tstamp(now)}
			if err := tx.Save(&row).Error; err != nil {
				return fmt.Errorf("reseed: %w", err)
			}
		}
		cur := row.token()
		next, err := fn(ctx, cur)
		if err != nil {
			return err
		}
		out = next
		if next == cur {
			return nil
		}
		row.AccessToken, row.AccessExpiresAt, row.RefreshToken, row.UpdatedAt =
			next.AccessToken, tstamp(next.AccessExpires), next.RefreshToken, tstamp(now)
		if err := tx.Save(&row).Error; err != nil {
			return fmt.Errorf("store new tokens: %w", err)
		}
		out.UpdatedAt = now
		return nil
	})
	if err != nil {
		return OAToken{}, fmt.Errorf("store: refresh OA token: %w", err)
	}
	return out, nil
}
