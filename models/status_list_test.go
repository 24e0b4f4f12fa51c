package models

import "testing"

func TestStatusList(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   func(Status) bool
		want string
	}{
		{"running", Status.IsRunning, "1, 2, 4"},
		{"paused", Status.IsPaused, "5, 6"},
		{"open", Status.IsOpen, "1, 2, 4, 5, 6"},
		{"ended without result", Status.IsEndedWithoutResult, "3, 7, 8"},
		{"finished", Status.IsFinished, "9, 10"},
		{"closed", Status.IsClosed, "3, 7, 8, 9, 10"},
		{"none", func(Status) bool { return false }, ""},
	} {
		if got := StatusList(tc.in); got != tc.want {
			t.Errorf("StatusList(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
	// Every valid status is open or closed, never both.
	for s := minStatus; s <= maxStatus; s++ {
		if s.IsOpen() == s.IsClosed() {
			t.Errorf("status %d: IsOpen = %v, IsClosed = %v", s, s.IsOpen(), s.IsClosed())
		}
	}
}
