package store

import (
	"context"
	"errors"
	"sync"
	"time"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

// FiguresTx runs fn with the settings of the figures' query (figuresTx),
// for benchmarks that time queries as the report runs them.
func (s *Store) FiguresTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.figuresTx(ctx, fn)
}

// SetEachBatch sets EachDossier's batch size for a test and returns a
// function restoring it.
func SetEachBatch(n int) (restore func()) {
	old := eachBatch
	eachBatch = n
	return func() { eachBatch = old }
}

// SetRules changes the rules of s as if it had been opened WithRules(clock,
// loc), for a test of EnsureFacts.
func SetRules(s *Store, clock models.SupplementClock, loc *time.Location) { WithRules(clock, loc)(s) }

// FiguresRowForTest, EncodeFiguresForTest and DecodeFiguresForTest expose
// the kept figures' payload format to the tests.
type FiguresRowForTest = figuresRow

var (
	EncodeFiguresForTest = encodeFigures
	DecodeFiguresForTest = decodeFigures
)

// SetExcess changes the excess rule of s as WithExcess would, for a test of
// EnsureFacts.
func SetExcess(s *Store, e models.ExcessRule) { WithExcess(e)(s) }

// FiguresSQLForTest exposes MonthFigures' statement to the partition
// benchmark, which runs it on a partitioned copy of the facts.
var FiguresSQLForTest = figuresSQL

// AfterStoredRead runs fn (once) between an import's read of the stored
// versions of the rows it replaces and its writes, for a test of a writer
// changing a dossier in between; it returns a function removing it.
func AfterStoredRead(fn func()) (remove func()) {
	afterStoredRead = func() {
		afterStoredRead = nil
		fn()
	}
	return func() { afterStoredRead = nil }
}

// HoldEarlyScans holds the scans import sessions begin with until release
// is called, for a test of the batches written before the scan is there.
func HoldEarlyScans() (release func()) {
	gate := make(chan struct{})
	earlyScanGate = gate
	var once sync.Once
	return func() {
		once.Do(func() {
			earlyScanGate = nil
			close(gate)
		})
	}
}

// WaitEarlyScan waits for the scan im began with, if one runs.
func WaitEarlyScan(im *Import) {
	if im.pg != nil && im.pg.scan != nil {
		<-im.pg.scan.done
	}
}

// ImportCommitSettings begins a Postgres import session on s and returns
// synchronous_commit as a batch's transaction sees it and as the session's
// connection sees it once that batch committed, and whether the session's
// end waits for the disk (see pgImport.durable); then ends the session.
func ImportCommitSettings(ctx context.Context, s *Store) (inBatch, after string, waits bool, err error) {
	p, err := s.beginPgImport(ctx, false, 0, nil)
	if err != nil {
		return "", "", false, err
	}
	tx, err := p.batchTx(ctx)
	if err == nil {
		err = tx.QueryRow(ctx, "SHOW synchronous_commit").Scan(&inBatch)
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err == nil {
		err = p.pgc.QueryRow(ctx, "SHOW synchronous_commit").Scan(&after)
	}
	waits = p.async
	return inBatch, after, waits, errors.Join(err, p.end(ctx, err == nil))
}
