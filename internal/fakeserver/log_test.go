package fakeserver

import (
	"strings"
	"testing"
	"time"
)

type send struct{ method, text string }

func (s send) APIMethod() string { return s.method }

func TestLogRecordsCallsAndQueuedFaults(t *testing.T) {
	var g Guard
	l := NewLog[send](&g, "fake")
	l.FailNext("sendMessage", 2, BadGateway())
	g.Lock()
	l.Count("sendMessage")
	first, second, third := l.NextFault("sendMessage"), l.NextFault("sendMessage"), l.NextFault("sendMessage")
	g.Unlock()
	if first == nil || second == nil || third != nil || first.Status != second.Status {
		t.Fatalf("faults %v %v %v; want two bad gateways, then none", first, second, third)
	}
	l.Record(send{"sendMessage", "a"})
	l.Record(send{"sendPhoto", "b"})
	if got, err := l.WaitSent(time.Second, "sendPhoto", 1); err != nil || len(got) != 1 || got[0].text != "b" {
		t.Fatalf("WaitSent = %v, %v", got, err)
	}
	if n := l.Calls("sendMessage"); n != 1 || len(l.Sent()) != 2 {
		t.Fatalf("calls %d, sent %v", n, l.Sent())
	}
	if _, err := l.WaitSent(10*time.Millisecond, "sendMessage", 2); err == nil || !strings.HasPrefix(err.Error(), "fake: 1 sendMessage calls") {
		t.Fatalf("WaitSent for more than sent: %v", err)
	}
}
