// Package jobs holds dondoc's scheduled jobs: the officers' morning digest
// (with the secretariat's notes), the leaders' escalation, the weekly
// summary to the units' groups and the monthly results broadcast. Each job
// decides what to send and writes it to the store's outbox under a key
// (job, recipient, period), in the same transaction, so that a rerun, a
// restart or another replica never sends a key twice; the dispatcher
// delivers the outbox.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/scheduler"
	"github.com/dondoc/dondoc/store"
)

// MonthlySource computes a month's report for a scope (a root unit code,
// "" for every unit).
type MonthlySource interface {
	Monthly(ctx context.Context, year int, month time.Month, scope string) (*report.Report, error)
}

// Deps is what the jobs need. Store, Rules and Platforms are required.
type Deps struct {
	Store    Store // *store.Store
	Rules    *models.Rules
	Calendar *models.Calendar // nil: Rules.Cal
	Clock    func() time.Time // nil: time.Now (only for CreatedAt; runs use RunPeriod.Now)
	Location *time.Location   // nil: Calendar's
	// Platforms are the channels that exist, as their adapters describe
	// them: only accounts and groups on them get messages, each rendered
	// by its platform's Format and MaxText.
	Platforms []notify.Platform
	// DigestChannels is the order in which an officer's digest looks for
	// a channel that reaches them (DIGEST_CHANNELS; nil:
	// DefaultDigestChannels) unless they chose one (/caidat).
	DigestChannels []string
	// Addresses are the channels that reach an officer without a chat
	// link, by platform (ZNS by phone, e-mail by address); a platform
	// absent here reaches the officers who linked an account on it.
	Addresses map[string]Address
	// Refused reports whether an inactive account on a channel of
	// Addresses holds an address that channel refused for good (not one
	// merely on standby): the digest does not try that address again.
	// Nil: no address is held refused.
	Refused func(a models.ChatAccount) bool
	// ZNSPlatform and ZNSPriceVND, when set, add the month's count and
	// estimated cost of template messages to the secretariat's notes on
	// the first working day of the next month.
	ZNSPlatform string
	ZNSPriceVND int
	RepeatDays  int // ESCALATE_REPEAT_DAYS (≤ 0: digest.DefaultRepeatDays)
	// PublicURL is PUBLIC_URL: where the public page (/cong-khai/) is
	// reached. A platform that cannot carry the monthly chart or workbook
	// gets their addresses there instead ("" : a note that the file is not
	// attached).
	PublicURL        string
	EscalateToGroups bool // ESCALATE_TO_GROUPS: escalations also go to the units' bound groups
	Monthly          MonthlySource
	// Risks gives the early-warning list (RISK_THRESHOLD): the digest's
	// "Có nguy cơ trễ" section and the counts per unit in escalations and
	// weekly summaries. Nil: none. A failing fit is logged and the
	// messages go out without it.
	Risks  RiskSource
	Logger *slog.Logger

	// DryRun: print each recipient and message to Out instead of
	// enqueueing; nothing is recorded.
	DryRun bool
	Out    io.Writer
	// Enqueued, when set, is called after entries were added (wake the
	// dispatcher).
	Enqueued func(n int)

	mu sync.Mutex // serialises dry-run printing
}

// BatchSize is how many digests are enqueued per transaction.
const BatchSize = 500

func (d *Deps) check() error {
	var errs []error
	if d.Store == nil {
		errs = append(errs, errors.New("jobs: Store is required"))
	}
	if d.Rules == nil || d.Rules.Cal == nil {
		errs = append(errs, errors.New("jobs: Rules with a calendar are required"))
	}
	if len(d.Platforms) == 0 {
		errs = append(errs, errors.New("jobs: no platform to send to (set TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN)"))
	}
	if d.DryRun && d.Out == nil {
		errs = append(errs, errors.New("jobs: DryRun needs Out"))
	}
	return errors.Join(errs...)
}

func (d *Deps) log() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

func (d *Deps) cal() *models.Calendar {
	if d.Calendar != nil {
		return d.Calendar
	}
	return d.Rules.Cal
}

func (d *Deps) loc() *time.Location {
	if d.Location != nil {
		return d.Location
	}
	return d.cal().Location()
}

func (d *Deps) clock() func() time.Time {
	if d.Clock == nil {
		return time.Now
	}
	return d.Clock
}

// planNow is the instant a run plans at: p.Now when it falls on p.Day,
// else 08:00 of p.Day (a run for another day, from dondoc remind --date).
func (d *Deps) planNow(p scheduler.RunPeriod) time.Time {
	if !p.Now.IsZero() && models.DateOf(p.Now, d.loc()) == p.Day {
		return p.Now
	}
	return p.Day.Start(d.loc()).Add(8 * time.Hour)
}

// Plan returns the scheduler plan of the jobs at the given times.
func (d *Deps) Plan(remindAt, escalateAt, weeklyAt, monthlyAt string) scheduler.Plan {
	p := scheduler.Plan{RemindAt: remindAt, EscalateAt: escalateAt, WeeklyAt: weeklyAt, MonthlyAt: monthlyAt,
		Digest: d.Digest, Escalate: d.Escalate, Weekly: d.Weekly}
	if d.Monthly != nil {
		p.Monthly = d.MonthlyBroadcast
	}
	return p
}

// names are the names of d.Platforms, the keys of accounts and groups.
func (d *Deps) names() []string {
	out := make([]string, len(d.Platforms))
	for i, p := range d.Platforms {
		out[i] = p.Name
	}
	return out
}

// platform is the description of the platform named name; one not in
// d.Platforms is plain text of fallbackMaxText characters.
func (d *Deps) platform(name string) notify.Platform {
	for _, p := range d.Platforms {
		if p.Name == name {
			return p
		}
	}
	return notify.Platform{Name: name, Format: notify.FormatPlain, MaxText: fallbackMaxText}
}

// label names the platform named name for people (its Label, else name).
func (d *Deps) label(name string) string {
	if p := d.platform(name); p.Label != "" {
		return p.Label
	}
	return name
}

// fallbackMaxText is the longest text for a platform that names none.
const fallbackMaxText = 2000

// format returns the rendering of the platform named name: its Format
// and longest text.
func (d *Deps) format(name string) (notify.Format, int) {
	p := d.platform(name)
	if p.MaxText <= 0 {
		p.MaxText = fallbackMaxText
	}
	return p.Format, p.MaxText
}

// caption is the longest caption of a file sent to the platform named name.
func (d *Deps) caption(name string) int {
	if p := d.platform(name); p.MaxCaption > 0 {
		return p.MaxCaption
	}
	_, n := d.format(name)
	return n
}

// enqueue writes entries in one transaction (tx nil: a new one) or prints
// them in dry-run mode; it returns how many were added.
func (d *Deps) enqueue(ctx context.Context, tx Tx, entries []notify.Entry) (int, error) {
	if len(entries) == 0 {
		return 0, nil
	}
	if d.DryRun {
		d.print(entries)
		return len(entries), nil
	}
	if tx == nil {
		tx = d.Store
	}
	n, err := tx.OutboxAt(d.clock()).Enqueue(ctx, entries)
	if err != nil {
		return n, err
	}
	return n, nil
}

func (d *Deps) added(n int) {
	if n > 0 && d.Enqueued != nil && !d.DryRun {
		d.Enqueued(n)
	}
}

// print writes entries for a dry run: one header line per message, then
// its text.
func (d *Deps) print(entries []notify.Entry) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, e := range entries {
		m := e.Message
		extra := ""
		if m.Silent {
			extra += " (im lặng)"
		}
		if m.Photo != nil {
			extra += fmt.Sprintf(" [ảnh %s, %d byte]", m.Photo.Name, len(m.Photo.Data))
		}
		if m.Document != nil {
			extra += fmt.Sprintf(" [tệp %s, %d byte]", m.Document.Name, len(m.Document.Data))
		}
		fmt.Fprintf(d.Out, "=== %s → %s %s%s\n%s\n\n", e.Key, m.Platform, m.ChatID, extra, strings.TrimRight(m.Text, "\n"))
	}
}

// inTx runs fn in a transaction, or on the store in dry-run mode (fn only
// reads then: enqueue prints).
func (d *Deps) inTx(ctx context.Context, fn func(tx Tx) error) error {
	if d.DryRun {
		return fn(d.Store)
	}
	return d.Store.InTx(ctx, func(tx *store.Store) error { return fn(tx) })
}

func containsFold(s, sub string) bool { return strings.Contains(strings.ToLower(s), sub) }
