package notify_test

import (
	"context"
	"fmt"

	"github.com/dondoc/dondoc/notify"
)

type printChannel struct{}

func (printChannel) Platform() string { return "console" }
func (printChannel) Send(_ context.Context, m notify.Message) error {
	fmt.Printf("→ %s: %s\n", m.ChatID, m.Text)
	return nil
}

func ExampleDispatcher_Drain() {
	ctx := context.Background()
	out := notify.NewMemOutbox(nil)
	key := notify.Key("digest", "officer:42", "2026-11-27")
	e := notify.Entry{Key: key, Job: "digest", Recipient: "officer:42", Period: "2026-11-27",
		Message: notify.Message{Platform: "console", ChatID: "42", Text: "Bạn có 2 hồ sơ sắp đến hạn."}}
	for range 2 { // the job ran twice: the second enqueue adds nothing
		n, _ := out.Enqueue(ctx, []notify.Entry{e})
		fmt.Println("added", n)
	}
	d, err := notify.NewDispatcher(notify.DispatcherConfig{
		Outbox:   out,
		Channels: map[string]notify.Channel{"console": printChannel{}},
		Limits:   map[string]notify.Limits{"console": {}}, // unlimited
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := d.Drain(ctx); err != nil {
		fmt.Println(err)
	}
	got, _ := out.Get(key)
	fmt.Println(got.Status)
	// Output:
	// added 1
	// added 0
	// → 42: Bạn có 2 hồ sơ sắp đến hạn.
	// sent
}
