package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// refusing fails every reply longer than limit, as Telegram does with
// "message is too long", and records the others.
type refusing struct {
	*recorder
	limit   int
	refused int
}

func (r *refusing) Reply(ctx context.Context, u Update, rep Reply) error {
	if utf8.RuneCountInString(rep.Text) > r.limit || strings.Contains(rep.Text, "FAIL") {
		r.refused++
		return &notify.SendError{Class: notify.Permanent, Reason: "Bad Request: message is too long"}
	}
	return r.recorder.Reply(ctx, u, rep)
}

func longText(lines int) string {
	var b strings.Builder
	for i := range lines {
		fmt.Fprintf(&b, "%d. Hồ sơ H%05d — thủ tục cấp giấy chứng nhận quyền sử dụng đất\n", i+1, i)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// A reply longer than the platform takes is cut on a line, marked, and
// the rest is paged; every page fits; the pages hold every line.
func TestLongReplyIsCutAndPaged(t *testing.T) {
	for _, platform := range []string{"telegram", "zalo"} {
		t.Run(platform, func(t *testing.T) {
			r, rec, _ := newTestRouter(t, Config{})
			d := fixture()
			d.Link(platform, "2", Person{Name: "x", UnitCode: "P1", Role: models.RoleLeader})
			r.cfg.Directory = d
			text := longText(400)
			r.Handle("quahan", func(context.Context, *Request) (Reply, error) { return Reply{Text: text}, nil })
			rec.platform = testPlatforms[platform]
			rs := &refusing{recorder: rec, limit: TextLimit(rec.platform)}
			up := func(id int64, text string, cb *Callback) Update {
				return Update{Platform: platform, UpdateID: id, ChatID: "2", ChatType: ChatPrivate, UserID: "2", Text: text, Callback: cb}
			}
			r.Dispatch(context.Background(), up(1, "/quahan", nil), rs)
			var got []string
			for page := 0; ; page++ {
				all := rec.all()
				if len(all) != page+1 {
					t.Fatalf("page %d: %d replies, %d refused", page, len(all), rs.refused)
				}
				rep := all[page]
				if n := utf8.RuneCountInString(rep.Text); n > TextLimit(rec.platform) {
					t.Fatalf("page %d: %d characters", page, n)
				}
				body, footer, _ := strings.Cut(rep.Text, "\n\nTrang ")
				if !strings.HasPrefix(footer, fmt.Sprint(page+1)+"/") {
					t.Fatalf("page %d: footer %q", page, footer)
				}
				last := len(rep.Buttons) == 0 || rep.Buttons[0][len(rep.Buttons[0])-1].Text != "Sau »"
				if !last {
					if !strings.HasSuffix(body, "\n"+TruncMarker) {
						t.Fatalf("page %d does not end with %q: %q", page, TruncMarker, body[len(body)-40:])
					}
					body = strings.TrimSuffix(body, "\n"+TruncMarker)
				}
				got = append(got, body)
				if last {
					break
				}
				next := rep.Buttons[0][len(rep.Buttons[0])-1].Data
				r.Dispatch(context.Background(), up(int64(page+2), "", &Callback{ID: "cb", Data: next, MessageID: 7}), rs)
			}
			if strings.Join(got, "\n") != text {
				t.Error("the pages do not hold the whole text, line by line")
			}
			if rs.refused != 0 {
				t.Errorf("%d replies refused by the platform", rs.refused)
			}
		})
	}
}

// A user's 5,000-character argument or command name is never echoed whole.
func TestUserTextIsNotEchoedWhole(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{})
	long := strings.Repeat("x", 5000)
	r.Handle("tra", func(_ context.Context, q *Request) (Reply, error) {
		return Reply{}, &UserError{Msg: fmt.Sprintf("Không tìm thấy hồ sơ %s trong phạm vi của bạn.", q.Echo(q.Command.ArgText))}
	})
	rs := &refusing{recorder: rec, limit: 4096}
	r.Dispatch(context.Background(), msg("2", "2", "/"+long), rs)
	r.Dispatch(context.Background(), msg("2", "2", "/tra "+long), rs)
	all := rec.all()
	if len(all) != 2 {
		t.Fatalf("%d replies, %d refused", len(all), rs.refused)
	}
	for _, rep := range all {
		if strings.Contains(rep.Text, strings.Repeat("x", DefaultEchoChars)) || !strings.Contains(rep.Text, strings.Repeat("x", 10)+"…") {
			t.Errorf("reply echoes too much or nothing: %.120q (%d characters)", rep.Text, utf8.RuneCountInString(rep.Text))
		}
	}
}

// A reply the platform refuses anyway is replaced by a short notice: no
// command ends without an answer.
func TestRefusedReplyGetsANotice(t *testing.T) {
	r, rec, logs := newTestRouter(t, Config{})
	r.Handle("quahan", func(context.Context, *Request) (Reply, error) { return Reply{Text: "FAIL"}, nil })
	rs := &refusing{recorder: rec, limit: 4096}
	r.Dispatch(context.Background(), msg("2", "2", "/quahan"), rs)
	all := rec.all()
	if len(all) != 1 || !strings.Contains(all[0].Text, "không gửi được câu trả lời") || !strings.Contains(all[0].Text, "e1f2a3b4") {
		t.Fatalf("replies %+v", all)
	}
	if !strings.Contains(logs.String(), "reply replaced by a short notice") {
		t.Error("the replacement is not logged")
	}
}

// A document's caption on Telegram is cut to 1,024 characters.
func TestDocumentCaptionFits(t *testing.T) {
	r, rec, _ := newTestRouter(t, Config{})
	d := fixture()
	d.Link("telegram", "2", Person{Name: "x", UnitCode: "P1", Role: models.RoleLeader})
	r.cfg.Directory = d
	r.Handle("quahan", func(context.Context, *Request) (Reply, error) {
		return Reply{Text: longText(100), Document: &notify.File{Name: "a.csv", Data: []byte("x")}}, nil
	})
	rec.platform = testPlatforms["telegram"]
	r.Dispatch(context.Background(), Update{Platform: "telegram", UpdateID: 1, ChatID: "2", ChatType: ChatPrivate, UserID: "2", Text: "/quahan"}, rec)
	all := rec.all()
	if len(all) != 1 || utf8.RuneCountInString(all[0].Text) > rec.platform.MaxCaption || !strings.HasSuffix(all[0].Text, "\n"+TruncMarker) {
		t.Fatalf("replies %+v", all)
	}
}

func TestFitAndSplit(t *testing.T) {
	if got := Fit("ngắn", 10); got != "ngắn" {
		t.Errorf("Fit kept %q", got)
	}
	one := strings.Repeat("đ", 100) // one line longer than the room
	if got := Fit(one, 40); utf8.RuneCountInString(got) > 40 || !strings.HasSuffix(got, TruncMarker) {
		t.Errorf("Fit(one line) = %q", got)
	}
	pages := SplitText(one, 40)
	if strings.Join(pages, "") == "" || len(pages) < 3 {
		t.Errorf("SplitText = %q", pages)
	}
	for _, p := range pages {
		if utf8.RuneCountInString(p) > 40 {
			t.Errorf("page %q longer than 40", p)
		}
	}
}
