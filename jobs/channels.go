package jobs

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/digest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// DefaultDigestChannels is the order in which an officer's daily digest
// looks for a channel that works (DIGEST_CHANNELS) when the officer chose
// none.
var DefaultDigestChannels = []string{"zalo", "zalo_oa", "telegram", "zns", "email"}

// Address finds an officer on a channel that needs no chat link, from the
// officers import (a ZNS phone number, an e-mail address); false when the
// officer has none on it.
type Address func(o models.Officer) (string, bool)

// reach is how the digest can reach one officer.
type reach struct {
	officer  models.Officer
	accounts map[string]models.ChatAccount // active chat accounts, by platform
	chosen   string                        // the channel the officer chose (/caidat), "" for none
	refused  map[string]string             // platform → address it refused for good (Deps.Refused), lower case
}

// order is the channels a digest tries, first to last: the officer's
// chosen channel, then DigestChannels, then any other configured chat
// channel (sorted, e.g. the console), each once and only when configured.
// A channel that needs no chat link (ZNS, e-mail: Addresses) is used only
// when DigestChannels lists it: leaving "zns" out means no paid messages.
func (d *Deps) order(chosen string) []string {
	base := d.DigestChannels
	if len(base) == 0 {
		base = DefaultDigestChannels
	}
	allowed := func(p string) bool {
		_, addressed := d.Addresses[p]
		return slices.Contains(d.names(), p) && (!addressed || slices.Contains(base, p))
	}
	var out []string
	add := func(p string) {
		if p != "" && allowed(p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	add(chosen)
	for _, p := range base {
		add(p)
	}
	rest := d.names()
	slices.Sort(rest)
	for _, p := range rest {
		add(p)
	}
	return out
}

// address returns where platform p reaches the officer: the chat of their
// active account, or the address from the import for a channel in
// Addresses.
func (d *Deps) address(r *reach, p string) (string, bool) {
	if addr, ok := d.Addresses[p]; ok {
		if addr == nil {
			return "", false
		}
		a, ok := addr(r.officer)
		if ok && r.refused[p] != "" && strings.EqualFold(r.refused[p], a) {
			return "", false
		}
		return a, ok
	}
	a, ok := r.accounts[p]
	return a.ChatID, ok
}

// channels returns the channels that reach r, in the order tried.
func (d *Deps) channels(r *reach) []string {
	var out []string
	for _, p := range d.order(r.chosen) {
		if _, ok := d.address(r, p); ok {
			out = append(out, p)
		}
	}
	return out
}

// reachAll loads, for every active officer reachable on one configured
// channel, their accounts, addresses and choice; by officer code.
func (d *Deps) reachAll(ctx context.Context) (map[string]*reach, error) {
	return d.loadReach(ctx, "")
}

// loadReach is reachAll for one officer when code is set (reading that
// officer's rows only).
func (d *Deps) loadReach(ctx context.Context, code string) (map[string]*reach, error) {
	var (
		officers []models.Officer
		accs     []models.ChatAccount
		choices  map[string]string
	)
	if code == "" {
		var err error
		if officers, err = d.Store.Officers(ctx); err != nil {
			return nil, err
		}
		if accs, err = d.Store.ActiveAccounts(ctx, d.names()...); err != nil {
			return nil, err
		}
		if choices, err = d.Store.OfficerChannels(ctx); err != nil {
			return nil, err
		}
	} else {
		byCode, err := d.Store.OfficersByCode(ctx, []string{code})
		if err != nil {
			return nil, err
		}
		for _, o := range byCode {
			officers = append(officers, o)
		}
		if accs, err = d.Store.ActiveAccountsOf(ctx, code, d.names()...); err != nil {
			return nil, err
		}
		c, err := d.Store.OfficerChannel(ctx, code)
		if err != nil {
			return nil, err
		}
		choices = map[string]string{code: c}
	}
	out := map[string]*reach{}
	for _, o := range officers {
		if o.Active {
			out[o.Code] = &reach{officer: o, accounts: map[string]models.ChatAccount{}, chosen: choices[o.Code]}
		}
	}
	for _, a := range accs {
		if r, ok := out[a.OfficerCode]; ok {
			if _, seen := r.accounts[a.Platform]; !seen {
				r.accounts[a.Platform] = a
			}
		}
	}
	if err := d.loadRefused(ctx, code, out); err != nil {
		return nil, err
	}
	for c, r := range out {
		if len(d.channels(r)) == 0 {
			delete(out, c)
		}
	}
	return out, nil
}

// loadRefused notes, for the officers of out (one when code is set), the
// addresses a channel of Addresses refused for good (Deps.Refused).
func (d *Deps) loadRefused(ctx context.Context, code string, out map[string]*reach) error {
	if d.Refused == nil {
		return nil
	}
	var platforms []string
	for _, p := range d.names() {
		if _, ok := d.Addresses[p]; ok {
			platforms = append(platforms, p)
		}
	}
	if len(platforms) == 0 {
		return nil
	}
	accs, err := d.Store.InactiveAccountsOn(ctx, code, platforms...)
	if err != nil {
		return err
	}
	for _, a := range accs {
		if r, ok := out[a.OfficerCode]; ok && d.Refused(a) {
			if r.refused == nil {
				r.refused = map[string]string{}
			}
			r.refused[a.Platform] = a.ChatID
		}
	}
	return nil
}

// ChannelOption is one channel an officer can be reached on, for /caidat.
type ChannelOption struct {
	Platform string
	Label    string
	Chosen   bool // the officer chose it
	Used     bool // the digest goes there today (the first that works)
}

// OfficerChannelOptions lists the channels that reach the officer, in the
// order tried, marking the chosen one and the one used.
func (d *Deps) OfficerChannelOptions(ctx context.Context, officerCode string) ([]ChannelOption, error) {
	rs, err := d.loadReach(ctx, officerCode)
	if err != nil {
		return nil, fmt.Errorf("jobs: channels of %s: %w", officerCode, err)
	}
	r, ok := rs[officerCode]
	if !ok {
		return nil, nil
	}
	var out []ChannelOption
	for i, p := range d.channels(r) {
		out = append(out, ChannelOption{Platform: p, Label: d.label(p), Chosen: p == r.chosen, Used: i == 0})
	}
	return out, nil
}

// ChooseChannel records the officer's digest channel ("" for the default
// order). It must be one of OfficerChannelOptions; ErrNoSuchChannel
// otherwise.
func (d *Deps) ChooseChannel(ctx context.Context, officerCode, platform string) error {
	if platform != "" {
		opts, err := d.OfficerChannelOptions(ctx, officerCode)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(opts, func(o ChannelOption) bool { return o.Platform == platform }) {
			return ErrNoSuchChannel
		}
	}
	return d.Store.SetOfficerChannel(ctx, officerCode, platform, d.clock()())
}

// ErrNoSuchChannel: the officer cannot be reached on that channel.
var ErrNoSuchChannel = fmt.Errorf("jobs: the officer cannot be reached on that channel")

// digestFields are a digest's figures for a template message (ZNS):
// name, code, overdue, due_today, due_soon, at_risk, total, date.
func digestFields(dg *digest.Digest, name string) map[string]string {
	return map[string]string{
		"name":      strings.TrimSpace(name),
		"code":      dg.OfficerCode,
		"overdue":   strconv.Itoa(len(dg.Overdue)),
		"due_today": strconv.Itoa(len(dg.DueToday)),
		"due_soon":  strconv.Itoa(len(dg.Apology) + len(dg.DueSoon)),
		"at_risk":   strconv.Itoa(dg.AtRiskTotal),
		"total":     strconv.Itoa(dg.Len()),
		"date":      dg.Day.VN(),
	}
}

// digestMessage renders an officer's digest for platform p at addr under
// key.
func (d *Deps) digestMessage(dg *digest.Digest, r *reach, p, addr, key string) notify.Entry {
	f, max := d.format(p)
	// Applicants' names stay in the officer's own chat: a mail or a
	// template message leaves them out.
	_, addressed := d.Addresses[p]
	text := digest.RenderDigest(*dg, digest.RenderOptions{Format: f, MaxLen: max, Location: d.loc(),
		OfficerName: r.officer.Name, ShowApplicant: !addressed})
	return notify.Entry{Key: key, Job: models.JobDigest, Recipient: "officer:" + dg.OfficerCode, Period: dg.Day.String(),
		Message: notify.Message{Platform: p, ChatID: addr, Text: text, Format: f, Silent: dg.Silent,
			Fields: digestFields(dg, r.officer.Name)}}
}

// znsMonth is last month's ZNS count and estimated cost, said on the
// month's first working day when ZNSPlatform is set and some were sent.
func (d *Deps) znsMonth(ctx context.Context, day models.Date) (*digest.ZNSMonth, error) {
	if d.ZNSPlatform == "" || !firstWorkingDayOfMonth(d.cal(), day) {
		return nil, nil
	}
	t := day.Start(d.loc())
	this := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, d.loc())
	prev := this.AddDate(0, -1, 0)
	n, err := d.Store.SentCount(ctx, d.ZNSPlatform, prev, this)
	if err != nil || n == 0 {
		return nil, err
	}
	return &digest.ZNSMonth{Year: prev.Year(), Month: prev.Month(), Messages: n, CostVND: n * int64(d.ZNSPriceVND)}, nil
}

// firstWorkingDayOfMonth reports whether day is the first working day of
// its month.
func firstWorkingDayOfMonth(c *models.Calendar, day models.Date) bool {
	if !c.IsWorkingDay(day) {
		return false
	}
	_, month, _ := day.YMD()
	for x := day - 1; ; x-- {
		if _, m, _ := x.YMD(); m != month {
			break
		}
		if c.IsWorkingDay(x) {
			return false
		}
	}
	return true
}
