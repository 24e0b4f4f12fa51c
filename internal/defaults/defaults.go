// Package defaults fills the unset fields of a configuration.
package defaults

import "cmp"

// Positive sets *v to d when *v is zero or negative: the "zero value gets
// the default" rule of the adapters' and the importer's settings.
func Positive[T cmp.Ordered](v *T, d T) {
	var zero T
	if *v <= zero {
		*v = d
	}
}
