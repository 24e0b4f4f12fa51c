package bottest

import (
	"fmt"
	"testing"
	"time"
)

func TestWaitForSeesALaterWrite(t *testing.T) {
	var b Logs
	done := make(chan bool)
	go func() { done <- b.WaitFor("ready", time.Minute) }()
	fmt.Fprintln(&b, "starting")
	fmt.Fprintln(&b, "ready")
	if !<-done {
		t.Fatal("WaitFor missed the line")
	}
	if b.WaitFor("never", 0) {
		t.Error("WaitFor found a line never written")
	}
	if got := b.String(); got != "starting\nready\n" {
		t.Errorf("String() = %q", got)
	}
}
