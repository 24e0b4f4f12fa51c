package notifytest

import (
	"testing"
	"time"

	"github.com/dondoc/dondoc/notify"
)

func TestMemOutbox(t *testing.T) {
	RunOutboxTests(t, func(t *testing.T, now func() time.Time) notify.Outbox { return notify.NewMemOutbox(now) })
}
