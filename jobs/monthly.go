package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/report"
	"github.com/dondoc/dondoc/scheduler"
)

// MonthlyBroadcast sends the month's results (the month before p.Day's)
// to every bound unit group: the text in chunks, the chart as a photo and
// the XLSX workbook as a document, each scoped to the group's unit.
func (d *Deps) MonthlyBroadcast(ctx context.Context, p scheduler.RunPeriod) error {
	y, m, _ := p.From.YMD()
	n, err := d.Broadcast(ctx, y, m, p.Key)
	d.log().Info("jobs: monthly broadcast", "period", p.Key, "enqueued", n, "err", err)
	return err
}

// ErrMonthNotEnded is Broadcast's error for a month that is still running
// (or has not begun): its results are provisional and are never sent.
var ErrMonthNotEnded = errors.New("tháng chưa kết thúc: chỉ gửi kết quả của tháng đã qua")

// CheckBroadcastMonth returns ErrMonthNotEnded (wrapped, with the month)
// unless year/month has ended at now in loc.
func CheckBroadcastMonth(year int, month time.Month, now time.Time, loc *time.Location) error {
	if p := models.MonthPeriod(year, month, loc); now.Before(p.End) {
		return fmt.Errorf("kết quả tháng %02d/%04d: %w", int(month), year, ErrMonthNotEnded)
	}
	return nil
}

// Broadcast enqueues (or prints) the results of year/month to every bound
// unit group; period is the outbox period ("2026-10"). It returns how many
// messages were added. A month that has not ended is refused
// (ErrMonthNotEnded); a group whose unit has no dossier in the month gets
// nothing ("chưa có dữ liệu" is not a result to publish).
func (d *Deps) Broadcast(ctx context.Context, year int, month time.Month, period string) (int, error) {
	if err := d.check(); err != nil {
		return 0, err
	}
	if err := CheckBroadcastMonth(year, month, d.clock()(), d.loc()); err != nil {
		return 0, err
	}
	if d.Monthly == nil {
		return 0, fmt.Errorf("jobs: monthly broadcast: no source of monthly figures")
	}
	if period == "" {
		period = fmt.Sprintf("%04d-%02d", year, int(month))
	}
	groups, err := d.Store.ChatGroups(ctx, d.names()...)
	if err != nil {
		return 0, err
	}
	reports := map[string]*report.Report{}
	files := map[string][2][]byte{} // scope → png, xlsx
	total := 0
	for _, g := range groups {
		rep, ok := reports[g.UnitCode]
		if !ok {
			rep, err = d.Monthly.Monthly(ctx, year, month, g.UnitCode)
			if err != nil {
				return total, fmt.Errorf("jobs: monthly report of %s: %w", g.UnitCode, err)
			}
			reports[g.UnitCode] = rep
			if rep.Provisional {
				return total, fmt.Errorf("jobs: monthly report of %s: %w", g.UnitCode, ErrMonthNotEnded)
			}
			if rep.NoData() {
				continue
			}
			var png, xlsx bytes.Buffer
			if err := report.RenderPNG(&png, rep, report.PNGOptions{}); err != nil {
				return total, fmt.Errorf("jobs: monthly chart of %s: %w", g.UnitCode, err)
			}
			if err := report.RenderXLSX(&xlsx, rep); err != nil {
				return total, fmt.Errorf("jobs: monthly workbook of %s: %w", g.UnitCode, err)
			}
			files[g.UnitCode] = [2][]byte{png.Bytes(), xlsx.Bytes()}
		}
		if rep.NoData() {
			d.log().Info("jobs: monthly broadcast: no data", "unit", g.UnitCode, "period", period)
			continue
		}
		f, max := d.format(g.Platform)
		recipient := "group:" + g.Platform + ":" + g.ChatID
		key := func(part string) string { return notify.Key(models.JobMonthly, recipient, period) + "/" + part }
		msg := func(m notify.Message) notify.Message {
			m.Platform, m.ChatID, m.ThreadID = g.Platform, g.ChatID, g.ThreadID
			return m
		}
		var entries []notify.Entry
		for i, chunk := range report.TextChunks(rep, report.TextOptions{HTML: f == notify.FormatHTML, MaxLen: max}) {
			entries = append(entries, notify.Entry{Key: key(fmt.Sprintf("text-%d", i+1)),
				Message: msg(notify.Message{Text: chunk, Format: f})})
		}
		fs := files[g.UnitCode]
		if desc := d.platform(g.Platform); (!desc.Photos || !desc.Files) && d.PublicURL != "" {
			// Zalo's Bot Platform carries neither: the public page has the
			// chart and the workbook of the month.
			entries = append(entries, notify.Entry{Key: key("link"), Message: msg(notify.Message{Format: notify.FormatPlain,
				Text: publicLinks(d.PublicURL, rep.MonthKey(), rep.MonthTitle())})})
		} else {
			caption := d.caption(g.Platform)
			entries = append(entries,
				notify.Entry{Key: key("chart"), Message: msg(notify.Message{Text: clipRunes("Biểu đồ tỷ lệ giải quyết đúng hạn — "+rep.MonthTitle(), caption),
					Format: notify.FormatPlain, Photo: &notify.File{Name: "bieu-do-" + rep.MonthKey() + ".png", MIME: "image/png", Data: fs[0]}})},
				notify.Entry{Key: key("xlsx"), Message: msg(notify.Message{Text: clipRunes(rep.MonthTitle(), caption),
					Format: notify.FormatPlain, Document: &notify.File{Name: report.FileName(year, month, "xlsx"),
						MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: fs[1]}})})
		}
		for i := range entries {
			entries[i].Job, entries[i].Recipient, entries[i].Period = models.JobMonthly, recipient, period
			entries[i].Message.Silent = true
		}
		// One transaction per group: its text, chart and workbook go
		// together, in this order (the outbox delivers one chat in id order).
		err := d.inTx(ctx, func(tx Tx) error {
			n, err := d.enqueue(ctx, tx, entries)
			total += n
			return err
		})
		if err != nil {
			return total, fmt.Errorf("jobs: monthly broadcast to %s: %w", recipient, err)
		}
	}
	d.added(total)
	return total, nil
}

// publicLinks is the message that replaces the chart and the workbook on a
// platform that cannot carry them: their addresses on the public page.
func publicLinks(base, monthKey, title string) string {
	u := base + "/cong-khai/" + monthKey
	return "Biểu đồ và bảng tính Excel " + title + " (công khai):\n" + u + "\n" + u + ".png\n" + u + ".xlsx"
}

func clipRunes(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}
