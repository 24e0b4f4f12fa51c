// Package upload is the upload page behind /tailen: a secretariat (or
// admin) member asks the bot for a link in a private chat, opens it in a
// browser, picks the kind of data and a CSV/XLSX file, and the file goes
// through the same import as dondoc import and the import by chat; the
// page shows the summary and the row errors (with the error CSV to
// download) and the summary is posted into the person's chat through the
// outbox, so it reaches Zalo, Telegram or any other channel.
//
// There is no password: the link is the identity. Its token (192 random
// bits, only its SHA-256 stored) is valid 15 minutes by the injected clock
// and bound to the person and chat that asked; GET shows the form without
// using it, the first successful POST consumes it atomically, and an
// expired, used or forged token gets 403 and imports nothing.
package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/notify"
	"github.com/dondoc/dondoc/store"
	"github.com/dondoc/dondoc/web"
)

// Job is the outbox job of the summaries posted into the chat.
const Job = "upload"

// PathPrefix is where the page is mounted: PathPrefix + token.
const PathPrefix = "/tai-len/"

// importTimeout bounds an import once the token is consumed; it runs to
// its end even if the browser goes away, so that the chat gets the summary.
const importTimeout = 10 * time.Minute

// uploadReadTime is how long the body of an upload may take to arrive.
const uploadReadTime = 15 * time.Minute

// multipartSlack is what a form adds to the file's bytes (boundaries, the
// kind field, headers).
const multipartSlack = 64 << 10

// Store is what the page needs of the store; *store.Store is one.
type Store interface {
	UploadTokenFor(ctx context.Context, token string, now time.Time) (store.UploadToken, error)
	ConsumeUploadToken(ctx context.Context, token string, now time.Time, fileName, kind string) (store.UploadToken, error)
	SetUploadErrors(ctx context.Context, hash string, csv []byte) error
	UploadErrors(ctx context.Context, token string, now time.Time) (store.UploadToken, []byte, error)
	Officer(ctx context.Context, code string) (models.Officer, error)
}

// Enqueuer queues the chat message (*store.Outbox).
type Enqueuer interface {
	Enqueue(ctx context.Context, entries []notify.Entry) (int, error)
}

// Config configures the page.
type Config struct {
	Store Store
	// Import imports a file: the importer of the import by chat (app's
	// chatImport, on ingest.Run).
	Import func(ctx context.Context, req handlers.ImportRequest) (handlers.ImportOutcome, error)
	Outbox Enqueuer
	Clock  func() time.Time // required: tokens expire by it
	// Wall is the real clock, for the connection's deadlines: an upload
	// may take longer than the server's 2-minute read and write timeouts
	// (50 MB over a slow mobile link, then the import). Nil: the server's
	// timeouts apply.
	Wall func() time.Time
	// MaxBytes is the largest file accepted (default handlers.MaxImportSize,
	// the limit of a file sent to the bot).
	MaxBytes int64
	Location *time.Location // nil: models.DefaultLocation()
	Log      *slog.Logger
	// Platform describes a chat platform by name, so that the summary
	// posted back is rendered for it (nil: plain text).
	Platform func(name string) notify.Platform
}

// Handler serves the page.
type Handler struct{ cfg Config }

// New returns the handler; Store, Import, Outbox and Clock are required.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil || cfg.Import == nil || cfg.Outbox == nil || cfg.Clock == nil {
		return nil, errors.New("upload: Store, Import, Outbox and Clock are required")
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = handlers.MaxImportSize
	}
	if cfg.Location == nil {
		cfg.Location = models.DefaultLocation()
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Handler{cfg: cfg}, nil
}

// Mount mounts the page on srv.
func (h *Handler) Mount(srv *web.Server) {
	srv.Handle("GET "+PathPrefix+"{token}", h.guard(h.form))
	srv.Handle("POST "+PathPrefix+"{token}", h.guard(h.post))
	srv.Handle("GET "+PathPrefix+"{token}/loi.csv", h.guard(h.errorsCSV))
}

// guard sets the headers every answer carries and turns a panic into a 500
// without logging the path (it holds the token).
func (h *Handler) guard(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				h.cfg.Log.Error("upload: handler panic", "panic", fmt.Sprint(v))
				http.Error(w, "lỗi hệ thống, vui lòng thử lại sau", http.StatusInternalServerError)
			}
		}()
		hd := w.Header()
		hd.Set("Cache-Control", "no-store")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Robots-Tag", "noindex")
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		next(w, r)
	})
}

// allowed reports whether the officer may still import: active, and of the
// secretariat or an admin (a role may have changed since the link was made).
func (h *Handler) allowed(ctx context.Context, code string) (models.Officer, bool, error) {
	o, err := h.cfg.Store.Officer(ctx, code)
	if errors.Is(err, models.ErrNotFound) {
		return o, false, nil
	}
	if err != nil {
		return o, false, err
	}
	return o, o.Active && (o.Role == models.RoleSecretariat || o.Role == models.RoleAdmin), nil
}

// valid returns the token's record and officer, or answers 403 (or 500)
// and returns false.
func (h *Handler) valid(w http.ResponseWriter, r *http.Request) (store.UploadToken, models.Officer, bool) {
	tok, err := h.cfg.Store.UploadTokenFor(r.Context(), r.PathValue("token"), h.cfg.Clock())
	if errors.Is(err, store.ErrUploadTokenInvalid) {
		h.forbidden(w, r)
		return tok, models.Officer{}, false
	}
	if err != nil {
		h.internal(w, err)
		return tok, models.Officer{}, false
	}
	o, ok, err := h.allowed(r.Context(), tok.OfficerCode)
	if err != nil {
		h.internal(w, err)
		return tok, o, false
	}
	if !ok {
		h.cfg.Log.Warn("upload: refused, no longer secretariat or admin", "officer", tok.OfficerCode)
		h.forbidden(w, r)
		return tok, o, false
	}
	return tok, o, true
}

func (h *Handler) form(w http.ResponseWriter, r *http.Request) {
	tok, o, ok := h.valid(w, r)
	if !ok {
		return
	}
	h.render(w, http.StatusOK, h.formPage(tok, o, "", ""))
}

// received is a file read from the form into a temp file.
type received struct {
	kind     ingest.Kind
	kindText string
	name     string
	path     string
	size     int64
}

// errTooLarge is a body or file over the limit.
var errTooLarge = errors.New("upload: file too large")

func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	tok, o, ok := h.valid(w, r)
	if !ok {
		return
	}
	log := h.cfg.Log.With("officer", o.Code, "platform", tok.Platform)
	limit := h.cfg.MaxBytes + multipartSlack
	if r.ContentLength > limit {
		h.render(w, http.StatusRequestEntityTooLarge, h.formPage(tok, o, h.tooLarge(), ""))
		return
	}
	if h.cfg.Wall != nil {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(h.cfg.Wall().Add(uploadReadTime))
		_ = rc.SetWriteDeadline(h.cfg.Wall().Add(uploadReadTime + importTimeout))
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	rec, msg, err := h.receive(r)
	if rec.path != "" {
		defer os.Remove(rec.path)
	}
	switch {
	case errors.Is(err, errTooLarge):
		log.Info("upload: file too large", "file", rec.name)
		h.render(w, http.StatusRequestEntityTooLarge, h.formPage(tok, o, h.tooLarge(), rec.kindText))
		return
	case err != nil:
		log.Warn("upload: form not read", "err", err)
		h.render(w, http.StatusBadRequest, h.formPage(tok, o, "Không đọc được biểu mẫu gửi lên. Vui lòng chọn lại tệp và thử lại.", rec.kindText))
		return
	case msg != "":
		h.render(w, http.StatusBadRequest, h.formPage(tok, o, msg, rec.kindText))
		return
	}

	now := h.cfg.Clock()
	used, err := h.cfg.Store.ConsumeUploadToken(r.Context(), r.PathValue("token"), now, rec.name, string(rec.kind))
	if errors.Is(err, store.ErrUploadTokenInvalid) {
		h.forbidden(w, r) // used by a concurrent upload, or expired while uploading
		return
	}
	if err != nil {
		h.internal(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), importTimeout)
	defer cancel()
	out, ierr := h.cfg.Import(ctx, handlers.ImportRequest{Kind: rec.kind, FileName: rec.name, Path: rec.path, By: o.Code})
	if ierr != nil {
		log.Warn("upload: import failed", "file", rec.name, "kind", rec.kind, "err", ierr)
	} else {
		log.Info("upload: imported", "file", rec.name, "kind", rec.kind, "bytes", rec.size, "summary", out.Summary.String(),
			"unassigned", out.Unassigned, "errors", len(out.Errors), "stored", out.Stored)
	}
	var errCSV []byte
	if ierr == nil && len(out.Errors) > 0 {
		errCSV = h.keepErrors(ctx, used.Hash, out.Errors)
	}
	h.notify(ctx, used, rec, out, ierr, len(errCSV) > 0)
	status := http.StatusOK
	if ierr != nil {
		status = http.StatusUnprocessableEntity
	}
	h.render(w, status, h.resultPage(r.PathValue("token"), rec, out, ierr, errCSV != nil))
}

// receive streams the multipart form: the kind field and the file, copied
// to a temp file of at most MaxBytes. msg is a problem to show with the
// form again (the token is not used).
func (h *Handler) receive(r *http.Request) (rec received, msg string, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return rec, "", err
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return rec, "", tooLargeOr(err)
		}
		switch p.FormName() {
		case "kind":
			b, err := io.ReadAll(io.LimitReader(p, 64))
			if err != nil {
				return rec, "", tooLargeOr(err)
			}
			rec.kindText = strings.TrimSpace(string(b))
		case "file":
			if rec.path != "" {
				continue
			}
			rec.name = cleanName(p.FileName())
			if rec.name == "" {
				continue
			}
			if err := h.saveFile(p, &rec); err != nil {
				return rec, "", err
			}
		}
		p.Close()
	}
	k, kerr := ingest.ParseKind(rec.kindText)
	switch {
	case rec.kindText == "" || kerr != nil:
		return rec, "Vui lòng chọn loại dữ liệu của tệp.", nil
	case rec.path == "":
		return rec, "Vui lòng chọn tệp .csv hoặc .xlsx để tải lên.", nil
	case rec.size == 0:
		return rec, fmt.Sprintf("Tệp %s trống.", rec.name), nil
	}
	rec.kind = k
	if ext := strings.ToLower(filepath.Ext(rec.name)); ext != ".csv" && ext != ".xlsx" {
		return rec, fmt.Sprintf("Chỉ nhập được tệp .csv hoặc .xlsx xuất từ hệ thống một cửa; tệp %s không nhập được.", rec.name), nil
	}
	return rec, "", nil
}

func (h *Handler) saveFile(p *multipart.Part, rec *received) error {
	tmp, err := os.CreateTemp("", "dondoc-upload-*"+strings.ToLower(filepath.Ext(rec.name)))
	if err != nil {
		return err
	}
	rec.path = tmp.Name()
	n, err := io.Copy(tmp, io.LimitReader(p, h.cfg.MaxBytes+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	rec.size = n
	if err != nil {
		return tooLargeOr(err)
	}
	if n > h.cfg.MaxBytes {
		return errTooLarge
	}
	return nil
}

func tooLargeOr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return err
}

// cleanName is the base name of an uploaded file, NFC, at most 200 runes.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = strings.TrimSpace(filepath.Base("/" + name))
	if name == "/" || name == "." {
		return ""
	}
	return models.Clip(models.NFC(name), 200)
}

func (h *Handler) tooLarge() string {
	return fmt.Sprintf("Tệp quá lớn: tối đa %d MB (giới hạn của tệp gửi cho bot). Vui lòng chia nhỏ tệp rồi tải lên lại.", h.cfg.MaxBytes>>20)
}

// keepErrors stores the error CSV for the page's download link and
// returns it (nil when it could not be kept).
func (h *Handler) keepErrors(ctx context.Context, hash string, errs []*ingest.RowError) []byte {
	var b bytes.Buffer
	if err := ingest.WriteErrorsCSV(&b, errs); err != nil {
		h.cfg.Log.Warn("upload: error CSV not written", "err", err)
		return nil
	}
	if b.Len() > store.MaxUploadErrorsCSV {
		h.cfg.Log.Warn("upload: error CSV too large to keep", "bytes", b.Len())
		return nil
	}
	if err := h.cfg.Store.SetUploadErrors(ctx, hash, b.Bytes()); err != nil {
		h.cfg.Log.Warn("upload: error CSV not kept", "err", err)
		return nil
	}
	return b.Bytes()
}

// notify posts the summary into the chat the link was asked from, through
// the outbox (one entry per token: a retry never posts it twice).
func (h *Handler) notify(ctx context.Context, tok store.UploadToken, rec received, out handlers.ImportOutcome, ierr error, csvKept bool) {
	p := notify.Platform{Name: tok.Platform, Format: notify.FormatPlain}
	if h.cfg.Platform != nil {
		p = h.cfg.Platform(tok.Platform)
	}
	rep, err := handlers.UploadReply(p, rec.name, rec.kind, out, ierr)
	if err != nil {
		h.cfg.Log.Error("upload: summary not rendered", "err", err)
		return
	}
	if rep.Document != nil && !csvKept {
		rep.Document = nil // too large to carry: the page says so
	}
	recipient := "officer:" + tok.OfficerCode
	day := models.DateOf(h.cfg.Clock(), h.cfg.Location).String()
	e := notify.Entry{Key: notify.Key(Job, recipient, day) + "/" + tok.Hash[:16], Job: Job, Recipient: recipient, Period: day,
		Message: notify.Message{Platform: tok.Platform, ChatID: tok.ChatID, Text: rep.Text, Format: rep.Format, Document: rep.Document}}
	if _, err := h.cfg.Outbox.Enqueue(ctx, []notify.Entry{e}); err != nil {
		h.cfg.Log.Error("upload: summary not queued for the chat", "err", err)
	}
}

func (h *Handler) errorsCSV(w http.ResponseWriter, r *http.Request) {
	tok, csv, err := h.cfg.Store.UploadErrors(r.Context(), r.PathValue("token"), h.cfg.Clock())
	if errors.Is(err, store.ErrUploadTokenInvalid) {
		h.forbidden(w, r)
		return
	}
	if err != nil {
		h.internal(w, err)
		return
	}
	base := strings.TrimSuffix(tok.FileName, filepath.Ext(tok.FileName))
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "loi-" + base + ".csv"}))
	_, _ = w.Write(csv)
}

// forbidden answers 403 to a forged, used or expired link (or one whose
// owner left the secretariat); after a POST it says the file was not
// imported.
func (h *Handler) forbidden(w http.ResponseWriter, r *http.Request) {
	msg := textForbidden
	if r.Method == http.MethodPost {
		msg += " " + textNotImported
	}
	h.render(w, http.StatusForbidden, page{Title: "Link không dùng được", Message: msg, Tail: textNewLink})
}

func (h *Handler) internal(w http.ResponseWriter, err error) {
	h.cfg.Log.Error("upload: failed", "err", err)
	h.render(w, http.StatusInternalServerError, page{Title: "Lỗi hệ thống", Message: "Lỗi hệ thống, vui lòng thử lại sau ít phút."})
}
