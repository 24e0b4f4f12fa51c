package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/dondoc/dondoc/bot"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
)

// ImportRequest is a file sent to the bot, downloaded, to import.
type ImportRequest struct {
	Kind     ingest.Kind
	FileName string // as the user named it
	Path     string // a temp file holding the download; removed after Import returns
	By       string // the officer code of the sender
}

// ImportOutcome is what an import did.
type ImportOutcome struct {
	Summary    ingest.Summary
	Unassigned int // dossiers whose handler or unit is unknown
	Errors     []*ingest.RowError
	Stored     bool
}

// MaxImportSize is the largest file accepted by chat (Telegram bots cannot
// download more than 20 MB from the cloud API anyway; a self-hosted Bot API
// server can).
const MaxImportSize = 50 << 20

// maxChatErrors is how many row errors the reply lists; the attached CSV
// has them all.
const maxChatErrors = 10

// captionLimit is Telegram's caption length: the reply with the error file
// carries its text as the document's caption.
const captionLimit = 1024

// importRoles may import by chat. The access table (bot.Commands) lists
// commands, and a document is not one: putting it there would show a
// pseudo-command in the menus, /trogiup and the README table. The rule is
// enforced here, before anything is downloaded.
var importRoles = map[bot.Role]bool{models.RoleSecretariat: true, models.RoleAdmin: true}

// kindNames are the kinds in Vietnamese, for the replies.
var kindNames = map[ingest.Kind]string{
	ingest.KindUnits: "đơn vị", ingest.KindOfficers: "cán bộ", ingest.KindDossiers: "hồ sơ",
	ingest.KindSteps: "bước xử lý", ingest.KindHolidays: "ngày nghỉ",
}

// fileKindWords are folded words that name a kind inside a file name, most
// specific first ("ho so" before "so", "buoc xu ly" before "buoc").
var fileKindWords = []struct {
	word string
	kind ingest.Kind
}{
	{"dossier", ingest.KindDossiers}, {"ho so", ingest.KindDossiers}, {"hoso", ingest.KindDossiers},
	{"officer", ingest.KindOfficers}, {"can bo", ingest.KindOfficers}, {"canbo", ingest.KindOfficers},
	{"unit", ingest.KindUnits}, {"don vi", ingest.KindUnits}, {"donvi", ingest.KindUnits},
	{"step", ingest.KindSteps}, {"buoc", ingest.KindSteps}, {"quy trinh", ingest.KindSteps},
	{"holiday", ingest.KindHolidays}, {"ngay nghi", ingest.KindHolidays}, {"ngay le", ingest.KindHolidays},
}

// kindOf reads the kind from the caption's first word (or first two: "hồ
// sơ"), else from the file name; ok is false when neither names one.
func kindOf(caption, fileName string) (ingest.Kind, bool) {
	words := strings.Fields(caption)
	for n := min(len(words), 3); n >= 1; n-- {
		phrase := strings.Join(words[:n], " ")
		if k, err := ingest.ParseKind(phrase); err == nil {
			return k, true
		}
		for _, w := range fileKindWords {
			if models.Fold(phrase) == w.word {
				return w.kind, true
			}
		}
	}
	base := strings.TrimSuffix(fileName, filepath.Ext(fileName))
	name := " " + strings.Join(strings.FieldsFunc(models.Fold(base), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), " ") + " "
	found := ingest.Kind("")
	for _, w := range fileKindWords {
		if strings.Contains(name, " "+w.word) {
			if found != "" && found != w.kind {
				return "", false // two kinds named: ask
			}
			found = w.kind
		}
	}
	return found, found != ""
}

// document answers a file sent in a private chat: a secretariat or admin
// imports it; anyone else is refused before anything is downloaded.
func (h *handlers) document(ctx context.Context, q *bot.Request) (bot.Reply, error) {
	f := newFmtr(q, h.loc())
	doc := q.Update.Document
	if !importRoles[q.Role] {
		return f.reply(f.esc("Chỉ Văn phòng (bộ phận một cửa) và quản trị viên được gửi tệp dữ liệu cho bot. Tệp của bạn không được đọc.")), nil
	}
	name := doc.FileName
	if name == "" {
		name = "tệp"
	}
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".csv" && ext != ".xlsx" {
		return f.reply(fmt.Sprintf("Bot chỉ nhập tệp .csv hoặc .xlsx xuất từ hệ thống một cửa của tỉnh; %s không nhập được.", f.b(q.Echo(name)))), nil
	}
	if doc.Size > MaxImportSize {
		return f.reply(fmt.Sprintf("Tệp %s quá lớn (%s MB, tối đa %d MB). Vui lòng chia nhỏ tệp rồi gửi lại.",
			f.b(q.Echo(name)), num(int((doc.Size+(1<<20)-1)>>20)), MaxImportSize>>20)), nil
	}
	kind, ok := kindOf(q.Update.Text, name)
	if !ok {
		return f.reply(fmt.Sprintf("Không rõ tệp %s chứa dữ liệu gì. Vui lòng gửi lại tệp kèm chú thích ghi loại dữ liệu: %s.",
			f.b(q.Echo(name)), f.esc(kindList()))), nil
	}
	if h.Import == nil || h.Download == nil {
		return f.reply(f.esc("Chức năng nhập dữ liệu qua chat chưa sẵn sàng. Vui lòng nhập bằng lệnh dondoc import trên máy chủ.")), nil
	}
	path, err := h.fetch(ctx, q.Update.Platform, doc.FileID)
	if path != "" {
		defer os.Remove(path)
	}
	if err != nil {
		h.Logger.Warn("chat import: download failed", "file", name, "err", err)
		return f.reply(fmt.Sprintf("Không tải được tệp %s. Vui lòng gửi lại sau ít phút.", f.b(q.Echo(name)))), nil
	}
	req := ImportRequest{Kind: kind, FileName: name, Path: path, By: q.Person.OfficerCode}
	out, err := h.Import(ctx, req)
	if err != nil {
		h.Logger.Warn("chat import failed", "file", name, "kind", kind, "by", req.By, "err", err)
		return f.reply(fmt.Sprintf("Không nhập được tệp %s (%s): %s", f.b(q.Echo(name)), f.esc(kindNames[kind]), f.esc(firstLine(err.Error())))), nil
	}
	h.Logger.Info("chat import", "file", name, "kind", kind, "by", req.By, "summary", out.Summary.String(),
		"unassigned", out.Unassigned, "errors", len(out.Errors), "stored", out.Stored)
	return importReply(f, name, kind, out)
}

// fetch downloads a file to a temp file and returns its path.
func (h *handlers) fetch(ctx context.Context, platform, fileID string) (string, error) {
	rc, err := h.Download(ctx, platform, fileID)
	if err != nil {
		return "", err
	}
	defer rc.Close()
	tmp, err := os.CreateTemp("", "dondoc-import-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(tmp, io.LimitReader(rc, MaxImportSize+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if st, serr := os.Stat(tmp.Name()); serr == nil && st.Size() > MaxImportSize {
			err = errors.New("file larger than announced")
		}
	}
	return tmp.Name(), err
}

// importReply renders an outcome: the summary, the unassigned count, the
// first row errors and, when there are errors, the full list as a CSV.
func importReply(f fmtr, name string, kind ingest.Kind, out ImportOutcome) (bot.Reply, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "Đã nhập %s (%s): %s", f.b(models.Clip(name, bot.DefaultEchoChars)), f.esc(kindNames[kind]), f.esc(SummaryVN(out.Summary)))
	if !out.Stored {
		b.WriteString("\nChưa lưu gì vào cơ sở dữ liệu.")
	}
	if out.Unassigned > 0 {
		fmt.Fprintf(&b, "\n%s hồ sơ chưa xác định được cán bộ hoặc đơn vị xử lý.", num(out.Unassigned))
	}
	if len(out.Errors) == 0 {
		return f.reply(b.String()), nil
	}
	fmt.Fprintf(&b, "\n\nCác dòng lỗi (%s):", num(len(out.Errors)))
	shown := 0
	for _, e := range out.Errors {
		line := "\n• " + f.esc(e.Error())
		// Keep within a caption; the CSV has every error.
		if shown == maxChatErrors || utf8.RuneCountInString(b.String()+line) > captionLimit-80 {
			break
		}
		b.WriteString(line)
		shown++
	}
	if rest := len(out.Errors) - shown; rest > 0 {
		fmt.Fprintf(&b, "\n… và %s lỗi khác.", num(rest))
	}
	b.WriteString("\nDanh sách đầy đủ trong tệp đính kèm.")
	var csv bytes.Buffer
	if err := ingest.WriteErrorsCSV(&csv, out.Errors); err != nil {
		return bot.Reply{}, err
	}
	base := strings.TrimSuffix(name, filepath.Ext(name))
	rep := f.reply(b.String())
	rep.Document = &notify.File{Name: "loi-" + base + ".csv", MIME: "text/csv", Data: csv.Bytes()}
	return rep, nil
}

// SummaryVN renders a summary in Vietnamese: "thêm mới 10, cập nhật 2,
// không đổi 0, bị từ chối 1".
func SummaryVN(s ingest.Summary) string {
	out := fmt.Sprintf("thêm mới %s, cập nhật %s, không đổi %s, bị từ chối %s",
		num(s.Inserted), num(s.Updated), num(s.Unchanged), num(s.Rejected))
	if s.Warnings > 0 {
		out += ", cảnh báo " + num(s.Warnings)
	}
	return out
}

// kindList names the kinds as a caption would: "hồ sơ", "cán bộ"...
func kindList() string {
	parts := make([]string, 0, len(ingest.Kinds))
	for _, k := range ingest.Kinds {
		parts = append(parts, "“"+kindNames[k]+"”")
	}
	return strings.Join(parts, ", ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return short(s, 300)
}
