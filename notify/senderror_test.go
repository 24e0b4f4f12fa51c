package notify

import (
	"errors"
	"fmt"
	"testing"
)

func TestAsSendErrorFindsAClassifiedFailure(t *testing.T) {
	se := &SendError{Class: Permanent, Reason: "blocked"}
	if got, ok := AsSendError(fmt.Errorf("zalo: send: %w", se)); !ok || got != se {
		t.Fatalf("AsSendError(wrapped) = %v, %v; want the SendError", got, ok)
	}
	if got, ok := AsSendError(errors.New("connection reset")); ok || got != nil {
		t.Fatalf("AsSendError(plain) = %v, %v; want nothing", got, ok)
	}
}
