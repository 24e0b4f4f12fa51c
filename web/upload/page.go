package upload

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/dondoc/dondoc/bot/handlers"
	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
	"github.com/dondoc/dondoc/store"
)

const (
	textForbidden   = "Link tải lên không đúng, đã được dùng hoặc đã hết hạn (mỗi link chỉ dùng được một lần, trong 15 phút)."
	textNotImported = "Tệp vừa gửi không được nhập."
	textNewLink     = "Cần tải tệp lên, gõ /tailen trong cuộc trò chuyện riêng với bot để lấy link mới."
)

// maxPageErrors is how many row errors the result page lists; the CSV has
// them all.
const maxPageErrors = 100

// page is what the template shows: the form (Form set), a result, or a
// message.
type page struct {
	Title   string
	Message string // a paragraph under the title
	Problem string // the form's error, shown above it
	Tail    string // a last paragraph
	Form    *form
	Result  *result
}

type form struct {
	Who     string
	Expires string
	Kinds   []kindOption
	MaxMB   int64
	Accept  string
}

type kindOption struct {
	Value, Label string
	Checked      bool
}

type result struct {
	Summary    string
	NotStored  bool
	Unassigned string
	Errors     []string
	ErrorCount string
	More       string
	CSV        string // the download link, "" when not kept
	CSVMissing bool   // errors, but their CSV could not be kept
}

func (h *Handler) formPage(tok store.UploadToken, o models.Officer, problem, kindText string) page {
	checked, _ := ingest.ParseKind(kindText)
	f := &form{Who: o.Name + " (" + o.Role.Label() + ")", MaxMB: h.cfg.MaxBytes >> 20,
		Accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	exp := tok.ExpiresAt.In(h.cfg.Location)
	f.Expires = exp.Format("15:04") + " ngày " + models.DateOf(exp, h.cfg.Location).VN()
	for _, k := range ingest.Kinds {
		f.Kinds = append(f.Kinds, kindOption{Value: string(k), Label: handlers.KindName(k), Checked: k == checked})
	}
	return page{Title: "Tải tệp dữ liệu lên", Problem: problem, Form: f,
		Tail: "Kết quả nhập cũng được gửi vào cuộc trò chuyện của bạn với bot."}
}

func (h *Handler) resultPage(token string, rec received, out handlers.ImportOutcome, ierr error, csvKept bool) page {
	name := models.Clip(rec.name, 80)
	if ierr != nil {
		return page{Title: "Không nhập được tệp",
			Message: fmt.Sprintf("Không nhập được tệp %s (%s): %s", name, handlers.KindName(rec.kind), firstLine(ierr.Error())),
			Tail:    "Link này đã được dùng. Sửa tệp rồi gõ /tailen trong cuộc trò chuyện riêng với bot để lấy link mới."}
	}
	res := &result{Summary: fmt.Sprintf("Đã nhập %s (%s): %s", name, handlers.KindName(rec.kind), handlers.SummaryVN(out.Summary)),
		NotStored: !out.Stored}
	if out.Unassigned > 0 {
		res.Unassigned = fmt.Sprintf("%s hồ sơ chưa xác định được cán bộ hoặc đơn vị xử lý.", handlers.Num(out.Unassigned))
	}
	if n := len(out.Errors); n > 0 {
		res.ErrorCount = handlers.Num(n)
		for _, e := range out.Errors[:min(n, maxPageErrors)] {
			res.Errors = append(res.Errors, e.Vietnamese())
		}
		if n > maxPageErrors {
			res.More = fmt.Sprintf("… và %s lỗi khác (xem tệp CSV).", handlers.Num(n-maxPageErrors))
		}
		if csvKept {
			res.CSV = PathPrefix + token + "/loi.csv"
		} else {
			res.CSVMissing = true
		}
	}
	return page{Title: "Kết quả nhập", Result: res,
		Tail: "Kết quả đã được gửi vào cuộc trò chuyện của bạn với bot. Link này đã được dùng; cần tải tệp khác, gõ /tailen để lấy link mới."}
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return models.Clip(s, 300)
}

func (h *Handler) render(w http.ResponseWriter, status int, p page) {
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, p); err != nil {
		h.cfg.Log.Error("upload: page not rendered", "err", err)
		http.Error(w, "lỗi hệ thống, vui lòng thử lại sau", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// pageTmpl is the whole page: no script, no external asset, one column
// that fits a 320 px phone.
var pageTmpl = template.Must(template.New("upload").Parse(`<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}} — dondoc</title>
<style>
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:#1b1f24;background:#f3f5f8}
main{max-width:36rem;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.25rem 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
p{margin:.5rem 0}
.card{background:#fff;border:1px solid #d5dae1;border-radius:.5rem;padding:1rem}
.problem{background:#fdecea;border:1px solid #e0a39c;color:#8a1c12;border-radius:.5rem;padding:.75rem;margin:0 0 1rem}
fieldset{border:0;margin:0 0 1rem;padding:0;min-width:0}
legend{font-weight:600;margin-bottom:.5rem;padding:0}
.kinds{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.5rem}
.kinds label{display:flex;align-items:center;gap:.5rem;border:1px solid #c3cad3;border-radius:.5rem;padding:.6rem .75rem;background:#fafbfc;min-height:2.75rem}
.kinds input{width:1.15rem;height:1.15rem;margin:0;flex:none}
.file{display:block;font-weight:600;margin-bottom:.5rem}
input[type=file]{display:block;width:100%;max-width:100%;padding:.6rem;border:1px dashed #8a96a6;border-radius:.5rem;background:#fafbfc;font-size:1rem}
button{display:block;width:100%;margin-top:1rem;padding:.85rem 1rem;font-size:1.05rem;font-weight:600;color:#fff;background:#0b5cad;border:0;border-radius:.5rem;min-height:3rem}
.note{color:#4a5563;font-size:.925rem}
ul.errors{padding-left:1.25rem;margin:.5rem 0;overflow-wrap:anywhere}
.summary{font-weight:600;overflow-wrap:anywhere}
a.download{display:inline-block;margin-top:.5rem;padding:.6rem .9rem;border:1px solid #0b5cad;border-radius:.5rem;color:#0b5cad;text-decoration:none;font-weight:600}
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{with .Message}}<p class="card">{{.}}</p>{{end}}
{{with .Problem}}<p class="problem" role="alert">{{.}}</p>{{end}}
{{with .Form}}
<form class="card" method="post" enctype="multipart/form-data">
<p class="note">Người tải lên: <b>{{.Who}}</b>. Link dùng được một lần, đến {{.Expires}}.</p>
<fieldset>
<legend>Loại dữ liệu</legend>
<div class="kinds">
{{range .Kinds}}<label><input type="radio" name="kind" value="{{.Value}}" required{{if .Checked}} checked{{end}}> {{.Label}}</label>
{{end}}</div>
</fieldset>
<label class="file" for="file">Tệp .csv hoặc .xlsx (tối đa {{.MaxMB}} MB)</label>
<input type="file" id="file" name="file" accept="{{.Accept}}" required>
<button type="submit">Tải lên và nhập</button>
</form>
{{end}}
{{with .Result}}
<div class="card">
<p class="summary">{{.Summary}}</p>
{{if .NotStored}}<p>Chưa lưu gì vào cơ sở dữ liệu.</p>{{end}}
{{with .Unassigned}}<p>{{.}}</p>{{end}}
{{if .Errors}}
<h2>Các dòng lỗi ({{.ErrorCount}})</h2>
<ul class="errors">
{{range .Errors}}<li>{{.}}</li>
{{end}}</ul>
{{with .More}}<p>{{.}}</p>{{end}}
{{with .CSV}}<p><a class="download" href="{{.}}" download>Tải danh sách lỗi (CSV)</a></p>{{end}}
{{if .CSVMissing}}<p class="note">Danh sách lỗi quá lớn để tải về từ trang này.</p>{{end}}
{{end}}
</div>
{{end}}
{{with .Tail}}<p class="note">{{.}}</p>{{end}}
</main>
</body>
</html>
`))
