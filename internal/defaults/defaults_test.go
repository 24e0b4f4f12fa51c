package defaults

import (
	"testing"
	"time"
)

func TestPositive(t *testing.T) {
	for _, c := range []struct{ v, want time.Duration }{{0, time.Second}, {-1, time.Second}, {5, 5}} {
		v := c.v
		Positive(&v, time.Second)
		if v != c.want {
			t.Errorf("Positive(%v) = %v, want %v", c.v, v, c.want)
		}
	}
}
