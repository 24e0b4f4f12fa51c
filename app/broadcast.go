package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
)

// runBroadcast is dondoc broadcast --month YYYY-MM [--wait D] [--dry-run]:
// the month's results to every bound unit group (text, chart, workbook). A
// month already broadcast to a group is not sent to it again. Like remind
// it waits out rate limits for at most --wait and exits 0 only when every
// message of the month was sent, 4 when some are still queued.
func runBroadcast(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("broadcast", flag.ContinueOnError)
	month := fs.String("month", "", "the month, YYYY-MM (required)")
	dry, wait := sendFlags(fs, "group")
	if done, err := parseSendFlags(a, fs, args, wait); done || err != nil {
		return err
	}
	year, mon, err := parseMonthArg(*month)
	if err != nil {
		return usagef("--month: %v", err)
	}
	st, channels, platforms, err := openSending(ctx, a)
	if err != nil {
		return err
	}
	defer st.Close()
	var out io.Writer
	if *dry {
		out = a.stdout
		if len(platforms) == 0 {
			platforms = []notify.Platform{previewPlatform(a.cfg)}
		}
	} else if len(platforms) == 0 {
		return errors.New("chưa cấu hình kênh gửi tin (ZALO_BOT_TOKEN, TELEGRAM_BOT_TOKEN hoặc SMTP_URL); dùng --dry-run để xem trước")
	}
	deps, err := newJobDeps(ctx, a, st, platforms, out)
	if err != nil {
		return err
	}
	period := fmt.Sprintf("%04d-%02d", year, int(mon))
	n, err := deps.Broadcast(ctx, year, mon, period)
	if err != nil {
		return err
	}
	if *dry {
		fmt.Fprintf(a.stdout, "Xem trước tháng %02d/%04d: %d tin (chưa gửi, chưa ghi nhận).\n", int(mon), year, n)
		return nil
	}
	fmt.Fprintf(a.stdout, "Tháng %02d/%04d: %d tin mới vào hàng đợi.\n", int(mon), year, n)
	return deliverScope(ctx, a, st, channels, scope{jobs: []string{models.JobMonthly}, period: period}, *wait)
}

// chatBroadcaster is /guibaocao's way to the monthly broadcast: the same
// job as dondoc broadcast, for the configured platforms; the dispatcher of
// dondoc serve delivers what it queues.
type chatBroadcaster struct {
	a  *app
	st *store.Store
}

func (b chatBroadcaster) platforms() []notify.Platform { return configuredPlatforms(b.a.cfg) }

// Groups counts the bound unit groups that would receive the broadcast.
func (b chatBroadcaster) Groups(ctx context.Context) (int, error) {
	var names []string
	for _, p := range b.platforms() {
		names = append(names, p.Name)
	}
	gs, err := b.st.ChatGroups(ctx, names...)
	return len(gs), err
}

// Broadcast queues the month's results for every bound group.
func (b chatBroadcaster) Broadcast(ctx context.Context, year int, month time.Month) (int, error) {
	deps, err := newJobDeps(ctx, b.a, b.st, b.platforms(), nil)
	if err != nil {
		return 0, err
	}
	return deps.Broadcast(ctx, year, month, "")
}

// parseMonthArg reads "YYYY-MM".
func parseMonthArg(s string) (int, time.Month, error) {
	y, m, ok := strings.Cut(s, "-")
	if s == "" {
		return 0, 0, errors.New("required, e.g. 2026-10")
	}
	year, err1 := strconv.Atoi(y)
	mon, err2 := strconv.Atoi(m)
	if !ok || len(y) != 4 || len(m) != 2 || err1 != nil || err2 != nil || mon < 1 || mon > 12 {
		return 0, 0, fmt.Errorf("%q is not a month YYYY-MM, e.g. 2026-10", s)
	}
	return year, time.Month(mon), nil
}
