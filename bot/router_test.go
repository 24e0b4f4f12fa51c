package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// testPlatforms describe platforms like the adapters do (package bot
// cannot import them): Telegram-like HTML with captions, Zalo-like plain
// text of 2000 characters.
var testPlatforms = map[string]notify.Platform{
	"telegram": {Name: "telegram", Format: notify.FormatHTML, MaxText: 4096, MaxCaption: 1024, Files: true, Buttons: true, Groups: true},
	"zalo":     {Name: "zalo", Format: notify.FormatPlain, MaxText: 2000, Groups: true},
}

// recorder is a Responder that records replies and signals each one.
type recorder struct {
	mu       sync.Mutex
	replies  []Reply
	answered []string
	got      chan Reply
	platform notify.Platform // what Describe answers (zero: a plain platform of DefaultTextLimit)
}

func (r *recorder) Describe() notify.Platform { return r.platform }

func newRecorder() *recorder { return &recorder{got: make(chan Reply, 100)} }

func (r *recorder) Reply(_ context.Context, _ Update, rep Reply) error {
	r.mu.Lock()
	r.replies = append(r.replies, rep)
	r.mu.Unlock()
	r.got <- rep
	return nil
}

func (r *recorder) AnswerCallback(_ context.Context, to Update, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answered = append(r.answered, to.Callback.ID)
	return nil
}

func (r *recorder) all() []Reply {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Reply(nil), r.replies...)
}

// fixture: units UB (parent) ⊃ P1, P2; people of each role; group -100 bound
// to P1, group -200 unbound.
func fixture() *MemDirectory {
	d := NewMemDirectory()
	d.Children["UB"] = []string{"P1", "P2"}
	d.Link("t", "1", Person{OfficerCode: "CB1", Name: "Nguyễn Văn An", UnitCode: "P1", Role: models.RoleOfficer})
	d.Link("t", "2", Person{OfficerCode: "LD1", Name: "Trần Thị Bình", UnitCode: "P1", Role: models.RoleLeader})
	d.Link("t", "3", Person{OfficerCode: "LD2", Name: "Lê Văn Cường", UnitCode: "P2", Role: models.RoleLeader})
	d.Link("t", "4", Person{OfficerCode: "LD0", Name: "Phạm Thị Dung", UnitCode: "UB", Role: models.RoleLeader})
	d.Link("t", "5", Person{OfficerCode: "VP1", Name: "Hoàng Văn Em", UnitCode: "VP", Role: models.RoleSecretariat})
	d.Link("t", "6", Person{OfficerCode: "AD1", Name: "Quản Trị", UnitCode: "VP", Role: models.RoleAdmin})
	d.Bind("t", "-100", GroupBinding{UnitCode: "P1", UnitName: "Phòng Một"})
	return d
}

var userOfRole = map[Role]string{RoleUnlinked: "99", models.RoleOfficer: "1", models.RoleLeader: "2",
	models.RoleSecretariat: "5", models.RoleAdmin: "6"}

func newTestRouter(t *testing.T, cfg Config) (*Router, *recorder, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	if cfg.Directory == nil {
		cfg.Directory = fixture()
	}
	cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	if cfg.NewErrorID == nil {
		cfg.NewErrorID = func() string { return "e1f2a3b4" }
	}
	return NewRouter(cfg), newRecorder(), &logs
}

var nextID int64

func msg(user, chat, text string) Update {
	nextID++
	kind := ChatPrivate
	if strings.HasPrefix(chat, "-") {
		kind = ChatGroup
	}
	return Update{Platform: "t", Bot: "dondoc_bot", UpdateID: nextID, ChatID: chat, ChatType: kind, UserID: user, Text: text, MessageID: int(nextID)}
}

func TestStartAndHelpTexts(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{})
	for _, role := range Roles {
		u := userOfRole[role]
		r.Dispatch(context.Background(), msg(u, u, "/start"), rec)
		r.Dispatch(context.Background(), msg(u, u, "/trogiup"), rec)
		got := rec.all()
		if len(got) != 2 {
			t.Fatalf("%s: %d replies", role, len(got))
		}
		golden.Testdata(t, "start_"+string(role)+".golden", got[0].Text)
		golden.Testdata(t, "help_private_"+string(role)+".golden", got[1].Text)
		rec.replies = nil
	}
	r.Dispatch(context.Background(), msg("2", "-100", "/help@dondoc_bot"), rec)
	golden.Testdata(t, "help_group_leader.golden", rec.all()[0].Text)
}

func TestUnlinkedGetsOnlyTheExplanation(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{})
	called := false
	r.Handle("quahan", func(context.Context, *Request) (Reply, error) { called = true; return Reply{Text: "x"}, nil })
	for _, text := range []string{"/quahan", "/hoso", "/foo", "/guibaocao"} {
		r.Dispatch(context.Background(), msg("99", "99", text), rec)
	}
	if called {
		t.Error("handler ran for an unlinked account")
	}
	for _, rep := range rec.all() {
		if rep.Text != textUnlinked {
			t.Errorf("reply %q, want the explanation", rep.Text)
		}
	}
	if n := len(rec.all()); n != 4 {
		t.Errorf("%d replies, want 4", n)
	}
}

func TestGroupRules(t *testing.T) {
	tests := []struct {
		name, user, chat, text string
		want                   string // "run", "unbound", "" (silence)
	}{
		{"unbound group explains", "2", "-200", "/quahan", "unbound"},
		{"unbound group explains to unlinked", "99", "-200", "/quahan", "unbound"},
		{"unlinked in bound group: silence", "99", "-100", "/quahan", ""},
		{"officer not allowed in group: silence", "1", "-100", "/quahan", ""},
		{"leader of the unit", "2", "-100", "/quahan@dondoc_bot", "run"},
		{"leader of another unit: silence", "3", "-100", "/quahan", ""},
		{"leader of the parent unit", "4", "-100", "/overdue", "run"},
		{"secretariat", "5", "-100", "/quahan", "run"},
		{"command for another bot: silence", "2", "-100", "/quahan@otherbot", ""},
		{"plain text in group: silence", "2", "-100", "xin chào", ""},
		{"unknown command in group: silence", "2", "-100", "/foo", ""},
		{"secretariat binds an unbound group", "5", "-200", "/lienket P2", "run"},
		{"leader cannot bind", "2", "-200", "/lienket P1", "unbound"},
		{"private-only command in group: silence", "5", "-100", "/guibaocao", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, rec, _ := newTestRouter(t, Config{})
			for _, c := range []string{"quahan", "lienket", "guibaocao"} {
				r.Handle(c, func(_ context.Context, q *Request) (Reply, error) { return Reply{Text: "run"}, nil })
			}
			r.Dispatch(context.Background(), msg(tt.user, tt.chat, tt.text), rec)
			got := rec.all()
			switch tt.want {
			case "":
				if len(got) != 0 {
					t.Errorf("want silence, got %q", got[0].Text)
				}
			case "unbound":
				if len(got) != 1 || got[0].Text != textGroupUnbound {
					t.Errorf("want the unbound-group explanation, got %+v", got)
				}
			default:
				if len(got) != 1 || got[0].Text != tt.want {
					t.Errorf("want %q, got %+v", tt.want, got)
				}
			}
		})
	}
}

func TestPrivateRefusalsAndPlaceholders(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{})
	r.Dispatch(context.Background(), msg("1", "1", "/xephang"), rec)
	r.Dispatch(context.Background(), msg("1", "1", "/hoso"), rec)
	r.Dispatch(context.Background(), msg("1", "1", "/foo"), rec)
	r.Dispatch(context.Background(), msg("1", "1", "xin chào"), rec)
	want := []string{fmt.Sprintf(textNotAllowed, "xephang", "chuyên viên"), fmt.Sprintf(textNotReady, "hoso"),
		fmt.Sprintf(textUnknownCommand, "foo"), textNotCommand}
	got := rec.all()
	for i := range want {
		if i >= len(got) || got[i].Text != want[i] {
			t.Errorf("reply %d = %+v, want %q", i, got, want[i])
		}
	}
}

func TestHandlerPanicGetsPoliteReply(t *testing.T) {
	r, rec, logs := newTestRouter(t, Config{})
	r.Handle("hoso", func(context.Context, *Request) (Reply, error) { panic("nil map") })
	r.Dispatch(context.Background(), msg("1", "1", "/hoso"), rec)
	got := rec.all()
	if len(got) != 1 || got[0].Text != fmt.Sprintf(textInternal, "e1f2a3b4") {
		t.Fatalf("replies %+v", got)
	}
	if !strings.Contains(logs.String(), "error_id=e1f2a3b4") || !strings.Contains(logs.String(), "nil map") {
		t.Errorf("log lacks the error id or the panic: %s", logs)
	}
}

func TestHandlerErrors(t *testing.T) {
	r, rec, logs := newTestRouter(t, Config{})
	r.Handle("tra", func(_ context.Context, q *Request) (Reply, error) {
		if len(q.Command.Args) == 0 {
			return Reply{}, &UserError{Msg: "Cần mã hồ sơ: /tra <mã hồ sơ>"}
		}
		return Reply{}, errors.New("db down")
	})
	r.Dispatch(context.Background(), msg("1", "1", "/tra"), rec)
	r.Dispatch(context.Background(), msg("1", "1", "/find H1"), rec)
	got := rec.all()
	if len(got) != 2 || got[0].Text != "Cần mã hồ sơ: /tra <mã hồ sơ>" || got[1].Text != fmt.Sprintf(textInternal, "e1f2a3b4") {
		t.Errorf("replies %+v", got)
	}
	if !strings.Contains(logs.String(), "db down") {
		t.Error("error not logged")
	}
}

func TestDuplicateUpdateHandledOnce(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{DedupWindow: 2})
	calls := 0
	r.Handle("hoso", func(context.Context, *Request) (Reply, error) { calls++; return Reply{Text: "ok"}, nil })
	u := msg("1", "1", "/hoso")
	r.Dispatch(context.Background(), u, rec)
	r.Dispatch(context.Background(), u, rec)
	if calls != 1 {
		t.Fatalf("handled %d times", calls)
	}
	// The window is bounded: after two newer updates the id is forgotten.
	r.Dispatch(context.Background(), msg("1", "1", "/hoso"), rec)
	r.Dispatch(context.Background(), msg("1", "1", "/hoso"), rec)
	r.Dispatch(context.Background(), u, rec)
	if calls != 4 {
		t.Errorf("handled %d times, want 4", calls)
	}
	if n := r.seen.Len(); n > 2 {
		t.Errorf("dedup set holds %d ids", n)
	}
}

func TestSlowHandlerGetsWaitMessage(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{SlowAfter: 10 * time.Millisecond})
	r.Handle("baocao", func(ctx context.Context, _ *Request) (Reply, error) {
		select { // finish only after the user was told to wait
		case rep := <-rec.got:
			if rep.Text != textSlow {
				return Reply{}, fmt.Errorf("first reply %q", rep.Text)
			}
		case <-ctx.Done():
			return Reply{}, ctx.Err()
		}
		return Reply{Text: "báo cáo"}, nil
	})
	r.Dispatch(context.Background(), msg("2", "2", "/baocao"), rec)
	got := rec.all()
	if len(got) != 2 || got[0].Text != textSlow || got[1].Text != "báo cáo" {
		t.Errorf("replies %+v", got)
	}
}

func TestHandlerTimeout(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{SlowAfter: time.Hour, Timeout: 20 * time.Millisecond})
	r.Handle("baocao", func(ctx context.Context, _ *Request) (Reply, error) {
		<-ctx.Done()
		return Reply{}, ctx.Err()
	})
	r.Dispatch(context.Background(), msg("2", "2", "/baocao"), rec)
	got := rec.all()
	if len(got) != 1 || got[0].Text != fmt.Sprintf(textTimeout, "e1f2a3b4") {
		t.Errorf("replies %+v", got)
	}
}

func TestPagingWithCallbacks(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{})
	var items []string
	for i := range 200 {
		items = append(items, fmt.Sprintf("%d. Hồ sơ H%04d quá hạn", i+1, i))
	}
	r.Handle("quahan", func(_ context.Context, q *Request) (Reply, error) {
		return Reply{Pages: Paginate("Quá hạn:", items, q.TextLimit())}, nil
	})
	rec.platform = testPlatforms["zalo"]
	r.Dispatch(context.Background(), Update{Platform: "zalo", UpdateID: 1, ChatID: "2", ChatType: ChatPrivate, UserID: "2", Text: "/quahan"}, rec)
	d := fixture()
	d.Link("zalo", "2", Person{Name: "x", UnitCode: "P1", Role: models.RoleLeader})
	r.cfg.Directory = d
	r.Dispatch(context.Background(), Update{Platform: "zalo", UpdateID: 2, ChatID: "2", ChatType: ChatPrivate, UserID: "2", Text: "/quahan"}, rec)
	first := rec.all()[1]
	if !strings.HasSuffix(first.Text, "Trang 1/3") || len(first.Buttons) != 1 || first.Buttons[0][0].Text != "Sau »" {
		t.Fatalf("first page: %q %+v", first.Text[len(first.Text)-20:], first.Buttons)
	}
	next := first.Buttons[0][0].Data
	r.Dispatch(context.Background(), Update{Platform: "zalo", UpdateID: 3, ChatID: "2", ChatType: ChatPrivate, UserID: "2",
		Callback: &Callback{ID: "cb1", Data: next, MessageID: 77}}, rec)
	second := rec.all()[2]
	if second.Edit != 77 || !strings.HasSuffix(second.Text, "Trang 2/3") || len(second.Buttons[0]) != 2 {
		t.Errorf("second page: edit %d, buttons %+v", second.Edit, second.Buttons)
	}
	if len(rec.answered) != 1 || rec.answered[0] != "cb1" {
		t.Errorf("callback not answered: %v", rec.answered)
	}
}

func TestHandleUnknownNamePanics(t *testing.T) {
	r, _, _ := newTestRouter(t, Config{})
	defer func() {
		if recover() == nil {
			t.Error("Handle of a name missing from the table did not panic")
		}
	}()
	r.Handle("nosuch", nil)
}
