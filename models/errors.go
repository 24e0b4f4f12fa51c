package models

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("không tìm thấy")

// FieldError says which field of a record is wrong and why, in words a user
// can act on. Field is the canonical field name (ma_ho_so, ngay_hen_tra...).
type FieldError struct {
	Field  string
	Value  string
	Reason string
}

func (e *FieldError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("%s: %q %s", e.Field, e.Value, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.Field, e.Reason)
}

// ValidationError gathers every FieldError of one record.
type ValidationError struct {
	Record string // e.g. "hồ sơ H001"
	Fields []*FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	if e.Record == "" {
		return strings.Join(parts, "; ")
	}
	return e.Record + ": " + strings.Join(parts, "; ")
}

// Unwrap lets errors.As find each FieldError.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Fields))
	for i, f := range e.Fields {
		out[i] = f
	}
	return out
}

// validator collects field errors.
type validator struct{ errs []*FieldError }

func (v *validator) add(field, value, reason string) {
	v.errs = append(v.errs, &FieldError{Field: field, Value: value, Reason: reason})
}

// required records field as missing when value is blank.
func (v *validator) required(field, value string) {
	if strings.TrimSpace(value) == "" {
		v.add(field, "", "is required")
	}
}

func (v *validator) err(record string) error {
	if len(v.errs) == 0 {
		return nil
	}
	return &ValidationError{Record: record, Fields: v.errs}
}
