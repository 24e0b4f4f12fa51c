package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

var uploadTokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{32}$`)

func TestUploadTokens(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		chatFixture(t, s)
		now := at(2026, 11, 27, 9, 0)
		mk := func(at time.Time) (string, store.UploadToken) {
			t.Helper()
			tok, rec, err := s.CreateUploadToken(ctx, store.UploadTokenRequest{OfficerCode: "vp1", Platform: "zalo", UserID: "u1", ChatID: "c1", Now: at})
			if err != nil {
				t.Fatal(err)
			}
			if !uploadTokenRE.MatchString(tok) {
				t.Fatalf("token %q", tok)
			}
			return tok, rec
		}
		if _, _, err := s.CreateUploadToken(ctx, store.UploadTokenRequest{OfficerCode: "nobody", Platform: "zalo", ChatID: "c", Now: now}); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("unknown officer: %v", err)
		}
		if _, _, err := s.CreateUploadToken(ctx, store.UploadTokenRequest{OfficerCode: "old", Platform: "zalo", ChatID: "c", Now: now}); err == nil {
			t.Error("an inactive officer got a token")
		}

		tok, rec := mk(now)
		sum := sha256.Sum256([]byte(tok))
		if rec.Hash != hex.EncodeToString(sum[:]) || !rec.ExpiresAt.Equal(now.Add(store.UploadTokenTTL)) {
			t.Errorf("record %+v", rec)
		}
		var stored int64
		if err := s.DB().Table("upload_tokens").Where("token_hash = ?", tok).Count(&stored).Error; err != nil || stored != 0 {
			t.Errorf("the token itself is stored (%d, %v)", stored, err)
		}

		// The form's look-up does not consume it.
		for range 2 {
			got, err := s.UploadTokenFor(ctx, tok, now.Add(time.Minute))
			if err != nil || got.OfficerCode != "vp1" || got.ChatID != "c1" || got.Platform != "zalo" {
				t.Fatalf("UploadTokenFor = %+v, %v", got, err)
			}
		}
		if _, err := s.UploadTokenFor(ctx, tok+"x", now); !errors.Is(err, store.ErrUploadTokenInvalid) {
			t.Errorf("forged token: %v", err)
		}

		// Consumed once.
		got, err := s.ConsumeUploadToken(ctx, tok, now.Add(2*time.Minute), "ngay-nghi.csv", "holidays")
		if err != nil || got.FileName != "ngay-nghi.csv" || got.UsedAt.IsZero() {
			t.Fatalf("consume = %+v, %v", got, err)
		}
		if _, err := s.ConsumeUploadToken(ctx, tok, now.Add(3*time.Minute), "x.csv", "units"); !errors.Is(err, store.ErrUploadTokenInvalid) {
			t.Errorf("second consume: %v", err)
		}
		if _, err := s.UploadTokenFor(ctx, tok, now.Add(3*time.Minute)); !errors.Is(err, store.ErrUploadTokenInvalid) {
			t.Errorf("used token still shows the form: %v", err)
		}

		// The error CSV, while it is kept.
		if _, _, err := s.UploadErrors(ctx, tok, now.Add(3*time.Minute)); !errors.Is(err, store.ErrUploadTokenInvalid) {
			t.Errorf("no errors stored yet: %v", err)
		}
		if err := s.SetUploadErrors(ctx, got.Hash, []byte("dong,loi\n2,x\n")); err != nil {
			t.Fatal(err)
		}
		if _, csv, err := s.UploadErrors(ctx, tok, now.Add(30*time.Minute)); err != nil || string(csv) != "dong,loi\n2,x\n" {
			t.Errorf("UploadErrors = %q, %v", csv, err)
		}
		if _, _, err := s.UploadErrors(ctx, tok, now.Add(2*time.Minute+store.UploadErrorsTTL+time.Second)); !errors.Is(err, store.ErrUploadTokenInvalid) {
			t.Errorf("errors after their TTL: %v", err)
		}

		// Expired: 15 minutes by the clock the caller passes.
		tok2, _ := mk(now)
		exp := now.Add(store.UploadTokenTTL)
		if _, err := s.UploadTokenFor(ctx, tok2, exp); !errors.Is(err, store.ErrUploadTokenInvalid) {
			t.Errorf("expired token shows the form: %v", err)
		}
		if _, err := s.ConsumeUploadToken(ctx, tok2, exp, "a.csv", "units"); !errors.Is(err, store.ErrUploadTokenInvalid) {
			t.Errorf("expired token consumed: %v", err)
		}
		if _, err := s.ConsumeUploadToken(ctx, tok2, exp.Add(-time.Second), "a.csv", "units"); err != nil {
			t.Errorf("a second before expiry: %v", err)
		}

		// Two uploads at the same moment: exactly one gets the token.
		tok3, _ := mk(now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.ConsumeUploadToken(ctx, tok3, now.Add(time.Minute), "a.csv", "units"); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, store.ErrUploadTokenInvalid) {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("%d concurrent consumes succeeded, want 1", wins)
		}

		// Tokens expired for over a day are deleted when a new one is made.
		mk(now.Add(48 * time.Hour))
		var n int64
		if err := s.DB().Table("upload_tokens").Count(&n).Error; err != nil || n != 1 {
			t.Errorf("%d tokens kept after pruning (%v), want 1", n, err)
		}
	})
}
