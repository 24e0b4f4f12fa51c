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

// Outbox keys of the digest. An officer's digest of a day is keyed
// digest.DigestKey(officer, day) whatever the channel it goes by, so that
// one officer gets one digest a day: a rerun, a /caidat change or a chat
// linked since finds the key and adds nothing. A move to the next channel
// is keyed FallbackKey. This is not notify.Platform.Key(base): a key per
// platform would let a rerun send the digest again on a channel that
// became the first since.
//
// Before this, each account had its digest under Platform.Key(base): the
// bare base on Telegram (BareKeys: the same key as now), base+"/zalo" or
// base+"/email" on the others. So that a rerun on the upgrade day never
// sends twice, RunDigest skips every officer who has any digest entry of
// the day (digestsDone: by recipient and period, whatever the key).

// digestsDone returns the recipients ("officer:<code>") who already have
// a digest entry of day in the outbox, under any key; none in a dry run.
func (d *Deps) digestsDone(ctx context.Context, day models.Date) (map[string]bool, error) {
	if d.DryRun {
		return nil, nil
	}
	return d.Store.OutboxRecipients(ctx, models.JobDigest, day.String())
}

// FallbackKey is the outbox key of the hop-th move of an officer's digest
// of day to another channel: "digest/<officer>/2026-12-07/fallback/1" for
// the first move. The key follows from the failed entry's, so moving the
// same failed entry twice adds nothing, and a rerun of the digest finds
// digest.DigestKey and adds nothing either.
func FallbackKey(officerCode string, day models.Date, hop int) string {
	return digest.DigestKey(officerCode, day) + "/fallback/" + strconv.Itoa(hop)
}

// fallbackHop is how many moves the digest of key is the result of: 0
// for the day's first (or one keyed otherwise), n for FallbackKey(…, n).
func fallbackHop(key, code string, day models.Date) (int, error) {
	rest, ok := strings.CutPrefix(key, digest.DigestKey(code, day)+"/fallback/")
	if !ok {
		return 0, nil
	}
	hop, err := strconv.Atoi(rest)
	if err != nil || hop < 1 {
		return 0, fmt.Errorf("not a fallback key")
	}
	return hop, nil
}

// NextFallbackKey returns the key the digest of e gets when it moves to
// the next channel (DigestFallback); false when e is not a digest.
func NextFallbackKey(e notify.Entry) (string, bool) {
	code, ok := strings.CutPrefix(e.Recipient, "officer:")
	if e.Job != models.JobDigest || !ok || code == "" {
		return "", false
	}
	day, err := models.ParseDate(e.Period)
	if err != nil {
		return "", false
	}
	hop, err := fallbackHop(e.Key, code, day)
	if err != nil {
		return "", false
	}
	return FallbackKey(code, day, hop+1), true
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
	hop, err := fallbackHop(e.Key, code, day)
	if err != nil {
		return "", fmt.Errorf("jobs: digest fallback %s: %w", e.Key, err)
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
