// Package sample generates a realistic, deterministic Vietnamese
// administration — units, officers, procedures, dossiers and their steps —
// for demos, tests and benchmarks: a province of 2026 with the two-level
// local government ("UBND tỉnh Phú Lâm", a few Sở and ten communes and
// wards) by default, the full province of a million dossiers with a size
// flag. The old district and communes ended on 30/6/2025 (and the Sở
// merged on 1/3/2025) are kept as history with their successors and
// their dossiers. Everything is fictional; applicant names are fake.
//
// The same Config (seed included) always yields the same data. Generation
// streams: a province of 1M dossiers never sits in memory.
package sample

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/dondoc/dondoc/models"
)

// Config sets what Generate produces. Only Now is required.
type Config struct {
	Seed     int64
	Now      time.Time // the demo's "now": history ends here, open dossiers are judged here
	Months   int       // months of history before Now (default 4)
	Dossiers int       // total dossiers (default 3000, a district)
	// Officers is the target head count; the basic roster of every unit is
	// the minimum (0: the basic roster only, ~130 for a district).
	Officers int
	// Units is the number of commune-level units of 2026 (xã, phường,
	// đặc khu), not counting the old communes ended on 30/6/2025. Default
	// 10, or 100 when Dossiers ≥ 100 000. Up to 15 makes a province slice
	// with a few Sở; more, the province with every Sở. Each block of 10
	// communes had an old district whose 12 communes merged into its
	// first four.
	Units int
	// StepTiming gives the steps realistic timing (see timing.go): their
	// durations depend on procedure, unit, officer and queue, and lateness
	// follows from them instead of being drawn at random. Off by default
	// so that existing samples (and the golden files made from them) stay.
	StepTiming bool
	Location   *time.Location   // default: Calendar's, else Asia/Ho_Chi_Minh
	Calendar   *models.Calendar // default: models.NewCalendar with Location
}

// Sink receives the generated records in this order: every unit (a parent
// before its children), every officer, every procedure some unit settles,
// then each dossier
// followed at once by its steps (in step order). The *Dossier passed to
// Dossier, and its Supplements slice, are reused after the call returns:
// copy what you keep. A Sink error stops the generation and is returned.
type Sink interface {
	Unit(models.Unit) error
	Officer(models.Officer) error
	Procedure(models.Procedure) error
	Dossier(*models.Dossier) error
	Step(models.Step) error
}

// Data is a whole generated sample held in memory (small demos only).
type Data struct {
	Units      []models.Unit
	Officers   []models.Officer
	Procedures []models.Procedure
	Dossiers   []models.Dossier
	Steps      []models.Step
}

// Unit implements Sink.
func (d *Data) Unit(u models.Unit) error { d.Units = append(d.Units, u); return nil }

// Officer implements Sink.
func (d *Data) Officer(o models.Officer) error { d.Officers = append(d.Officers, o); return nil }

// Procedure implements Sink.
func (d *Data) Procedure(p models.Procedure) error {
	d.Procedures = append(d.Procedures, p)
	return nil
}

// Dossier implements Sink; it copies the dossier and its supplements.
func (d *Data) Dossier(x *models.Dossier) error {
	c := *x
	c.Supplements = append([]models.Interval(nil), x.Supplements...)
	d.Dossiers = append(d.Dossiers, c)
	return nil
}

// Step implements Sink.
func (d *Data) Step(s models.Step) error { d.Steps = append(d.Steps, s); return nil }

// DistrictSeed is the seed District uses.
const DistrictSeed = 20250701

// District returns the default sample — the province slice of 2026 (seed
// DistrictSeed, 4 months and the months before the 2025 reform, 3000
// dossiers) — in memory. cal may be nil (the default calendar). The name
// is kept for the callers of the district sample it replaced.
func District(now time.Time, cal *models.Calendar) (*Data, error) {
	d := &Data{}
	if err := Generate(Config{Seed: DistrictSeed, Now: now, Calendar: cal}, d); err != nil {
		return nil, err
	}
	return d, nil
}

// The demo (dondoc demo): the district over DemoMonths with realistic step
// timing, so that dondoc risk eval can be run on its last six months after
// three months to learn from. District stays as it was (4 months, timing
// off) for the golden files made from it.
const (
	DemoMonths   = 9
	DemoDossiers = 6750 // the district's ~750 a month
)

// DemoConfig is the configuration of the demo district at now.
func DemoConfig(now time.Time, cal *models.Calendar) Config {
	return Config{Seed: DistrictSeed, Now: now, Calendar: cal, Months: DemoMonths, Dossiers: DemoDossiers, StepTiming: true}
}

// Demo returns the demo district (DemoConfig) in memory.
func Demo(now time.Time, cal *models.Calendar) (*Data, error) {
	d := &Data{}
	if err := Generate(DemoConfig(now, cal), d); err != nil {
		return nil, err
	}
	return d, nil
}

// Defaults.
const (
	DefaultMonths         = 4
	DefaultDossiers       = 3000
	DefaultCommunes       = 10
	DefaultProvinceCommun = 100
	provinceThreshold     = 100_000 // dossiers from which the default is a province
	communesPerDistrict   = 10      // new communes per old district
	mergedPerDistrict     = 4       // of them, mergers of three old communes each
)

// withDefaults fills the zero fields and checks the others.
func (cfg Config) withDefaults() (Config, error) {
	var errs []error
	if cfg.Now.IsZero() {
		errs = append(errs, errors.New("sample: Now is required"))
	}
	if cfg.Months < 0 || cfg.Months > 120 {
		errs = append(errs, fmt.Errorf("sample: Months %d is not between 0 and 120", cfg.Months))
	}
	if cfg.Dossiers < 0 {
		errs = append(errs, fmt.Errorf("sample: Dossiers %d is negative", cfg.Dossiers))
	}
	if cfg.Officers < 0 {
		errs = append(errs, fmt.Errorf("sample: Officers %d is negative", cfg.Officers))
	}
	if cfg.Units < 0 || cfg.Units > 5000 {
		errs = append(errs, fmt.Errorf("sample: Units %d is not between 0 and 5000", cfg.Units))
	}
	if len(errs) > 0 {
		return cfg, errors.Join(errs...)
	}
	if cfg.Months == 0 {
		cfg.Months = DefaultMonths
	}
	if cfg.Dossiers == 0 {
		cfg.Dossiers = DefaultDossiers
	}
	if cfg.Units == 0 {
		cfg.Units = DefaultCommunes
		if cfg.Dossiers >= provinceThreshold {
			cfg.Units = DefaultProvinceCommun
		}
	}
	if cfg.Location == nil {
		if cfg.Calendar != nil {
			cfg.Location = cfg.Calendar.Location()
		} else {
			cfg.Location = models.DefaultLocation()
		}
	}
	if cfg.Calendar == nil {
		cfg.Calendar = models.NewCalendar(models.CalendarConfig{Location: cfg.Location})
	}
	return cfg, nil
}

// newRand returns the generator's random source: PCG seeded from seed,
// never the global source.
func newRand(seed int64) *rand.Rand {
	s := uint64(seed)
	return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))
}

// Generate produces the sample described by cfg into out, streaming (see
// Sink for the order). It fails on a bad Config or the first Sink error.
func Generate(cfg Config, out Sink) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	r := newRand(cfg.Seed)
	o := buildOrg(cfg, r)
	for i := range o.units {
		if err := out.Unit(o.units[i].Unit); err != nil {
			return fmt.Errorf("sample: unit %s: %w", o.units[i].Code, err)
		}
	}
	for i := range o.officers {
		if err := out.Officer(o.officers[i].Officer); err != nil {
			return fmt.Errorf("sample: officer %s: %w", o.officers[i].Code, err)
		}
	}
	used := make([]bool, len(procedures))
	for i := range o.units {
		for _, pi := range o.units[i].procs {
			used[pi] = true
		}
	}
	for i := range procedures {
		p := &procedures[i]
		if !used[i] {
			continue
		}
		if err := out.Procedure(models.Procedure{Code: p.code, Name: p.name, Field: p.field, LimitDays: p.limit}); err != nil {
			return fmt.Errorf("sample: procedure %s: %w", p.code, err)
		}
	}
	g := newDossierGen(cfg, r, o)
	for i := 0; i < cfg.Dossiers; i++ {
		if err := g.dossier(i, out); err != nil {
			return err
		}
	}
	return nil
}
