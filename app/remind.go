package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/scheduler"
)

// runRemind is dondoc remind [--date YYYY-MM-DD] [--wait D] [--dry-run]:
// the digest job once, for the day given (default today). It records the
// run like the scheduler (a day already run is not run again), enqueues the
// messages and delivers the outbox, waiting out retry_after and backoffs
// for at most --wait (default 10 minutes). It exits 0 when every message
// of the day (digests and secretariat lists) was sent, 4 when some are
// still queued, 1 when some could never be sent; each time it names the
// recipients left. --dry-run prints each recipient and message, sending
// and recording nothing.
func runRemind(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("remind", flag.ContinueOnError)
	date := fs.String("date", "", "the day to remind for, YYYY-MM-DD (default: today)")
	force := fs.Bool("force", false, "remind for --date even when it is a day off")
	dry, wait := sendFlags(fs, "recipient")
	if done, err := parseSendFlags(a, fs, args, wait); done || err != nil {
		return err
	}
	now := a.clock().Now()
	day := models.DateOf(now, a.cfg.Location)
	if *date != "" {
		d, err := parseDateArg("--date", *date)
		if err != nil {
			return usagef("%v", err)
		}
		day = d
	}
	st, channels, platforms, err := openSending(ctx, a)
	if err != nil {
		return err
	}
	defer st.Close()
	if *date != "" && !*force {
		cal, err := loadCalendar(ctx, a, st)
		if err != nil {
			return err
		}
		if err := refuseDayOff(cal, day); err != nil {
			return err
		}
	}
	if *dry {
		if len(platforms) == 0 {
			platforms = []notify.Platform{previewPlatform(a.cfg)}
		}
		deps, err := newJobDeps(ctx, a, st, platforms, a.stdout)
		if err != nil {
			return err
		}
		p, _ := scheduler.PeriodFor(deps.Calendar, scheduler.DailyWorking, day)
		p.Now = now
		stats, err := deps.RunDigest(ctx, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "Xem trước ngày %s: %d tin nhắc việc, %d tin cho văn phòng (chưa gửi, chưa ghi nhận).\n",
			day.VN(), stats.Messages, stats.Secretariat)
		return nil
	}
	if len(platforms) == 0 {
		return errors.New("chưa cấu hình kênh gửi tin (ZALO_BOT_TOKEN, TELEGRAM_BOT_TOKEN hoặc SMTP_URL); dùng --dry-run để xem trước")
	}
	deps, err := newJobDeps(ctx, a, st, platforms, nil)
	if err != nil {
		return err
	}
	var stats struct{ enqueued, messages int }
	// The run's heartbeat ticks on the domain clock: a.wall() measures only
	// the delivery's wait below, so a test can drive that wait alone.
	sched, err := scheduler.New(scheduler.Config{Calendar: deps.Calendar, Location: deps.Location,
		Clock: a.clock(), Wall: a.clock(), RunLog: st.RunLog(), Logger: a.log,
		Jobs: []scheduler.Job{{Name: models.JobDigest, When: scheduler.DailyWorking,
			Run: func(ctx context.Context, p scheduler.RunPeriod) error {
				s, err := deps.RunDigest(ctx, p)
				stats.enqueued, stats.messages = s.Enqueued, s.Messages
				return err
			}}}})
	if err != nil {
		return err
	}
	err = sched.RunNow(ctx, models.JobDigest, day)
	if errors.Is(err, scheduler.ErrAlreadyRun) {
		fmt.Fprintf(a.stdout, "Việc nhắc ngày %s đã chạy rồi; không gửi lại.\n", day.VN())
	} else if err != nil {
		return err
	} else {
		fmt.Fprintf(a.stdout, "Ngày %s: %d tin nhắc việc, %d tin mới vào hàng đợi.\n", day.VN(), stats.messages, stats.enqueued)
	}
	return deliverScope(ctx, a, st, channels, scope{jobs: []string{models.JobDigest, models.JobSecretariat}, period: day.String()}, *wait)
}

// refuseDayOff refuses to remind for a day off (a weekend not worked, a
// public holiday such as Tết): officers are not at work, and the reminder
// of the next working day covers it. --force overrides.
func refuseDayOff(cal *models.Calendar, day models.Date) error {
	if cal.IsWorkingDay(day) {
		return nil
	}
	why := "không phải ngày làm việc"
	if h, ok := cal.Named(day); ok && h.Name != "" {
		why = "ngày nghỉ " + h.Name
	} else if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		why = "ngày nghỉ cuối tuần"
	}
	return usagef("ngày %s là %s: không nhắc việc (thêm --force nếu vẫn muốn chạy)", day.VN(), why)
}
