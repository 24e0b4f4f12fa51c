package app

import (
	"context"
	"fmt"
	"text/tabwriter"
)

// runUnassigned lists the dossiers flagged unassigned: dondoc unassigned
// [--limit N]. The applicant's name is never shown.
func runUnassigned(ctx context.Context, a *app, args []string) error {
	fs := a.flags()
	limit := fs.Int("limit", 100, "list at most this many (0: all)")
	if done, err := parseFlags(a, fs, args, 0); done || err != nil {
		return err
	}
	if *limit < 0 {
		return usagef("--limit must not be negative")
	}
	s, err := openStore(ctx, a, false)
	if err != nil {
		return err
	}
	defer s.Close()
	ds, total, err := s.UnassignedDossiers(ctx, *limit)
	if err != nil {
		return err
	}
	if total == 0 {
		fmt.Fprintln(a.stdout, "Không có hồ sơ chưa phân công.")
		return nil
	}
	fmt.Fprintf(a.stdout, "%d hồ sơ chưa phân công:\n", total)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Mã hồ sơ\tĐơn vị\tCán bộ xử lý\tNgày tiếp nhận\tNgày hẹn trả\tTrạng thái")
	dash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Code, dash(d.UnitCode), dash(d.HandlerCode),
			d.ReceivedAt.In(a.cfg.Location).Format("02/01/2006"), d.DueAt.In(a.cfg.Location).Format("02/01/2006"), d.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if int64(len(ds)) < total {
		fmt.Fprintf(a.stdout, "… và %d hồ sơ khác (--limit 0 để xem tất cả)\n", total-int64(len(ds)))
	}
	return nil
}
