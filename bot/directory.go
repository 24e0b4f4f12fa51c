package bot

import (
	"context"
	"sync"

	"github.com/dondoc/dondoc/models"
)

// ErrNotFound is what a Directory returns for an unknown account or group.
// It is models.ErrNotFound, so that the store can return it without
// knowing the bot.
var ErrNotFound = models.ErrNotFound

// Person is someone the bot knows through a linked chat account.
type Person = models.Person

// GroupBinding is the unit a group chat is bound to.
type GroupBinding = models.GroupBinding

// Directory answers who is who; the store implements it. Account and Group
// return ErrNotFound (possibly wrapped) for unlinked accounts and unbound
// groups.
type Directory interface {
	Account(ctx context.Context, platform, userID string) (Person, error)
	Group(ctx context.Context, platform, chatID string) (GroupBinding, error)
	InScope(ctx context.Context, p Person, unitCode string) (bool, error)
}

// MemDirectory is an in-memory Directory for tests and the console. Scope:
// secretariat and admin see every unit; others see their unit and the units
// listed in Children under it (transitively).
type MemDirectory struct {
	mu       sync.Mutex
	Accounts map[string]Person       // key platform+":"+userID
	Groups   map[string]GroupBinding // key platform+":"+chatID
	Children map[string][]string     // unit → child units
}

// NewMemDirectory returns an empty MemDirectory.
func NewMemDirectory() *MemDirectory {
	return &MemDirectory{Accounts: map[string]Person{}, Groups: map[string]GroupBinding{}, Children: map[string][]string{}}
}

// Link links an account to a person.
func (d *MemDirectory) Link(platform, userID string, p Person) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.Accounts[platform+":"+userID] = p
}

// Bind binds a group chat to a unit.
func (d *MemDirectory) Bind(platform, chatID string, g GroupBinding) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.Groups[platform+":"+chatID] = g
}

// Account implements Directory.
func (d *MemDirectory) Account(_ context.Context, platform, userID string) (Person, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	p, ok := d.Accounts[platform+":"+userID]
	if !ok {
		return Person{}, ErrNotFound
	}
	return p, nil
}

// Group implements Directory.
func (d *MemDirectory) Group(_ context.Context, platform, chatID string) (GroupBinding, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.Groups[platform+":"+chatID]
	if !ok {
		return GroupBinding{}, ErrNotFound
	}
	return g, nil
}

// InScope implements Directory.
func (d *MemDirectory) InScope(_ context.Context, p Person, unitCode string) (bool, error) {
	if p.Role.SeesAll() {
		return true, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	seen := map[string]bool{}
	queue := []string{p.UnitCode}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if u == unitCode {
			return true, nil
		}
		if seen[u] {
			continue
		}
		seen[u] = true
		queue = append(queue, d.Children[u]...)
	}
	return false, nil
}
