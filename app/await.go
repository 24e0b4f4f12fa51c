package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
)

// exitQueued is the exit status of dondoc remind and broadcast when
// messages of the run are still queued once --wait is over.
const exitQueued = 4

// defaultWait is how long remind and broadcast wait out retry_after and
// backoffs before giving up (--wait).
const defaultWait = 10 * time.Minute

// sendFlags declares the flags remind and broadcast share: --dry-run
// (which previews each recipient, named by who, and message) and --wait.
func sendFlags(fs *flag.FlagSet, who string) (dry *bool, wait *time.Duration) {
	dry = fs.Bool("dry-run", false, "print each "+who+" and message; send and record nothing")
	wait = fs.Duration("wait", defaultWait, "how long to wait out rate limits and retries before exiting 4 with messages still queued")
	return dry, wait
}

// parseSendFlags parses the args of remind or broadcast (no positional
// argument) and refuses a negative --wait (a usage error, exit 2).
func parseSendFlags(a *app, fs *flag.FlagSet, args []string, wait *time.Duration) (done bool, err error) {
	if done, err := parseFlags(a, fs, args, 0); done || err != nil {
		return done, err
	}
	if *wait < 0 {
		return false, usagef("--wait must not be negative")
	}
	return false, nil
}

// openSending opens what remind and broadcast send with: the store (the
// caller closes it), the configured channels by platform and their
// platforms.
func openSending(ctx context.Context, a *app) (*store.Store, map[string]notify.Channel, []notify.Platform, error) {
	st, err := openStore(ctx, a, false)
	if err != nil {
		return nil, nil, nil, err
	}
	chs, err := openChannels(ctx, a, st)
	if err != nil {
		st.Close()
		return nil, nil, nil, err
	}
	channels := channelMap(chs)
	return st, channels, platformsOf(channels), nil
}

// minRecheck is the shortest pause between two looks at the outbox: an
// entry due "now" that no Claim returned (another process leases it) is
// looked at again after this.
const minRecheck = time.Second

// maxListed bounds the recipients named when messages are left.
const maxListed = 20

// scope is what one run of remind or broadcast queued: the entries of these
// jobs for this period.
type scope struct {
	jobs   []string
	period string
}

// deliverScope delivers the outbox and, while entries of sc are pending,
// waits (on the wall clock) until the earliest of them is due again and
// delivers again, for at most wait. It returns nil when every entry of sc
// was sent, an exit status 4 error naming the recipients when some are
// still pending, and a failure naming them when none is pending but some
// could never be sent. Entries due later than the deadline end the wait
// at once: waiting for nothing helps no one.
func deliverScope(ctx context.Context, a *app, st *store.Store, channels map[string]notify.Channel, sc scope, wait time.Duration) error {
	disp, err := newDispatcher(a, st, channels)
	if err != nil {
		return err
	}
	clk := a.wall()
	deadline := clk.Now().Add(wait)
	outbox := st.Outbox()
	var (
		sent   int
		unsent []notify.Entry
	)
	for {
		if err := disp.Drain(ctx); err != nil && ctx.Err() == nil {
			return err
		}
		// The report survives an interrupt: say what is left.
		sent, unsent, err = outbox.Progress(context.WithoutCancel(ctx), sc.jobs, sc.period)
		if err != nil {
			return err
		}
		// A digest refused for good and moved to the next channel is
		// told by its move.
		if unsent, _, err = withoutMoved(context.WithoutCancel(ctx), outbox, unsent); err != nil {
			return err
		}
		next, pending := earliestPending(unsent)
		now := clk.Now()
		if pending == 0 || ctx.Err() != nil || !now.Before(deadline) || next.After(deadline) {
			break
		}
		pause := min(max(next.Sub(now), minRecheck), deadline.Sub(now))
		a.log.Info("delivery: waiting for a retry", "pending", pending, "next", next, "wait", pause)
		t := clk.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.Chan():
		}
	}
	return reportScope(a, sent, unsent, wait)
}

// earliestPending returns the earliest next attempt of the pending entries
// and how many there are.
func earliestPending(es []notify.Entry) (time.Time, int) {
	var next time.Time
	n := 0
	for _, e := range es {
		if e.Status != notify.StatusPending {
			continue
		}
		n++
		if next.IsZero() || e.NextAttemptAt.Before(next) {
			next = e.NextAttemptAt
		}
	}
	return next, n
}

// reportScope prints the outcome and returns the error that gives the exit
// status: nil when everything was sent.
func reportScope(a *app, sent int, unsent []notify.Entry, wait time.Duration) error {
	var pending, failed []notify.Entry
	for _, e := range unsent {
		if e.Status == notify.StatusPending {
			pending = append(pending, e)
		} else {
			failed = append(failed, e)
		}
	}
	fmt.Fprintf(a.stdout, "Đã gửi %d tin; %d tin còn trong hàng đợi, %d tin không gửi được.\n", sent, len(pending), len(failed))
	var msgs []string
	if len(pending) > 0 {
		next, _ := earliestPending(pending)
		msgs = append(msgs, fmt.Sprintf("còn %d tin trong hàng đợi (chờ tối đa --wait %s; lần thử lại sớm nhất lúc %s); dondoc serve hoặc lần chạy sau sẽ gửi tiếp. Người nhận:\n%s",
			len(pending), wait, vnTime(a, next), recipients(a, pending)))
	}
	if len(failed) > 0 {
		msgs = append(msgs, fmt.Sprintf("%d tin không gửi được, người nhận:\n%s", len(failed), recipients(a, failed)))
	}
	switch {
	case len(pending) > 0:
		return &exitError{code: exitQueued, err: errors.New(strings.Join(msgs, "\n"))}
	case len(failed) > 0:
		return &exitError{code: exitFailure, err: errors.New(strings.Join(msgs, "\n"))}
	}
	fmt.Fprintln(a.stdout, "Đã gửi hết.")
	return nil
}

// recipients lists the recipients of es, one line each with how many
// messages, the next attempt of a pending one and the last error; at most
// maxListed lines.
func recipients(a *app, es []notify.Entry) string {
	type who struct {
		name, platform, chat string
		n                    int
		next                 time.Time
		lastErr              string
		pending              bool
	}
	byKey := map[string]*who{}
	var order []*who
	for _, e := range es {
		k := e.Recipient + "\x00" + e.Message.Platform + "\x00" + e.Message.ChatID
		w, ok := byKey[k]
		if !ok {
			w = &who{name: e.Recipient, platform: e.Message.Platform, chat: e.Message.ChatID}
			byKey[k] = w
			order = append(order, w)
		}
		w.n++
		if e.Status == notify.StatusPending {
			w.pending = true
			if w.next.IsZero() || e.NextAttemptAt.Before(w.next) {
				w.next = e.NextAttemptAt
			}
		}
		if e.LastError != "" {
			w.lastErr = e.LastError
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].name < order[j].name })
	var b strings.Builder
	for i, w := range order {
		if i == maxListed {
			fmt.Fprintf(&b, "  … và %d người nhận khác\n", len(order)-maxListed)
			break
		}
		fmt.Fprintf(&b, "  - %s (%s %s): %d tin", clipLine(w.name, 80), w.platform, clipLine(w.chat, 40), w.n)
		if w.pending {
			fmt.Fprintf(&b, ", thử lại lúc %s", vnTime(a, w.next))
		}
		if w.lastErr != "" {
			fmt.Fprintf(&b, ", lỗi: %s", clipLine(w.lastErr, 160))
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// vnTime writes t in the configured zone, the Vietnamese way.
func vnTime(a *app, t time.Time) string {
	loc := a.cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("15:04:05 02/01/2006")
}

// clipLine shortens s to at most n runes, on one line.
func clipLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
