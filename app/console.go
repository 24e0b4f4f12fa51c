package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/bot/console"
	"github.com/dondoc/dondoc/bot/zalo"
	"github.com/dondoc/dondoc/store"
)

// runConsole reads commands from stdin as the officer --as (in a group
// bound to --group when given) and prints the bot's replies.
func runConsole(ctx context.Context, a *app, args []string) error {
	fs := a.flags()
	fs.SetOutput(a.stderr)
	as := fs.String("as", "", "mã cán bộ mà bạn đóng vai")
	group := fs.String("group", "", "mã đơn vị: gõ lệnh như trong nhóm chat gắn với đơn vị này")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if *as == "" || fs.NArg() > 0 {
		return usagef("cách dùng: dondoc console --as <mã cán bộ> [--group <mã đơn vị>]")
	}
	st, err := openStore(ctx, a, false)
	if err != nil {
		return err
	}
	defer st.Close()
	return chatConsole(ctx, a, st, *as, *group)
}

// chatConsole runs the console as officer code, in a group of unit group
// when not "".
func chatConsole(ctx context.Context, a *app, st *store.Store, officer, group string) error {
	o, err := findOfficer(ctx, st, officer)
	if err != nil {
		return err
	}
	cd := st.ChatDirectory(time.Minute)
	dir := &fixedDirectory{ChatDirectory: cd, person: personOf(o)}
	if group != "" {
		u, err := findUnit(ctx, st, group)
		if err != nil {
			return err
		}
		dir.group = &bot.GroupBinding{UnitCode: u.Code, UnitName: u.Name}
	}
	r, err := chatRouter(ctx, a, st, cd, dir, "", nil)
	if err != nil {
		return err
	}
	// The console shows the replies as Zalo does, the channel officials use.
	zr := zalo.NewRenderer(a.clock().Now)
	opt := console.Options{UserID: "console", UserName: o.Name, Group: group != "", Render: zr.Render, Translate: zr.Translate}
	if isTerminal(a.stdin) {
		where := "chat riêng với bot"
		if dir.group != nil {
			where = "nhóm của " + dir.group.UnitName
		}
		fmt.Fprintf(a.stdout, "Bạn đang là %s (%s, %s) trong %s.\n"+
			"Bot trả lời như trên Zalo: chữ thường, mỗi tin tối đa 2.000 ký tự, chuyển trang bằng cách gõ, ví dụ /quahan 2.\n"+
			"Gõ lệnh, ví dụ /quahan, quá hạn, /sapden, /trogiup; Ctrl+D để thoát.\n\n",
			o.Name, o.Role.Label(), o.UnitCode, where)
		opt.Prompt = "> "
	}
	return console.Run(ctx, r, a.stdin, a.stdout, opt)
}

// isTerminal reports whether r is an interactive terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
