package app

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows how an import goes: a progress bar on a terminal (after
// the first second), plain log lines every few seconds otherwise. The ETA
// comes from the bytes read out of the file's size.
type progress struct {
	a       *app
	name    string
	tty     bool
	total   int64 // file size; 0 unknown
	read    atomic.Int64
	start   time.Time
	lastLog time.Time
	bar     *progressbar.ProgressBar
	rows    int
}

// progressLogEvery is the interval of the plain log lines.
const progressLogEvery = 5 * time.Second

func newProgress(a *app, name string) *progress {
	p := &progress{a: a, name: name, start: a.wall().Now()}
	p.lastLog = p.start
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
	}
	return p
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// wrap counts the bytes read from r.
func (p *progress) wrap(r io.Reader) io.Reader { return countingReader{r: r, n: &p.read} }

// update is called after each batch read, with the rows read so far.
func (p *progress) update(rows int) {
	p.rows = rows
	now := p.a.wall().Now()
	el := now.Sub(p.start)
	if el < time.Second {
		return
	}
	rate := float64(rows) / el.Seconds()
	if p.tty {
		if p.bar == nil {
			max := p.total
			if max <= 0 {
				max = -1
			}
			p.bar = progressbar.NewOptions64(max,
				progressbar.OptionSetWriter(p.a.stderr),
				progressbar.OptionShowBytes(true),
				progressbar.OptionSetPredictTime(true),
				progressbar.OptionSetWidth(30),
				progressbar.OptionClearOnFinish(),
			)
		}
		p.bar.Describe(fmt.Sprintf("%s: %d dòng, %.0f dòng/s", p.name, rows, rate))
		_ = p.bar.Set64(p.read.Load()) // renders (update runs once a batch)
		return
	}
	if now.Sub(p.lastLog) < progressLogEvery {
		return
	}
	p.lastLog = now
	attrs := []any{"file", p.name, "rows", rows, "rows_per_s", int(rate)}
	if read := p.read.Load(); p.total > 0 && read > 0 {
		frac := float64(read) / float64(p.total)
		eta := time.Duration(float64(el) * (1 - frac) / frac)
		attrs = append(attrs, "percent", int(frac*100), "eta", eta.Round(time.Second).String())
	}
	p.a.log.Info("import progress", attrs...)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.a.stderr)
	}
	if el := p.a.wall().Since(p.start); el >= time.Second {
		p.a.log.Info("import read", "file", p.name, "rows", p.rows, "elapsed", el.Round(time.Millisecond).String(),
			"rows_per_s", int(float64(p.rows)/el.Seconds()))
	}
}
