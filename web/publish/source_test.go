package publish

import "github.com/dondoc/dondoc/store"

// The store is the pages' source.
var _ Source = (*store.Store)(nil)
