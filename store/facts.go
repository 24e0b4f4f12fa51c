package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

// Per-dossier facts (migration 0005): models.Rules.FactsOf and StepFactsOf
// computed once per dossier on every write path — the import session's
// WriteDossiers (both dialects), WriteSupplementWaits and WriteSteps, which
// the file imports, the chat import and the ingest API all go through —
// and kept in dossier_facts, dossier_fact_waits and step_facts. A period's
// figures are then one GROUP BY of instant comparisons over them
// (figures.go). The rules they were computed with (SUPPLEMENT_CLOCK and the
// time zone of early vs on time) are kept in facts_meta; EnsureFacts
// recomputes every dossier's facts when they differ.

// FactsVersion names the way facts are computed; a change recomputes them.
const factsVersion = "1"

// WithRules sets the rules the store computes the dossiers' facts and
// effective deadlines with: clock is SUPPLEMENT_CLOCK, loc the local time
// of early vs on time. The default is pause in models.DefaultLocation().
func WithRules(clock models.SupplementClock, loc *time.Location) Option {
	return func(s *Store) {
		if clock == "" {
			clock = models.ClockPause
		}
		if loc == nil {
			loc = models.DefaultLocation()
		}
		s.rules = &models.Rules{Cal: models.NewCalendar(models.CalendarConfig{Location: loc}), Clock: clock}
	}
}

// WithExcess sets the reach of the 766 excess-supplement rule the facts
// are computed with (SUPPLEMENT_EXCESS); apply it after WithRules.
func WithExcess(e models.ExcessRule) Option {
	return func(s *Store) {
		if s.rules == nil {
			s.rules = defaultFactsRules()
		}
		r := *s.rules
		r.Excess = e
		s.rules = &r
	}
}

// FactsRules returns the rules the store's facts follow.
func (s *Store) FactsRules() *models.Rules { return s.rules }

func defaultFactsRules() *models.Rules {
	return &models.Rules{Cal: models.NewCalendar(models.CalendarConfig{Location: models.DefaultLocation()}), Clock: models.ClockPause}
}

// factsKey is what facts_meta must hold for the stored facts to be current.
func (s *Store) factsKey() string {
	k := "v" + factsVersion + " clock=" + string(s.rules.Clock) + " tz=" + s.rules.Cal.Location().String()
	if s.rules.Excess == models.ExcessWaiting { // the default keeps the key facts were computed under before the switch
		k += " excess=" + string(s.rules.Excess)
	}
	return k
}

// instant is an instant stored as it is: the zero time ("always") is
// 0001-01-01, never NULL, so that the figures' predicates are plain
// comparisons (see models.Facts).
type instant time.Time

// Value implements driver.Valuer.
func (t instant) Value() (driver.Value, error) {
	return time.Time(t).UTC().Truncate(time.Microsecond), nil
}

// Scan implements sql.Scanner.
func (t *instant) Scan(src any) error {
	var ts tstamp
	if err := ts.Scan(src); err != nil {
		return err
	}
	*t = instant(ts.time())
	return nil
}

type factsRow struct {
	Code            string `gorm:"primaryKey"`
	UnitCode        string
	HandlerCode     string
	Unassigned      bool
	InScope         bool
	ReceivedAt      tstamp
	Closed          bool
	StopAt          tstamp
	Class           string
	LateOnSystem    bool
	EndedOnTime     bool
	Closed766       bool `gorm:"column:closed_766"`
	ClosedExcess    bool
	Deadline        instant
	Deadline766     instant `gorm:"column:deadline_766"`
	SecondRequestAt instant
	Paused          bool
	PausedFrom      instant
	SecondExtension bool
	Waits           int
	Steps           int
}

func (factsRow) TableName() string { return "dossier_facts" }

type factWaitRow struct {
	Code    string `gorm:"primaryKey"`
	Seq     int    `gorm:"primaryKey"`
	StartAt instant
	EndAt   instant
}

func (factWaitRow) TableName() string { return "dossier_fact_waits" }

type stepFactRow struct {
	Code        string `gorm:"primaryKey"`
	Seq         int    `gorm:"primaryKey"`
	OfficerCode string
	StartAt     instant
	EndAt       tstamp
	Deadline    instant
	Last        bool
}

func (stepFactRow) TableName() string { return "step_facts" }

// stepFactRowOf is the row of dossier code's step facts s.
func stepFactRowOf(code string, s *models.StepFacts) stepFactRow {
	return stepFactRow{Code: code, Seq: s.Seq, OfficerCode: s.OfficerCode, StartAt: instant(s.Start),
		EndAt: tstamp(s.End), Deadline: instant(s.Deadline), Last: s.Last}
}

// factSet is the facts of some dossiers, ready to be written.
type factSet struct {
	codes []string
	rows  []factsRow
	waits []factWaitRow
	steps []stepFactRow
	// waitEnd[i] is the end in waits of the waits of rows[i].
	waitEnd []int
}

// subset returns the facts of the dossiers at indices idx of fs (whose
// steps, if any, are recomputed from steps by r: fs has none).
func (fs *factSet) subset(r *models.Rules, idx []int, stored []models.Dossier, steps map[string][]models.Step) *factSet {
	if len(idx) == len(fs.rows) && len(steps) == 0 {
		return fs
	}
	out := &factSet{}
	for _, i := range idx {
		row := fs.rows[i]
		start := 0
		if i > 0 {
			start = fs.waitEnd[i-1]
		}
		out.waits = append(out.waits, fs.waits[start:fs.waitEnd[i]]...)
		if st := steps[row.Code]; len(st) > 0 {
			sf := r.StepFactsOf(&stored[i], st)
			row.Steps = len(sf)
			for _, s := range sf {
				out.steps = append(out.steps, stepFactRowOf(row.Code, &s))
			}
		}
		out.codes = append(out.codes, row.Code)
		out.rows = append(out.rows, row)
		out.waitEnd = append(out.waitEnd, len(out.waits))
	}
	return out
}

// without returns fs without the facts rows and waits of the dossiers in
// codes (their step facts stay).
func (fs *factSet) without(codes map[string]bool) *factSet {
	out := &factSet{steps: fs.steps}
	start := 0
	for i, row := range fs.rows {
		end := fs.waitEnd[i]
		if !codes[row.Code] {
			out.codes = append(out.codes, row.Code)
			out.rows = append(out.rows, row)
			out.waits = append(out.waits, fs.waits[start:end]...)
			out.waitEnd = append(out.waitEnd, len(out.waits))
		}
		start = end
	}
	return out
}

// reset empties fs, keeping its arrays.
func (fs *factSet) reset() {
	fs.codes, fs.rows, fs.waits, fs.steps, fs.waitEnd = fs.codes[:0], fs.rows[:0], fs.waits[:0], fs.steps[:0], fs.waitEnd[:0]
}

// grow makes room for n more dossiers (and as many waits).
func (fs *factSet) grow(n int) {
	fs.codes = slices.Grow(fs.codes, n)
	fs.rows = slices.Grow(fs.rows, n)
	fs.waitEnd = slices.Grow(fs.waitEnd, n)
}

// add computes the facts of d (as stored) with its steps.
func (fs *factSet) add(r *models.Rules, d *models.Dossier, steps []models.Step, unassigned bool) {
	f := r.FactsOf(d)
	sf := r.StepFactsOf(d, steps)
	fs.codes = append(fs.codes, d.Code)
	fs.rows = append(fs.rows, factsRow{
		Code: d.Code, UnitCode: d.UnitCode, HandlerCode: d.HandlerCode, Unassigned: unassigned,
		InScope: f.InScope, ReceivedAt: tstamp(f.ReceivedAt), Closed: f.Closed, StopAt: tstamp(f.StopAt),
		Class: string(f.Class), LateOnSystem: f.LateOnSystem, EndedOnTime: f.EndedOnTime,
		Closed766: f.Closed766OnTime, ClosedExcess: f.ClosedExcess, Deadline: instant(f.Deadline),
		Deadline766: instant(f.Deadline766), SecondRequestAt: instant(f.SecondRequestAt), Paused: f.Paused,
		PausedFrom: instant(f.PausedFrom), SecondExtension: f.SecondExtension, Waits: len(f.Waits), Steps: len(sf),
	})
	for i, w := range f.Waits {
		fs.waits = append(fs.waits, factWaitRow{Code: d.Code, Seq: i + 1, StartAt: instant(w.Start), EndAt: instant(w.End)})
	}
	fs.waitEnd = append(fs.waitEnd, len(fs.waits))
	for _, s := range sf {
		fs.steps = append(fs.steps, stepFactRowOf(d.Code, &s))
	}
}

// writeFacts replaces the facts of fs.codes with fs, and the dossiers'
// effective deadline with the one in the facts, in tx.
func (s *Store) writeFacts(tx *gorm.DB, fs *factSet) error {
	return s.putFacts(tx, fs, fs.codes, true)
}

// factsRowsPerInsert bounds the rows of one insert of dossier_facts: the
// SQLite driver binds each statement's parameters in a time growing with
// their square: a first import of 100k dossiers took about 0.35 s more
// CPU with 47 rows (987 parameters) than with 16 (less with 16 in 6 of 7
// alternated pairs). On Postgres the import copies its facts.
const factsRowsPerInsert = 16

// putFacts deletes the facts of stale, inserts fs and, with deadline, sets
// the dossiers' effective deadline from them.
func (s *Store) putFacts(tx *gorm.DB, fs *factSet, stale []string, deadline bool) error {
	if len(fs.codes) == 0 && len(stale) == 0 {
		return nil
	}
	for _, chunk := range chunks(stale, s.maxParams()) {
		for _, t := range []string{"dossier_facts", "dossier_fact_waits", "step_facts"} {
			if err := tx.Exec("DELETE FROM "+t+" WHERE code IN ?", chunk).Error; err != nil {
				return fmt.Errorf("store: facts: %w", err)
			}
		}
	}
	if len(fs.rows) > 0 {
		if err := tx.CreateInBatches(fs.rows, min(s.batchSize(21), factsRowsPerInsert)).Error; err != nil {
			return fmt.Errorf("store: facts: %w", err)
		}
	}
	if len(fs.waits) > 0 {
		if err := tx.CreateInBatches(fs.waits, s.batchSize(4)).Error; err != nil {
			return fmt.Errorf("store: fact waits: %w", err)
		}
	}
	if len(fs.steps) > 0 {
		if err := tx.CreateInBatches(fs.steps, s.batchSize(7)).Error; err != nil {
			return fmt.Errorf("store: step facts: %w", err)
		}
	}
	if !deadline {
		return nil
	}
	for _, chunk := range chunks(fs.codes, s.maxParams()) {
		if err := tx.Exec("UPDATE dossiers SET deadline = (SELECT f.deadline FROM dossier_facts f WHERE f.code = dossiers.code) WHERE code IN ?",
			chunk).Error; err != nil {
			return fmt.Errorf("store: facts: deadline: %w", err)
		}
	}
	return nil
}

// writeBatchFacts writes the facts of the rows of b that were written
// (their places in b.rows: written), replacing those of the dossiers changed (codes
// changed, whose steps are read back). The rows carry their deadline.
func (s *Store) writeBatchFacts(tx *gorm.DB, b *DossierBatch, written []int, changed []string) error {
	steps := map[string][]models.Step{}
	for _, chunk := range chunks(changed, s.maxParams()) {
		var srows []stepRow
		if err := tx.Where("dossier_code IN ?", chunk).Order("dossier_code, seq").Find(&srows).Error; err != nil {
			return fmt.Errorf("store: facts: steps: %w", err)
		}
		for _, r := range srows {
			steps[r.DossierCode] = append(steps[r.DossierCode], r.model())
		}
	}
	// A place in b.rows is the same in b.stored and b.facts.
	return s.putFacts(tx, b.facts.subset(s.rules, written, b.stored, steps), changed, false)
}

// loadForFacts reads the dossiers with codes (as stored, every supplement
// wait) and their steps in tx.
func (s *Store) loadForFacts(tx *gorm.DB, codes []string) ([]dossierRow, []models.Dossier, map[string][]models.Step, error) {
	var rows []dossierRow
	steps := map[string][]models.Step{}
	for _, chunk := range chunks(codes, s.maxParams()) {
		var part []dossierRow
		if err := tx.Where("code IN ?", chunk).Omit("applicant_name").Find(&part).Error; err != nil {
			return nil, nil, nil, err
		}
		rows = append(rows, part...)
		var srows []stepRow
		if err := tx.Where("dossier_code IN ?", chunk).Order("dossier_code, seq").Find(&srows).Error; err != nil {
			return nil, nil, nil, err
		}
		for _, r := range srows {
			steps[r.DossierCode] = append(steps[r.DossierCode], r.model())
		}
	}
	ds := make([]models.Dossier, len(rows))
	idx := make(map[string]int, len(rows))
	for i := range rows {
		ds[i] = rows[i].model()
		idx[rows[i].Code] = i
	}
	for _, chunk := range chunks(codes, s.maxParams()) {
		var sups []supplementRow
		if err := tx.Where("dossier_code IN ?", chunk).Order("dossier_code, seq").Find(&sups).Error; err != nil {
			return nil, nil, nil, err
		}
		for _, sp := range sups {
			if i, ok := idx[sp.DossierCode]; ok {
				ds[i].Supplements = append(ds[i].Supplements, models.Interval{Start: sp.RequestedAt.time(), End: sp.DoneAt.time()})
			}
		}
	}
	return rows, ds, steps, nil
}

// refreshFacts recomputes the facts of the dossiers with codes from what
// tx holds.
func (s *Store) refreshFacts(tx *gorm.DB, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	rows, ds, steps, err := s.loadForFacts(tx, codes)
	if err != nil {
		return fmt.Errorf("store: facts: %w", err)
	}
	var fs factSet
	for i := range ds {
		fs.add(s.rules, &ds[i], steps[ds[i].Code], rows[i].Unassigned)
	}
	return s.writeFacts(tx, &fs)
}

// refreshStepFacts recomputes the step facts of the dossiers with codes
// (after their steps were written) and the dossiers' step count; the rest
// of their facts does not depend on steps.
func (s *Store) refreshStepFacts(tx *gorm.DB, codes []string) error {
	if len(codes) == 0 {
		return nil
	}
	_, ds, steps, err := s.loadForFacts(tx, codes)
	if err != nil {
		return fmt.Errorf("store: step facts: %w", err)
	}
	var rows []stepFactRow
	for i := range ds {
		for _, sf := range s.rules.StepFactsOf(&ds[i], steps[ds[i].Code]) {
			rows = append(rows, stepFactRowOf(ds[i].Code, &sf))
		}
	}
	for _, chunk := range chunks(codes, s.maxParams()) {
		if err := tx.Exec("DELETE FROM step_facts WHERE code IN ?", chunk).Error; err != nil {
			return fmt.Errorf("store: step facts: %w", err)
		}
	}
	if len(rows) > 0 {
		if err := tx.CreateInBatches(rows, s.batchSize(7)).Error; err != nil {
			return fmt.Errorf("store: step facts: %w", err)
		}
	}
	for _, chunk := range chunks(codes, s.maxParams()) {
		if err := tx.Exec("UPDATE dossier_facts SET steps = (SELECT COUNT(*) FROM step_facts x WHERE x.code = dossier_facts.code) WHERE code IN ?",
			chunk).Error; err != nil {
			return fmt.Errorf("store: step facts: %w", err)
		}
	}
	return nil
}

// factsBatch is how many dossiers RecomputeFacts handles per transaction.
const factsBatch = 2000

// RecomputeFacts recomputes every dossier's facts with the store's rules
// and records them as current. It returns how many dossiers it handled.
func (s *Store) RecomputeFacts(ctx context.Context) (int, error) {
	db := s.db.WithContext(ctx)
	// Facts of dossiers that no longer exist (none are deleted today).
	for _, t := range []string{"dossier_facts", "dossier_fact_waits", "step_facts"} {
		if err := db.Exec("DELETE FROM " + t + " WHERE code NOT IN (SELECT code FROM dossiers)").Error; err != nil {
			return 0, fmt.Errorf("store: recompute facts: %w", err)
		}
	}
	n, after := 0, ""
	for {
		var codes []string
		if err := db.Table("dossiers").Where("code > ?", after).Order("code").Limit(factsBatch).Pluck("code", &codes).Error; err != nil {
			return n, fmt.Errorf("store: recompute facts: %w", err)
		}
		if len(codes) == 0 {
			break
		}
		if err := db.Transaction(func(tx *gorm.DB) error { return s.refreshFacts(tx, codes) }); err != nil {
			return n, err
		}
		n += len(codes)
		after = codes[len(codes)-1]
	}
	return n, s.recordFactsRules(db)
}

// recordFactsRules records the store's rules as those of the facts.
func (s *Store) recordFactsRules(db *gorm.DB) error {
	err := db.Exec("DELETE FROM facts_meta WHERE key = 'rules'").Error
	if err == nil {
		err = db.Exec("INSERT INTO facts_meta (key, value) VALUES ('rules', ?)", s.factsKey()).Error
	}
	if err != nil {
		return fmt.Errorf("store: facts rules: %w", err)
	}
	return nil
}

// FactsCurrent reports whether the stored facts were computed with the
// store's rules.
func (s *Store) FactsCurrent(ctx context.Context) (bool, error) {
	var vals []string
	if err := s.db.WithContext(ctx).Table("facts_meta").Where("key = 'rules'").Pluck("value", &vals).Error; err != nil {
		return false, fmt.Errorf("store: facts: %w", err)
	}
	if len(vals) == 1 && vals[0] == s.factsKey() {
		return true, nil
	}
	// An empty database has nothing to recompute: its facts will follow
	// these rules.
	var n int64
	if err := s.db.WithContext(ctx).Table("dossiers").Count(&n).Error; err != nil {
		return false, fmt.Errorf("store: facts: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	return true, s.recordFactsRules(s.db.WithContext(ctx))
}

// EnsureFacts recomputes the facts when they were computed with other rules
// (SUPPLEMENT_CLOCK or the time zone changed, or a database migrated to
// 0005 with dossiers): call it after Migrate, before serving figures. It
// returns how many dossiers it recomputed (0 when current).
func (s *Store) EnsureFacts(ctx context.Context) (int, error) {
	ok, err := s.FactsCurrent(ctx)
	if err != nil || ok {
		return 0, err
	}
	if s.dialect == DialectPostgres {
		// Replicas starting together: one recomputes, the others wait for
		// it under the migration lock and then find the facts current.
		conn, err := s.sqlDB.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("store: facts: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			return 0, fmt.Errorf("store: facts: lock: %w", err)
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey); err != nil {
				s.log.Warn("store: facts: unlock", "err", err)
			}
		}()
		if ok, err := s.FactsCurrent(ctx); err != nil || ok {
			return 0, err
		}
	}
	n, err := s.RecomputeFacts(ctx)
	if err == nil && n > 0 {
		s.log.InfoContext(ctx, "store: facts recomputed", "dossiers", n, "rules", s.factsKey())
	}
	return n, err
}
