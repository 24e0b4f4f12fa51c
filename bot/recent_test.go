package bot

import "testing"

func TestRecentForgetsTheOldest(t *testing.T) {
	r := NewRecent(2)
	for _, c := range []struct {
		key  string
		want bool
	}{{"a", true}, {"a", false}, {"", true}, {"", true}, {"b", true}, {"c", true}, {"b", false}, {"a", true}} {
		if got := r.Add(c.key); got != c.want {
			t.Errorf("Add(%q) = %v, want %v", c.key, got, c.want)
		}
	}
	if r.Len() != 2 {
		t.Errorf("Len = %d, want 2", r.Len())
	}
}
