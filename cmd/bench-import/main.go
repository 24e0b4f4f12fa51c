// Command bench-import prepares the inputs of scripts/bench-import.sh:
//
//	bench-import typed dossiers.csv typed.csv     the dossiers as the dossiers table's columns (for psql \copy)
//	bench-import change dossiers.csv changed.csv P [field|due]
//	    a copy where P% of the rows changed: their field (Lĩnh vực, a label:
//	    the dossiers' facts stay as they were), or with due their due date
//	    (Ngày hẹn trả) a day later (their facts and their steps' change)
//
// It is a benchmark helper, not part of dondoc.
package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

func main() {
	if err := run(os.Args[1:], clockwork.NewRealClock()); err != nil {
		fmt.Fprintln(os.Stderr, "bench-import:", err)
		os.Exit(1)
	}
}

// run runs one subcommand; clock stamps the typed rows' updated_at.
func run(args []string, clock clockwork.Clock) error {
	switch {
	case len(args) == 3 && args[0] == "typed":
		return typed(args[1], args[2], clock)
	case (len(args) == 4 || len(args) == 5) && args[0] == "change":
		p, err := strconv.Atoi(args[3])
		if err != nil || p <= 0 || p > 100 {
			return fmt.Errorf("percent %q: expected 1–100", args[3])
		}
		what := "field"
		if len(args) == 5 {
			what = args[4]
		}
		if what != "field" && what != "due" {
			return fmt.Errorf("change %q: expected field or due", what)
		}
		return change(args[1], args[2], p, what == "due")
	}
	return errors.New("usage: bench-import typed IN OUT | change IN OUT PERCENT [field|due]")
}

// typed writes the dossiers in the dossiers table's column order (that of
// the import's staging table: every column but those added for other
// purposes, with their defaults), as
// Postgres CSV: text always quoted (so that empty is the empty string), absent instants empty
// (NULL), instants in RFC 3339 UTC.
func typed(in, out string, clock clockwork.Clock) error {
	r, err := ingest.Open(in, ingest.Options{Kind: ingest.KindDossiers})
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	q := func(s string) {
		w.WriteByte('"')
		w.WriteString(strings.ReplaceAll(s, `"`, `""`))
		w.WriteString(`",`)
	}
	ts := func(t time.Time) {
		if !t.IsZero() {
			w.WriteString(t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
		}
		w.WriteByte(',')
	}
	now := clock.Now()
	rules := &models.Rules{Cal: models.NewCalendar(models.CalendarConfig{Location: models.DefaultLocation()}), Clock: models.ClockPause}
	for row, err := range r.Rows() {
		if err != nil {
			return err
		}
		if !row.OK() {
			continue
		}
		d := row.Record.(*models.Dossier)
		for _, s := range []string{d.Code, d.ProcedureCode, d.ProcedureName, d.Field, d.UnitCode, d.HandlerCode} {
			q(models.NFC(s))
		}
		for _, t := range []time.Time{d.ReceivedAt, d.DueAt, d.FinishedAt, d.SystemFinishedAt, d.ReturnedAt} {
			ts(t)
		}
		w.WriteString(strconv.Itoa(int(d.Status)))
		w.WriteByte(',')
		q(string(d.Channel))
		w.WriteString(strconv.Itoa(d.SupplementCount))
		w.WriteByte(',')
		var req, done time.Time
		if len(d.Supplements) > 0 {
			req, done = d.Supplements[0].Start, d.Supplements[0].End
		}
		ts(req)
		ts(done)
		q(models.NFC(d.ApplicantName))
		w.WriteString("false,")
		q(store.DossierHash(d))
		w.WriteString(now.UTC().Format(time.RFC3339Nano))
		w.WriteByte(',')
		ts(d.OriginalDueAt)
		ts(d.ExtendedDueAt)
		w.WriteString(strconv.Itoa(d.ExtensionCount))
		w.WriteByte(',')
		w.WriteString(rules.Deadline(d).UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano))
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// change copies the export, changing one row in 100/percent: its field
// (Lĩnh vực, the fourth column), or with due its due date (Ngày hẹn trả,
// the eighth) a day later.
func change(in, out string, percent int, due bool) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	cr := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	bw := bufio.NewWriterSize(o, 1<<20)
	cw := csv.NewWriter(bw)
	every := 100 / percent
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch {
		case i == 0 || i%every != 0 || len(rec) <= 7:
		case due:
			if t, err := time.Parse("02/01/2006 15:04:05", rec[7]); err == nil {
				rec[7] = t.AddDate(0, 0, 1).Format("02/01/2006 15:04:05")
			}
		default:
			rec[3] += " (sửa)"
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return o.Close()
}
