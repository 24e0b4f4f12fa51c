package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// PlatformState is the state a chat adapter keeps across restarts: the
// updates it has handled, the days a chat failed, and generated settings.
// It lives on the processed_updates, chat_send_failures and
// platform_settings tables.
type PlatformState struct{ s *Store }

// PlatformState returns the store's chat-platform state.
func (s *Store) PlatformState() PlatformState { return PlatformState{s: s} }

// MarkUpdate records that the update key of platform was received at at;
// it reports false when the key was recorded before (a redelivery).
func (p PlatformState) MarkUpdate(ctx context.Context, platform, key string, at time.Time) (bool, error) {
	res := p.s.db.WithContext(ctx).Exec(
		"INSERT INTO processed_updates (platform, update_key, received_at) VALUES (?, ?, ?) ON CONFLICT (platform, update_key) DO NOTHING",
		platform, key, tstamp(at))
	if res.Error != nil {
		return false, fmt.Errorf("store: mark update %s %s: %w", platform, key, res.Error)
	}
	return res.RowsAffected > 0, nil
}

// UnmarkUpdate forgets an update key, so that a redelivery is handled
// (the update was recorded but could not be handled).
func (p PlatformState) UnmarkUpdate(ctx context.Context, platform, key string) error {
	if err := p.s.db.WithContext(ctx).Exec("DELETE FROM processed_updates WHERE platform = ? AND update_key = ?", platform, key).Error; err != nil {
		return fmt.Errorf("store: unmark update %s %s: %w", platform, key, err)
	}
	return nil
}

// PruneUpdates deletes the update keys received before before and returns
// how many it deleted.
func (p PlatformState) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	res := p.s.db.WithContext(ctx).Exec("DELETE FROM processed_updates WHERE received_at < ?", tstamp(before))
	if res.Error != nil {
		return 0, fmt.Errorf("store: prune updates: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// NoteFailureDay records that sending to chatID failed on day (a
// YYYY-MM-DD date) and returns on how many different days it has failed.
func (p PlatformState) NoteFailureDay(ctx context.Context, platform, chatID, day string) (int, error) {
	db := p.s.db.WithContext(ctx)
	if err := db.Exec("INSERT INTO chat_send_failures (platform, chat_id, day) VALUES (?, ?, ?) ON CONFLICT (platform, chat_id, day) DO NOTHING",
		platform, chatID, day).Error; err != nil {
		return 0, fmt.Errorf("store: note failure %s %s: %w", platform, chatID, err)
	}
	var n int64
	if err := db.Raw("SELECT count(*) FROM chat_send_failures WHERE platform = ? AND chat_id = ?", platform, chatID).Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("store: count failures %s %s: %w", platform, chatID, err)
	}
	return int(n), nil
}

// ClearFailures forgets the failure days of chatID (it was reached).
func (p PlatformState) ClearFailures(ctx context.Context, platform, chatID string) error {
	if err := p.s.db.WithContext(ctx).Exec("DELETE FROM chat_send_failures WHERE platform = ? AND chat_id = ?", platform, chatID).Error; err != nil {
		return fmt.Errorf("store: clear failures %s %s: %w", platform, chatID, err)
	}
	return nil
}

// Setting returns the value of a platform setting ("" and false when unset).
func (p PlatformState) Setting(ctx context.Context, name string) (string, bool, error) {
	var rows []struct{ Value string }
	if err := p.s.db.WithContext(ctx).Raw("SELECT value FROM platform_settings WHERE name = ?", name).Scan(&rows).Error; err != nil {
		return "", false, fmt.Errorf("store: setting %s: %w", name, err)
	}
	if len(rows) == 0 {
		return "", false, nil
	}
	return rows[0].Value, true, nil
}

// SettingOrInit returns the value of a platform setting, storing value
// first when the setting is unset; of two processes racing, both get the
// value stored first.
func (p PlatformState) SettingOrInit(ctx context.Context, name, value string, at time.Time) (string, error) {
	err := p.s.db.WithContext(ctx).Exec("INSERT INTO platform_settings (name, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
		name, value, tstamp(at)).Error
	if err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
		return "", fmt.Errorf("store: init setting %s: %w", name, err)
	}
	v, ok, err := p.Setting(ctx, name)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("store: setting %s vanished after insert", name)
	}
	return v, nil
}
