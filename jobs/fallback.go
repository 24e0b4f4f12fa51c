package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/scheduler"
)

// FallbackKey is the outbox key of an officer's digest of day moved to
// platform after the channel before it failed for good:
// "digest/<officer>/2026-12-07/fallback/<platform>". A platform is tried
// at most once a day for an officer, whoever moves the digest and however
// often.
func FallbackKey(officerCode string, day models.Date, platform string) string {
	return digest.DigestKey(officerCode, day) + "/fallback/" + platform
}

// DigestFallback moves the digest of e, which the dispatcher just failed
// for good (notify.Permanent: the chat blocked the bot, the phone cannot
// receive ZNS, the quota is used up), to the officer's next channel: the
// first after e's in the officer's order that reaches them and was not
// tried that day. It enqueues one entry under FallbackKey, re-planned at
// the time of the move (the dossiers as they stand), and returns its key;
// "" when e is not a digest, the officer has no next channel or nothing
// left to say. The failed entry stays failed: a rerun of the digest finds
// its key and sends nothing, so the digest goes out on one channel only.
func (d *Deps) DigestFallback(ctx context.Context, e notify.Entry) (string, error) {
	if e.Job != models.JobDigest {
		return "", nil
	}
	code, ok := strings.CutPrefix(e.Recipient, "officer:")
	if !ok || code == "" {
		return "", nil
	}
	day, err := models.ParseDate(e.Period)
	if err != nil {
		return "", fmt.Errorf("jobs: digest fallback %s: %w", e.Key, err)
	}
	rs, err := d.loadReach(ctx, code)
	if err != nil {
		return "", fmt.Errorf("jobs: digest fallback %s: %w", e.Key, err)
	}
	r := rs[code]
	if r == nil {
		return "", nil
	}
	failed := e.Message.Platform
	order := d.order(r.chosen)
	if i := slices.Index(order, failed); i >= 0 {
		order = order[i+1:]
	}
	ob := d.Store.OutboxAt(d.clock())
	tried := func(p string) (bool, error) {
		if p == failed {
			return true, nil
		}
		if first, ok, err := ob.Get(ctx, digest.DigestKey(code, day)); err != nil || (ok && first.Message.Platform == p) {
			return ok, err
		}
		_, ok, err := ob.Get(ctx, FallbackKey(code, day, p))
		return ok, err
	}
	var next, addr string
	for _, p := range order {
		a, ok := d.address(r, p)
		if !ok {
			continue
		}
		done, err := tried(p)
		if err != nil {
			return "", fmt.Errorf("jobs: digest fallback %s: %w", e.Key, err)
		}
		if !done {
			next, addr = p, a
			break
		}
	}
	if next == "" {
		d.log().Warn("jobs: digest failed and the officer has no other channel", "officer", code, "day", day.String(),
			"platform", failed)
		return "", nil
	}
	now := d.planNow(scheduler.RunPeriod{Day: day, Now: d.clock()()})
	var entry *notify.Entry
	planner := digest.NewPlanner(d.Rules, now, func(dg *digest.Digest) error {
		en := d.digestMessage(dg, r, next, addr, FallbackKey(code, day, next))
		entry = &en
		return nil
	})
	planner.Risks = d.risks(ctx, now)
	err = d.Store.EachOfficerOpenDossier(ctx, code, func(x *models.Dossier, _ string) error {
		return planner.Add(x.HandlerCode, x)
	})
	if err == nil {
		err = planner.Flush()
	}
	if err != nil {
		return "", fmt.Errorf("jobs: digest fallback %s: %w", e.Key, err)
	}
	if entry == nil {
		return "", nil
	}
	n, err := d.enqueue(ctx, nil, []notify.Entry{*entry})
	if err != nil {
		return "", fmt.Errorf("jobs: digest fallback %s: %w", e.Key, err)
	}
	d.added(n)
	d.log().Info("jobs: digest moved to the next channel", "officer", code, "day", day.String(), "from", failed,
		"to", next, "key", entry.Key, "added", n)
	return entry.Key, nil
}
