package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

// The early warning in the jobs: the digest's section holds exactly the
// officer's dossiers of the list (at most five), escalations and weekly
// summaries count them per unit, and one fit serves the whole day.
func TestJobsEarlyWarning(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, s *store.Store) {
		d, data := seeded(t, s)
		rc := &jobs.RiskCache{History: s, Rules: d.Rules, Threshold: 0.05}
		d.Risks = rc
		list, err := rc.Risks(ctx, day1)
		must(t, err)
		if list.Len() == 0 {
			t.Fatalf("no dossier of the sample at risk ≥ 5 %% (of %d judged)", list.Open)
		}
		byCode := map[string]*models.Dossier{}
		for i := range data.Dossiers {
			byCode[data.Dossiers[i].Code] = &data.Dossiers[i]
		}
		perOfficer := map[string]int{}
		for _, w := range list.Items {
			x := byCode[w.Code]
			if x == nil || !models.IsRiskCandidate(d.Rules.Classify(x, day1)) || w.Risk < 0.05 {
				t.Fatalf("%s in the list: %+v", w.Code, w)
			}
			perOfficer[x.HandlerCode]++
		}
		st, err := d.RunDigest(ctx, period(d, day1))
		must(t, err)
		entries, err := s.Outbox().Entries(ctx, "digest/")
		must(t, err)
		if st.Enqueued != len(entries) {
			t.Fatalf("enqueued %d, outbox %d", st.Enqueued, len(entries))
		}
		shown := 0
		for _, e := range entries {
			officer := strings.TrimPrefix(e.Recipient, "officer:")
			n := perOfficer[officer]
			has := strings.Contains(e.Message.Text, "🟣 <b>Có nguy cơ trễ</b>")
			if has != (n > 0) {
				t.Fatalf("%s: risk section %v, %d at risk", e.Key, has, n)
			}
			if got := strings.Count(e.Message.Text, "nguy cơ trễ "); n > 0 && got != min(n, digest.MaxAtRisk) {
				t.Fatalf("%s lists %d at risk, want %d:\n%s", e.Key, got, min(n, digest.MaxAtRisk), e.Message.Text)
			}
			if has {
				shown++
			}
		}
		if shown == 0 {
			t.Fatal("no digest has the risk section")
		}
		if _, err := d.RunEscalate(ctx, period(d, day1)); err != nil {
			t.Fatal(err)
		}
		esc, err := s.Outbox().Entries(ctx, "escalation/")
		must(t, err)
		counted := 0
		for _, e := range esc {
			if strings.Contains(e.Message.Text, "🟣 Có nguy cơ trễ: ") {
				counted++
			}
		}
		if len(esc) == 0 || counted == 0 {
			t.Fatalf("%d escalations, %d with the count at risk", len(esc), counted)
		}
		monday := time.Date(2026, 11, 30, 8, 0, 0, 0, ict)
		if _, err := d.RunWeekly(ctx, period(d, monday)); err != nil {
			t.Fatal(err)
		}
		if rc.Fits() != 2 {
			t.Errorf("%d fits for two days of jobs, want 2 (one a day)", rc.Fits())
		}
		weekly, err := s.Outbox().Entries(ctx, "weekly/")
		must(t, err)
		if len(weekly) == 0 || !strings.Contains(weekly[0].Message.Text, "🟣 Có nguy cơ trễ: ") {
			t.Fatalf("weekly summary without the count at risk: %d messages", len(weekly))
		}
	})
}

// The cache never answers with a model fitted later than the instant asked
// about: an earlier instant the same day fits again.
func TestRiskCacheNeverLooksAhead(t *testing.T) {
	s := storetest.OpenSQLite(t)
	ctx := context.Background()
	d, _ := seeded(t, s)
	rc := &jobs.RiskCache{History: s, Rules: d.Rules}
	l1, err := rc.Risks(ctx, day1)
	must(t, err)
	l2, err := rc.Risks(ctx, day1.Add(3*time.Hour))
	must(t, err)
	if l1 != l2 || rc.Fits() != 1 {
		t.Fatalf("later the same day: %d fits, same list %v", rc.Fits(), l1 == l2)
	}
	early := day1.Add(-time.Hour)
	l3, err := rc.Risks(ctx, early)
	must(t, err)
	if rc.Fits() != 2 || !l3.At.Equal(early) {
		t.Fatalf("earlier the same day: %d fits, list at %v", rc.Fits(), l3.At)
	}
	rc.Invalidate()
	if _, err := rc.Risks(ctx, early); err != nil || rc.Fits() != 3 {
		t.Fatalf("after Invalidate: %d fits, %v", rc.Fits(), err)
	}
}

// blockingHistory holds the fit until release is closed.
type blockingHistory struct {
	jobs.History
	release chan struct{}
}

func (h blockingHistory) EachDossierWithSteps(ctx context.Context, fn func(*models.Dossier, []models.Step) error) error {
	<-h.release
	return h.History.EachDossierWithSteps(ctx, fn)
}

// A slow fit delays nothing: a caller waits at most Wait, the fit goes on,
// and the next caller gets its list.
func TestRiskCacheSlowFitDelaysNothing(t *testing.T) {
	s := storetest.OpenSQLite(t)
	ctx := context.Background()
	d, _ := seeded(t, s)
	h := blockingHistory{History: s, release: make(chan struct{})}
	rc := &jobs.RiskCache{History: h, Rules: d.Rules, Wait: time.Millisecond}
	d.Risks = rc
	if _, err := rc.Risks(ctx, day1); err != models.ErrRiskNotReady {
		t.Fatalf("fit held: %v, want ErrRiskNotReady", err)
	}
	// The digest goes out without the section meanwhile.
	st, err := d.RunDigest(ctx, period(d, day1))
	must(t, err)
	if st.Enqueued == 0 {
		t.Fatal("no digest while the fit is held")
	}
	close(h.release)
	rc.Wait = 0
	l, err := rc.Risks(ctx, day1.Add(time.Minute))
	must(t, err)
	if !l.At.Equal(day1) || rc.Fits() != 1 {
		t.Fatalf("after the release: list at %v, %d fits; want the one fit at %v", l.At, rc.Fits(), day1)
	}
}
