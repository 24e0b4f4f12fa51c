package ingest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dondoc/dondoc/models"
)

// rowCtx turns one row's field values into a record, collecting every
// problem rather than stopping at the first.
type rowCtx struct {
	r    *Reader
	line int
	errs []*RowError
	bad  uint64 // fields with an error already
}

func (c *rowCtx) mark(f int) {
	if f >= 0 {
		c.bad |= 1 << uint(f)
	}
}

// maxErrorValue is how much of a wrong value a row error repeats.
const maxErrorValue = 200

func (c *rowCtx) fail(f int, reason string) {
	c.mark(f)
	c.errs = append(c.errs, &RowError{
		File: c.r.opt.Name, Line: c.line, Column: c.r.colName[f], Field: c.r.fields[f].Name,
		Value: models.Clip(c.display(f), maxErrorValue), Reason: reason,
	})
}

// textFields are the free-text fields, capped at Limits.MaxTextChars;
// every other field (codes, dates, numbers, enumerations) is capped at
// Limits.MaxCodeChars.
var textFields = map[string]bool{
	"ten_tthc": true, "linh_vuc": true, "chu_ho_so": true, "ten_buoc": true, "ho_ten": true,
	"chuc_vu": true, "email": true, "ten_don_vi": true, "cap": true, "ten": true, "can_cu": true,
}

// FieldCap returns the most characters field name may hold under lim.
func FieldCap(name string, lim Limits) int {
	lim = lim.withDefaults()
	if textFields[name] {
		return lim.MaxTextChars
	}
	return lim.MaxCodeChars
}

// capFields rejects every value longer than its field's cap, and blanks
// it so that the record's other checks do not repeat the error.
func (c *rowCtx) capFields() {
	for f := range c.r.fields {
		v := c.r.vals[f]
		limit := c.r.caps[f]
		if len(v) <= limit {
			continue
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(v)); n > limit {
			setting := "INGEST_MAX_CODE_CHARS"
			if textFields[c.r.fields[f].Name] {
				setting = "INGEST_MAX_TEXT_CHARS"
			}
			c.fail(f, fmt.Sprintf("is %d characters long: field %s holds at most %d (%s)", n, c.r.fields[f].Name, limit, setting))
			c.r.vals[f] = ""
		}
	}
}

// display returns a cell's value as the user saw it: a date cell of a
// workbook comes as an Excel serial number and is shown as dd/MM/yyyy.
func (c *rowCtx) display(f int) string {
	v := c.r.vals[f]
	if !isDateField(c.r.fields[f].Name) || !isSerial(strings.TrimSpace(v)) {
		return v
	}
	t, hasTime, err := ParseDate(v, c.r.loc)
	if err != nil {
		return v
	}
	if hasTime {
		return t.In(c.r.loc).Format("02/01/2006 15:04")
	}
	return t.In(c.r.loc).Format("02/01/2006")
}

func isDateField(name string) bool {
	return name == "ngay" || strings.HasPrefix(name, "ngay_") || strings.HasPrefix(name, "han_") || strings.HasPrefix(name, "hieu_luc_")
}

func (c *rowCtx) str(f int) string { return strings.TrimSpace(c.r.vals[f]) }

// instant reads a date or date-time; a bare date is the end of the day
// when endOfDay (due dates), else its start. Zero when empty.
func (c *rowCtx) instant(f int, endOfDay bool) time.Time {
	s := c.str(f)
	if s == "" {
		return time.Time{}
	}
	t, hasTime, err := ParseDate(s, c.r.loc)
	if err != nil {
		c.fail(f, "is not a date")
		return time.Time{}
	}
	if !hasTime && endOfDay {
		t = models.DateOf(t, c.r.loc).End(c.r.loc)
	}
	return t.UTC()
}

func (c *rowCtx) date(f int) models.Date {
	s := c.str(f)
	if s == "" {
		return models.NoDate
	}
	t, _, err := ParseDate(s, c.r.loc)
	if err != nil {
		c.fail(f, "is not a date")
		return models.NoDate
	}
	return models.DateOf(t, c.r.loc)
}

func (c *rowCtx) count(f int) int {
	s := c.str(f)
	if s == "" {
		return 0
	}
	n, ok := parseCount(s)
	if !ok {
		c.fail(f, "is not a whole number")
	}
	return n
}

func (c *rowCtx) officer(f int) string {
	code := c.str(f)
	if code != "" && c.r.opt.OfficerExists != nil && c.bad&(1<<uint(f)) == 0 && !c.r.opt.OfficerExists(code) {
		c.fail(f, "is not a known officer (import the officers file first)")
	}
	return code
}

// validated adds the record's own validation errors, except on fields that
// already have one (a bad date is not also "required").
func (c *rowCtx) validated(err error) {
	ve, ok := err.(*models.ValidationError)
	if !ok {
		if err != nil {
			c.errs = append(c.errs, &RowError{File: c.r.opt.Name, Line: c.line, Reason: err.Error()})
		}
		return
	}
	for _, fe := range ve.Fields {
		f := c.r.fieldIndex(fe.Field)
		if f < 0 {
			c.errs = append(c.errs, &RowError{File: c.r.opt.Name, Line: c.line, Field: fe.Field, Value: fe.Value, Reason: fe.Reason})
			continue
		}
		if c.bad&(1<<uint(f)) != 0 {
			continue
		}
		c.fail(f, fe.Reason)
	}
}

func (c *rowCtx) build() (any, string) {
	switch c.r.opt.Kind {
	case KindDossiers:
		return c.dossier()
	case KindSteps:
		return c.step()
	case KindOfficers:
		return c.officerRecord()
	case KindUnits:
		return c.unit()
	case KindHolidays:
		return c.holiday()
	}
	return nil, ""
}

func (c *rowCtx) dossier() (any, string) {
	d := &models.Dossier{
		Code:             c.str(dCode),
		ProcedureCode:    c.str(dProcCode),
		ProcedureName:    c.str(dProcName),
		Field:            c.str(dField),
		UnitCode:         c.str(dUnit),
		HandlerCode:      c.officer(dHandler),
		ReceivedAt:       c.instant(dReceived, false),
		DueAt:            c.instant(dDue, true),
		FinishedAt:       c.instant(dFinished, false),
		SystemFinishedAt: c.instant(dSysFinished, false),
		ReturnedAt:       c.instant(dReturned, false),
		SupplementCount:  c.count(dSuppCount),
		ApplicantName:    c.str(dApplicant),
	}
	if s := c.str(dStatus); s != "" {
		st, ok := c.r.memo.status(s)
		if !ok {
			c.fail(dStatus, "is not a dossier status (expected a code 1–10 or a name such as Đang xử lý, Đã trả kết quả)")
		}
		d.Status = st
	}
	if ch, ok := c.r.memo.channel(c.str(dChannel)); ok {
		d.Channel = ch
	} else {
		c.fail(dChannel, "is not a channel (expected trực tiếp, trực tuyến or bưu chính)")
	}
	req, done := c.instant(dSuppReq, false), c.instant(dSuppDone, false)
	switch {
	case !req.IsZero():
		d.Supplements = []models.Interval{{Start: req, End: done}}
		if !done.IsZero() && done.Before(req) {
			c.fail(dSuppDone, "is before ngay_yeu_cau_bo_sung")
		}
	case !done.IsZero():
		c.fail(dSuppDone, "is given without ngay_yeu_cau_bo_sung")
	}
	c.validated(d.Validate())
	return d, d.Code
}

func (c *rowCtx) step() (any, string) {
	s := &models.Step{
		DossierCode: c.str(sDossier),
		Seq:         c.count(sSeq),
		Name:        c.str(sName),
		OfficerCode: c.officer(sOfficer),
		StartedAt:   c.instant(sStarted, false),
		DueAt:       c.instant(sDue, true),
		FinishedAt:  c.instant(sFinished, false),
	}
	c.validated(s.Validate())
	return s, s.DossierCode + "#" + strconv.Itoa(s.Seq)
}

func (c *rowCtx) officerRecord() (any, string) {
	o := &models.Officer{
		Code:     c.str(oCode),
		Name:     c.str(oName),
		UnitCode: c.str(oUnit),
		Position: c.str(oPosition),
		Phone:    c.str(oPhone),
		Email:    c.str(oEmail),
		Active:   true,
	}
	role, err := models.ParseRole(c.str(oRole))
	if err != nil {
		c.fail(oRole, "is not a role (expected chuyên viên, lãnh đạo, văn phòng, quản trị or officer/leader/secretariat/admin)")
	} else {
		o.Role = role
	}
	c.validated(o.Validate())
	return o, o.Code
}

func (c *rowCtx) unit() (any, string) {
	u := &models.Unit{
		Code:          c.str(uCode),
		Name:          c.str(uName),
		Level:         c.str(uLevel),
		ParentCode:    c.str(uParent),
		ValidFrom:     c.date(uFrom),
		ValidTo:       c.date(uTo),
		SuccessorCode: c.str(uSuccessor),
	}
	c.validated(u.Validate())
	return u, u.Code
}

func (c *rowCtx) holiday() (any, string) {
	h := &models.Holiday{Date: c.date(hDate), Name: c.str(hName), Source: c.str(hSource)}
	if k, ok := ParseDayKind(c.str(hKind)); ok {
		h.Kind = k
	} else {
		c.fail(hKind, "is not a kind of day (expected nghỉ or làm bù)")
	}
	if h.Date == models.NoDate && c.bad&(1<<hDate) == 0 {
		c.fail(hDate, "is required")
	}
	return h, h.Date.String()
}

// memo caches the parsing of enumerated values (status, channel): a file
// holds a handful of distinct ones, and folding text is costly.
type memo struct {
	statuses map[string]models.Status
	channels map[string]models.Channel
}

const memoMax = 256

// status returns the status s names; a zero status with false when none.
func (m *memo) status(s string) (models.Status, bool) {
	if st, ok := m.statuses[s]; ok {
		return st, st != 0
	}
	st, err := models.ParseStatus(s)
	if err != nil {
		st = 0
	}
	if m.statuses == nil {
		m.statuses = map[string]models.Status{}
	}
	if len(m.statuses) < memoMax {
		m.statuses[s] = st
	}
	return st, st != 0
}

const badChannel models.Channel = "\x00"

func (m *memo) channel(s string) (models.Channel, bool) {
	if ch, ok := m.channels[s]; ok {
		return ch, ch != badChannel
	}
	ch, ok := ParseChannel(s)
	if !ok {
		ch = badChannel
	}
	if m.channels == nil {
		m.channels = map[string]models.Channel{}
	}
	if len(m.channels) < memoMax {
		m.channels[s] = ch
	}
	return ch, ok
}
