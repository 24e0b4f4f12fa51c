package handlers_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dondoc/dondoc/internal/golden"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/store/storetest"
)

var uploadLinkRE = regexp.MustCompile(`https://dondoc\.example\.gov\.vn/tai-len/([A-Za-z0-9_-]{32})`)

// /tailen through the real Telegram adapter and the store: the secretariat
// and an admin get a link bound to their chat; an officer, a leader and an
// unlinked account are refused and no link is made.
func TestUploadLinkCommand(t *testing.T) {
	storetest.ForEach(t, func(ctx context.Context, t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.uploadBase = "https://dondoc.example.gov.vn"
		p := e.people()
		e.link(uSecretariat, p.secretariat.Code)
		e.link(uOfficer, p.officer.Code)
		e.link(uLeader, p.leader.Code)
		e.link(uAdmin, p.admin.Code)

		var b strings.Builder
		for _, typed := range []string{"/tailen", "tải lên", "/upload"} {
			r := e.say(uSecretariat, uSecretariat, typed)
			m := uploadLinkRE.FindStringSubmatch(r.Text)
			if m == nil {
				t.Fatalf("%s: no link in %q", typed, r.Text)
			}
			tok, err := st.UploadTokenFor(ctx, m[1], e.clock())
			if err != nil || tok.OfficerCode != p.secretariat.Code || tok.Platform != "telegram" ||
				tok.ChatID != strconv.Itoa(uSecretariat) || !tok.ExpiresAt.Equal(e.clock().Add(15*time.Minute)) {
				t.Errorf("%s: token %+v, %v", typed, tok, err)
			}
			if typed == "/tailen" {
				r.Text = strings.Replace(r.Text, m[1], "<mã>", 1)
				transcript(&b, typed, r)
			}
		}
		if r := e.say(uAdmin, uAdmin, "/tailen"); !uploadLinkRE.MatchString(r.Text) {
			t.Errorf("admin: %q", r.Text)
		}
		for _, u := range []int64{uOfficer, uLeader, uStranger} {
			r := e.say(u, u, "/tailen")
			if uploadLinkRE.MatchString(r.Text) || !strings.Contains(r.Text, "không dành cho vai trò") && !strings.Contains(r.Text, "chưa được liên kết") {
				t.Errorf("user %d: %q", u, r.Text)
			}
			transcript(&b, "/tailen ("+strconv.FormatInt(u, 10)+")", r)
		}
		var n int64
		if err := st.DB().Table("upload_tokens").Count(&n).Error; err != nil || n != 4 {
			t.Errorf("%d tokens stored (%v), want 4: the refused users got none", n, err)
		}
		golden.Testdata(t, "upload_link.golden", b.String())
	})
}
