// Package ingestapi is the HTTP ingest API: a sync job of the provincial
// system POSTs records (a JSON array, or NDJSON: one object a line, with
// the canonical field names such as ma_ho_so, ngay_hen_tra) to
// /api/v1/import/{kind} and gets back the same counts and row errors as
// dondoc import. Mount it with
//
//	srv.Handle("POST /api/v1/import/{kind}", ingestapi.NewImportHandler(opts))
//
// Requests carry Authorization: Bearer <INGEST_TOKEN>; with an empty token
// the API is off (404).
package ingestapi

import (
	"bufio"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/store"
)

// DefaultMaxBytes caps a request body when Options.MaxBytes is 0.
const DefaultMaxBytes = 64 << 20

// MaxErrors is how many row errors a response lists (errors_total counts all).
const MaxErrors = 10000

// Options configure the handler.
type Options struct {
	Store    *store.Store
	Token    string         // INGEST_TOKEN; empty: the API is off
	MaxBytes int64          // body cap, chunked bodies too (413 beyond, nothing stored); 0: DefaultMaxBytes
	Limits   ingest.Limits  // rows, cells and fields of a request; zero fields: ingest.DefaultLimits
	Location *time.Location // for local times in the records; nil: Asia/Ho_Chi_Minh
	Now      func() time.Time
	Log      *slog.Logger
}

// RowError is one rejected row's problem.
type RowError struct {
	Line    int    `json:"line"` // element index + 1 (array) or line (NDJSON)
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// Response is the body of every answer (error-only answers fill Error).
type Response struct {
	Kind        string     `json:"kind,omitempty"`
	Inserted    int        `json:"inserted"`
	Updated     int        `json:"updated"`
	Unchanged   int        `json:"unchanged"`
	Rejected    int        `json:"rejected"`
	Warnings    int        `json:"warnings"`
	Unassigned  int        `json:"unassigned"`
	Stored      bool       `json:"stored"`
	DryRun      bool       `json:"dry_run,omitempty"`
	Summary     string     `json:"summary,omitempty"`
	Errors      []RowError `json:"errors"`
	ErrorsTotal int        `json:"errors_total"`
	WarningList []string   `json:"warning_messages,omitempty"`
	Error       string     `json:"error,omitempty"`
}

type handler struct {
	opt   Options
	token [32]byte
}

// NewImportHandler returns the handler of POST /api/v1/import/{kind}.
// Query parameters: atomic=true (store nothing if a row is rejected),
// dry_run=true (check only). Status: 200 with the counts (rejected rows
// listed in errors), 400 malformed body, 401 bad or missing token, 404
// unknown kind or API off, 413 body too large (nothing stored; the body is
// spooled to a temporary file of at most MaxBytes before anything is
// parsed) or over a row or cell limit, 422 atomic import with rejections
// (nothing stored), 500 database failure. Whatever the status, stored and
// the counts say what the database holds from this request.
func NewImportHandler(opt Options) http.Handler {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &handler{opt: opt, token: sha256.Sum256([]byte(opt.Token))}
}

func (h *handler) authorised(r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(auth) < len(prefix) || !strings.EqualFold(auth[:len(prefix)], prefix) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(auth[len(prefix):])))
	return subtle.ConstantTimeCompare(got[:], h.token[:]) == 1
}

// spool copies the body into a temporary file, reading at most max bytes
// and one more: a body over the cap, with or without a Content-Length
// (chunked), is known before anything is parsed or stored.
func spool(body io.Reader, max int64) (f *os.File, tooLarge bool, err error) {
	f, err = os.CreateTemp("", "dondoc-ingest-*.json")
	if err != nil {
		return nil, false, fmt.Errorf("ingestapi: spool: %w", err)
	}
	_ = os.Remove(f.Name()) // unlinked: gone when closed, whatever happens
	n, err := io.Copy(f, io.LimitReader(body, max+1))
	if err == nil && n > max {
		tooLarge = true
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil || tooLarge {
		_ = f.Close()
		return nil, tooLarge, err
	}
	return f, false, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.opt.Token == "" {
		writeJSON(w, http.StatusNotFound, Response{Error: "ingest API is off (INGEST_TOKEN is empty)"})
		return
	}
	if !h.authorised(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="dondoc ingest"`)
		writeJSON(w, http.StatusUnauthorized, Response{Error: "missing or wrong bearer token"})
		return
	}
	kind, err := ingest.ParseKind(r.PathValue("kind"))
	if err != nil {
		writeJSON(w, http.StatusNotFound, Response{Error: err.Error()})
		return
	}
	tooLarge := func() {
		le := &ingest.LimitError{Name: "request", Limit: ingest.LimitBody, Max: h.opt.MaxBytes}
		writeJSON(w, http.StatusRequestEntityTooLarge, Response{Kind: string(kind), Errors: []RowError{}, Error: le.Error()})
	}
	if r.ContentLength > h.opt.MaxBytes {
		tooLarge()
		return
	}
	f, over, err := spool(r.Body, h.opt.MaxBytes)
	switch {
	case over:
		tooLarge()
		return
	case err != nil:
		h.opt.Log.Warn("ingest API: reading the body failed", "kind", string(kind), "err", err)
		writeJSON(w, http.StatusBadRequest, Response{Kind: string(kind), Errors: []RowError{}, Error: "the request body could not be read"})
		return
	}
	defer f.Close()
	br := bufio.NewReader(f)
	format := sniff(br, r.Header.Get("Content-Type"))
	atomic, dryRun := boolParam(r, "atomic"), boolParam(r, "dry_run")
	rd, err := ingest.NewReader(br, format, ingest.Options{Kind: kind, Location: h.opt.Location, Name: "request", Limits: h.opt.Limits})
	if err != nil {
		status := http.StatusBadRequest
		if isLimit(err) {
			status = http.StatusRequestEntityTooLarge
		}
		writeJSON(w, status, Response{Kind: string(kind), Errors: []RowError{}, Error: err.Error()})
		return
	}
	defer rd.Close()
	res, err := ingest.Run(r.Context(), h.opt.Store, rd, ingest.RunOptions{
		Atomic: atomic, DryRun: dryRun, Now: h.opt.Now, Log: h.opt.Log,
	})
	resp := response(kind, res, dryRun)
	status := http.StatusOK
	switch {
	case err != nil && isLimit(err):
		status, resp.Error = http.StatusRequestEntityTooLarge, err.Error()
	case err != nil && isReadError(err):
		status, resp.Error = http.StatusBadRequest, err.Error()
	case err != nil:
		h.opt.Log.Error("ingest API: import failed", "kind", string(kind), "err", err)
		status, resp.Error = http.StatusInternalServerError, "the import failed; see the server log"
	case atomic && !dryRun && res.Rejected > 0:
		status, resp.Error = http.StatusUnprocessableEntity, fmt.Sprintf("nothing stored (atomic): %d rows rejected", res.Rejected)
	}
	if err == nil {
		h.opt.Log.Info("ingest API: import", "kind", string(kind), "summary", res.Summary.String(), "dry_run", dryRun)
	}
	writeJSON(w, status, resp)
}

// isLimit tells an input over one of ingest's limits.
func isLimit(err error) bool {
	var le *ingest.LimitError
	return errors.As(err, &le)
}

// isReadError tells the body's faults (malformed JSON...) from the
// database's.
func isReadError(err error) bool {
	var re *ingest.ReadError
	return errors.As(err, &re)
}

// response reports res. Outside a dry run the counts are what the
// database holds from the request: when nothing was stored (an atomic
// import with rejections or stopped by a limit) they are zero, whatever
// the batches would have written; rejected still counts the rows refused.
func response(kind ingest.Kind, res ingest.Result, dryRun bool) Response {
	if !res.Stored && !dryRun {
		res.Inserted, res.Updated, res.Unchanged, res.Unassigned = 0, 0, 0, 0
	}
	out := Response{
		Kind: string(kind), Inserted: res.Inserted, Updated: res.Updated, Unchanged: res.Unchanged,
		Rejected: res.Rejected, Warnings: res.Summary.Warnings, Unassigned: res.Unassigned, Stored: res.Stored,
		DryRun: dryRun, Summary: res.Summary.String(), Errors: []RowError{}, ErrorsTotal: len(res.Errors),
		WarningList: res.Warnings,
	}
	for i, e := range res.Errors {
		if i == MaxErrors {
			break
		}
		out.Errors = append(out.Errors, RowError{Line: e.Line, Field: e.Field, Value: e.Value, Reason: e.Reason, Message: e.Error()})
	}
	return out
}

// sniff picks NDJSON for an NDJSON content type or a body not starting
// with '['; a JSON array otherwise.
func sniff(br *bufio.Reader, contentType string) ingest.Format {
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "ndjson") || strings.Contains(ct, "jsonl") || strings.Contains(ct, "json-seq") {
		return ingest.FormatNDJSON
	}
	for i := 1; i <= 4096; i++ {
		b, err := br.Peek(i)
		if err != nil || len(b) < i {
			return ingest.FormatJSON
		}
		switch c := b[i-1]; c {
		case ' ', '\t', '\r', '\n', 0xEF, 0xBB, 0xBF:
			continue
		case '[':
			return ingest.FormatJSON
		default:
			return ingest.FormatNDJSON
		}
	}
	return ingest.FormatJSON
}

func boolParam(r *http.Request, name string) bool {
	switch strings.ToLower(r.URL.Query().Get(name)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
