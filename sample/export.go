package sample

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dondoc/dondoc/models"
)

// The headers of the exports, as the provincial TTHC system writes them.
var (
	UnitHeader    = []string{"Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cha", "Hiệu lực từ", "Hiệu lực đến", "Mã đơn vị kế thừa"}
	OfficerHeader = []string{"Mã cán bộ", "Họ tên", "Mã đơn vị", "Chức vụ", "Vai trò", "Điện thoại", "Email"}
	DossierHeader = []string{"Mã hồ sơ", "Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Mã đơn vị", "Cán bộ xử lý",
		"Ngày tiếp nhận", "Ngày hẹn trả", "Ngày kết thúc xử lý", "Ngày cập nhật trên hệ thống", "Ngày trả kết quả",
		"Trạng thái", "Kênh thực hiện", "Số lần bổ sung", "Ngày yêu cầu bổ sung", "Ngày hoàn thành bổ sung", "Chủ hồ sơ"}
	StepHeader = []string{"Mã hồ sơ", "Bước", "Tên bước", "Cán bộ xử lý", "Ngày bắt đầu", "Hạn xử lý bước", "Ngày kết thúc"}
)

// The export file names.
const (
	UnitsFile    = "units.csv"
	OfficersFile = "officers.csv"
	DossiersFile = "dossiers.csv"
	StepsFile    = "steps.csv"
)

// DateTimeLayout is how the exports write instants, in local time.
const DateTimeLayout = "02/01/2006 15:04:05"

// File is one written export.
type File struct {
	Name  string // units.csv...
	Path  string
	Rows  int // data rows, header excluded
	Bytes int64
}

// Files are the four exports WriteExports writes.
type Files struct {
	Units, Officers, Dossiers, Steps File
}

// All returns the files in writing order.
func (f Files) All() []File { return []File{f.Units, f.Officers, f.Dossiers, f.Steps} }

// WriteExports generates the sample of cfg into dir (created if needed) as
// the provincial system's CSV exports: UTF-8 with a BOM, comma-separated,
// Vietnamese headers, instants as dd/MM/yyyy HH:mm:ss in cfg.Location,
// statuses and channels by their Vietnamese names. A dossier with several
// requests for papers carries their count and the dates of the last one.
// Each file is written under a temporary name and renamed when complete.
func WriteExports(dir string, cfg Config) (Files, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Files{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Files{}, fmt.Errorf("sample: %w", err)
	}
	s := &csvSink{loc: cfg.Location}
	names := [4]string{UnitsFile, OfficersFile, DossiersFile, StepsFile}
	headers := [4][]string{UnitHeader, OfficerHeader, DossierHeader, StepHeader}
	for i := range s.out {
		if err := s.out[i].open(filepath.Join(dir, names[i]), headers[i]); err != nil {
			s.abort()
			return Files{}, err
		}
	}
	if err := Generate(cfg, s); err != nil {
		s.abort()
		return Files{}, err
	}
	var files [4]File
	for i := range s.out {
		f, err := s.out[i].close()
		if err != nil {
			s.abort()
			return Files{}, err
		}
		files[i] = f
	}
	return Files{Units: files[0], Officers: files[1], Dossiers: files[2], Steps: files[3]}, nil
}

// csvOut is one export being written.
type csvOut struct {
	path string
	f    *os.File
	bw   *bufio.Writer
	w    *csv.Writer
	rows int
}

func (o *csvOut) open(path string, header []string) error {
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return fmt.Errorf("sample: %w", err)
	}
	o.path, o.f = path, f
	o.bw = bufio.NewWriterSize(f, 1<<18)
	o.bw.WriteString("\uFEFF")
	o.w = csv.NewWriter(o.bw)
	return o.write(header)
}

func (o *csvOut) write(rec []string) error {
	if err := o.w.Write(rec); err != nil {
		return fmt.Errorf("sample: writing %s: %w", filepath.Base(o.path), err)
	}
	return nil
}

func (o *csvOut) close() (File, error) {
	o.w.Flush()
	err := errors.Join(o.w.Error(), o.bw.Flush(), o.f.Close())
	o.f = nil
	if err == nil {
		err = os.Rename(o.path+".tmp", o.path)
	}
	if err != nil {
		os.Remove(o.path + ".tmp")
		return File{}, fmt.Errorf("sample: writing %s: %w", filepath.Base(o.path), err)
	}
	st, err := os.Stat(o.path)
	if err != nil {
		return File{}, fmt.Errorf("sample: %w", err)
	}
	return File{Name: filepath.Base(o.path), Path: o.path, Rows: o.rows, Bytes: st.Size()}, nil
}

// csvSink writes the generated records to the four exports.
type csvSink struct {
	loc *time.Location
	out [4]csvOut
	rec [17]string
}

func (s *csvSink) abort() {
	for i := range s.out {
		if o := &s.out[i]; o.f != nil {
			o.f.Close()
			os.Remove(o.path + ".tmp")
			o.f = nil
		}
	}
}

func (s *csvSink) row(i int, rec []string) error {
	s.out[i].rows++
	return s.out[i].write(rec)
}

func (s *csvSink) ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.loc).Format(DateTimeLayout)
}

func (s *csvSink) Unit(u models.Unit) error {
	return s.row(0, append(s.rec[:0], u.Code, u.Name, u.Level, u.ParentCode, u.ValidFrom.VN(), u.ValidTo.VN(), u.SuccessorCode))
}

func (s *csvSink) Officer(o models.Officer) error {
	return s.row(1, append(s.rec[:0], o.Code, o.Name, o.UnitCode, o.Position, o.Role.Label(), o.Phone, o.Email))
}

func (s *csvSink) Procedure(models.Procedure) error { return nil }

func (s *csvSink) Dossier(d *models.Dossier) error {
	var req, done string
	if n := len(d.Supplements); n > 0 {
		req, done = s.ts(d.Supplements[n-1].Start), s.ts(d.Supplements[n-1].End)
	}
	return s.row(2, append(s.rec[:0], d.Code, d.ProcedureCode, d.ProcedureName, d.Field, d.UnitCode, d.HandlerCode,
		s.ts(d.ReceivedAt), s.ts(d.DueAt), s.ts(d.FinishedAt), s.ts(d.SystemFinishedAt), s.ts(d.ReturnedAt),
		d.Status.String(), d.Channel.Label(), strconv.Itoa(d.SupplementRequests()), req, done, d.ApplicantName))
}

func (s *csvSink) Step(st models.Step) error {
	return s.row(3, append(s.rec[:0], st.DossierCode, strconv.Itoa(st.Seq), st.Name, st.OfficerCode,
		s.ts(st.StartedAt), s.ts(st.DueAt), s.ts(st.FinishedAt)))
}
