package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/bot/telegram"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

// runLink creates a one-time link code: dondoc link <officer code>, or
// dondoc link --unit <unit code> for a group. With TELEGRAM_BOT_TOKEN set
// it prints the deep link https://t.me/<bot>?start=<code>.
func runLink(ctx context.Context, a *app, args []string) error {
	fs := a.flags()
	fs.SetOutput(a.stderr)
	unit := fs.String("unit", "", "mã đơn vị: tạo mã gắn một nhóm chat với đơn vị này")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	req := store.LinkCodeRequest{Kind: store.LinkOfficer, CreatedBy: "cli", Now: a.clock().Now()}
	switch {
	case *unit != "" && fs.NArg() == 0:
		req.Kind, req.UnitCode = store.LinkGroup, *unit
	case *unit == "" && fs.NArg() == 1:
		req.OfficerCode = fs.Arg(0)
	default:
		return usagef("cách dùng: dondoc link <mã cán bộ> | dondoc link --unit <mã đơn vị>")
	}
	st, err := openStore(ctx, a, false)
	if err != nil {
		return err
	}
	defer st.Close()
	var name string
	if req.Kind == store.LinkGroup {
		u, err := findUnit(ctx, st, req.UnitCode)
		if err != nil {
			return err
		}
		name = u.Name
	} else {
		o, err := findOfficer(ctx, st, req.OfficerCode)
		if err != nil {
			return err
		}
		name = o.Name
	}
	username := ""
	if a.cfg.TelegramToken != "" && req.Kind == store.LinkOfficer {
		tg, err := telegram.New(ctx, telegram.Config{Token: a.cfg.TelegramToken, Endpoint: a.cfg.TelegramAPIEndpoint, Logger: a.log})
		if err != nil {
			return err
		}
		username = tg.Username()
	}
	code, err := st.CreateLinkCode(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, handlers.LinkCodeText(false, req, name, code, username))
	return nil
}

// findUnit returns the unit with code; an unknown code fails the command
// with status 1 and says so.
func findUnit(ctx context.Context, st *store.Store, code string) (models.Unit, error) {
	u, err := st.Unit(ctx, code)
	if errors.Is(err, models.ErrNotFound) {
		return u, &exitError{code: 1, err: fmt.Errorf("không có đơn vị mã %q", code)}
	}
	return u, err
}

// findOfficer returns the officer with code; an unknown code fails the
// command with status 1 and says so.
func findOfficer(ctx context.Context, st *store.Store, code string) (models.Officer, error) {
	o, err := st.Officer(ctx, code)
	if errors.Is(err, models.ErrNotFound) {
		return o, &exitError{code: 1, err: fmt.Errorf("không có cán bộ mã %q", code)}
	}
	return o, err
}
