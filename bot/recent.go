package bot

import "sync"

// Recent remembers the last n keys, so that an update delivered twice is
// handled once: the router keeps update ids, the Zalo adapter message ids
// when it has no shared state. It is safe for concurrent use.
type Recent struct {
	mu    sync.Mutex
	seen  map[string]struct{}
	order []string // a ring of the keys in seen, oldest at next
	next  int
}

// NewRecent returns a Recent remembering n keys.
func NewRecent(n int) *Recent {
	return &Recent{seen: map[string]struct{}{}, order: make([]string, n)}
}

// Add records key and reports whether it is new; the empty key always is.
func (r *Recent) Add(key string) bool {
	if key == "" {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.seen[key]; dup {
		return false
	}
	if old := r.order[r.next]; old != "" {
		delete(r.seen, old)
	}
	r.order[r.next] = key
	r.next = (r.next + 1) % len(r.order)
	r.seen[key] = struct{}{}
	return true
}

// Len is how many keys are remembered now.
func (r *Recent) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}
