package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/dondoc/dondoc/models"
)

// rowModel is a table row that converts to its domain type.
type rowModel[R, M any] interface {
	*R
	model() M
}

// takeByCode reads the row whose code is code (NFC-normalised); a missing
// row is models.ErrNotFound. what names the row in errors.
func takeByCode[R any](ctx context.Context, db *gorm.DB, what, code string) (R, error) {
	var r R
	err := db.WithContext(ctx).Where("code = ?", models.NFC(code)).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, fmt.Errorf("store: %s %q: %w", what, code, models.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: %s %q: %w", what, code, err)
	}
	return r, nil
}

// allByCode reads every row of R's table, by code, as domain values. what
// names the table in errors.
func allByCode[R, M any, P rowModel[R, M]](ctx context.Context, db *gorm.DB, what string) ([]M, error) {
	var rows []R
	if err := db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	out := make([]M, len(rows))
	for i := range rows {
		out[i] = P(&rows[i]).model()
	}
	return out, nil
}
