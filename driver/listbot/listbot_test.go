package listbot

import (
	"strings"
	"testing"
)

// TestBotLock: a second bot on the same DIR is refused while one runs.
func TestBotLock(t *testing.T) {
	out := t.TempDir()
	first := &Bot{Out: out}
	if err := first.load(); err != nil {
		t.Fatal(err)
	}
	second := &Bot{Out: out}
	if err := second.load(); err == nil || !strings.Contains(err.Error(), "another trampcheck bot is using it") {
		t.Errorf("second bot: got %v, want a refusal", err)
	}
	_ = first.lock.Close()
	third := &Bot{Out: out}
	if err := third.load(); err != nil {
		t.Errorf("after the first bot: got %v, want the lock free", err)
	}
	_ = third.lock.Close()
}
