package ingest

import (
	"testing"

	"github.com/dondoc/dondoc/config"
)

// The configuration's limits convert to Limits, and their defaults agree.
func TestConfigLimits(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if got := Limits(cfg.IngestLimits); got != DefaultLimits {
		t.Errorf("config defaults %+v, ingest defaults %+v", got, DefaultLimits)
	}
	cfg, err = config.Load(func(k string) string {
		return map[string]string{"INGEST_MAX_ROWS": "10", "INGEST_MAX_TEXT_CHARS": "300"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	if l := Limits(cfg.IngestLimits); l.MaxRows != 10 || l.MaxTextChars != 300 {
		t.Errorf("limits %+v", l)
	}
}
