package jobs

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/scheduler"
)

// FallbackKey is the outbox key of the hop-th move of an officer's digest
// of day to another channel: "digest/<officer>/2026-12-07/fallback/1" for
// the first move. The key follows from the failed entry's, so moving the
// same failed entry twice adds nothing, and a rerun of the digest finds
// digest.DigestKey and adds nothing either.
func FallbackKey(officerCode string, day models.Date, hop int) string {
	return digest.DigestKey(officerCode, day) + "/fallback/" + strconv.Itoa(hop)
}

// DigestFallback moves the digest of e, which the dispatcher just failed
// for good (notify.Permanent: the chat blocked the bot, the phone cannot
// receive ZNS, the quota is used up), to the officer's next channel: the
// first after e's in the officer's order that reaches them and carried
// none of that day's earlier attempts. It enqueues one entry under
// FallbackKey, re-planned at the time of the move (the dossiers as they
// stand), and returns its key; "" when e is not a digest, the officer has
// no next channel or nothing left to say. The failed entry stays failed:
// the digest goes out on one channel only, each channel tried at most
// once a day for an officer.
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
	hop := 0 // e is the day's first digest (or one keyed otherwise)
	if rest, ok := strings.CutPrefix(e.Key, digest.DigestKey(code, day)+"/fallback/"); ok {
		if hop, err = strconv.Atoi(rest); err != nil || hop < 1 {
			return "", fmt.Errorf("jobs: digest fallback %s: not a fallback key", e.Key)
		}
	}
	// The channels of the day's earlier attempts are not tried again.
	ob := d.Store.OutboxAt(d.clock())
	used := []string{e.Message.Platform}
	for i := 0; i < hop; i++ {
		key := digest.DigestKey(code, day)
		if i > 0 {
			key = FallbackKey(code, day, i)
		}
		prev, ok, err := ob.Get(ctx, key)
		if err != nil {
			return "", fmt.Errorf("jobs: digest fallback %s: %w", e.Key, err)
		}
		if ok {
			used = append(used, prev.Message.Platform)
		}
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
	var next, addr string
	for _, p := range order {
		if a, ok := d.address(r, p); ok && !slices.Contains(used, p) {
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
		en := d.digestMessage(dg, r, next, addr, FallbackKey(code, day, hop+1))
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
