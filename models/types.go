package models

import (
	"time"
)

// Unit is an agency or sub-unit (sở, phòng, UBND xã/phường, Trung tâm PVHCC).
// Units form a tree with validity dates and an optional successor, so that
// dossiers of a unit merged on 1 July 2025 add up under the new one.
type Unit struct {
	Code          string
	Name          string
	Level         string // cấp: tinh, so, huyen, xa, phong, ...
	ParentCode    string
	ValidFrom     Date // NoDate: since always
	ValidTo       Date // NoDate: still valid; else the last valid day
	SuccessorCode string
	// PortalID is the unit's id on the national portal (Cổng Dịch vụ công
	// quốc gia), for reconciliation; empty when not mapped.
	PortalID string
}

// ValidOn reports whether u exists on day d.
func (u *Unit) ValidOn(d Date) bool {
	return (u.ValidFrom == NoDate || d >= u.ValidFrom) && (u.ValidTo == NoDate || d <= u.ValidTo)
}

// Validate checks the fields a unit must have.
func (u *Unit) Validate() error {
	var v validator
	v.required("ma_don_vi", u.Code)
	v.required("ten_don_vi", u.Name)
	if u.ParentCode != "" && u.ParentCode == u.Code {
		v.add("ma_don_vi_cha", u.ParentCode, "is the unit itself")
	}
	if u.ValidFrom != NoDate && u.ValidTo != NoDate && u.ValidTo < u.ValidFrom {
		v.add("hieu_luc_den", u.ValidTo.String(), "is before hieu_luc_tu")
	}
	return v.err("đơn vị " + u.Code)
}

// Officer is a person dondoc reminds or answers: officer, leader,
// secretariat or admin.
type Officer struct {
	Code     string
	Name     string
	UnitCode string
	Position string // chức vụ
	Role     Role
	Phone    string
	Email    string
	Active   bool
}

// Validate checks the fields an officer must have.
func (o *Officer) Validate() error {
	var v validator
	v.required("ma_can_bo", o.Code)
	v.required("ho_ten", o.Name)
	if !o.Role.Valid() {
		v.add("vai_tro", string(o.Role), "is not a role")
	}
	return v.err("cán bộ " + o.Code)
}

// Channel is how a dossier was submitted (kênh thực hiện).
type Channel string

// The submission channels.
const (
	ChannelUnknown Channel = ""
	ChannelDirect  Channel = "direct" // trực tiếp
	ChannelOnline  Channel = "online" // trực tuyến
	ChannelPostal  Channel = "postal" // bưu chính
)

// Label returns the Vietnamese name of the channel.
func (c Channel) Label() string {
	switch c {
	case ChannelDirect:
		return "trực tiếp"
	case ChannelOnline:
		return "trực tuyến"
	case ChannelPostal:
		return "bưu chính"
	}
	return ""
}

// Procedure is an administrative procedure (TTHC).
type Procedure struct {
	Code      string
	Name      string
	Field     string // lĩnh vực
	LimitDays int    // statutory time limit, in LimitUnit; 0 working days = same day
	// LimitUnit is the unit of LimitDays; empty means working days.
	LimitUnit LimitUnit
	// CutoffMinute is the procedure's own same-day cut-off (gio_cat),
	// minutes after midnight, when HasCutoff; else the global DONDOC_CUTOFF.
	CutoffMinute int
	HasCutoff    bool
}

// Limit returns the procedure's time limit with its unit.
func (p *Procedure) Limit() TimeLimit {
	u := p.LimitUnit
	if u == "" {
		u = UnitWorkingDays
	}
	return TimeLimit{N: p.LimitDays, Unit: u}
}

// DueDate returns the appointment date of a dossier of p received at t:
// p's time limit in its unit, with p's cut-off or the calendar's.
func (p *Procedure) DueDate(c *Calendar, received time.Time) time.Time {
	var cut *int
	if p.HasCutoff {
		cut = &p.CutoffMinute
	}
	return c.DueDateFor(received, p.Limit(), cut)
}

// Interval is a span of time; a zero End means it is still running.
type Interval struct {
	Start time.Time
	End   time.Time
}

// Dossier is one application (hồ sơ). Instants are UTC; a zero time.Time
// means the field is absent.
type Dossier struct {
	Code          string
	ProcedureCode string
	ProcedureName string
	Field         string
	UnitCode      string
	HandlerCode   string // cán bộ xử lý: the officer holding it now
	ReceivedAt    time.Time
	DueAt         time.Time // ngày hẹn trả: the current appointment date
	// OriginalDueAt is ngày hẹn trả ban đầu, the first appointment date,
	// when the export gives it; before DueAt when an apology letter moved it.
	OriginalDueAt time.Time
	// ExtendedDueAt is ngày gia hạn, the appointment date the (first)
	// extension set, when the export gives it; a DueAt after it means a
	// second extension.
	ExtendedDueAt    time.Time
	ExtensionCount   int       // số lần gia hạn, when the export gives it
	FinishedAt       time.Time // ngày kết thúc xử lý
	SystemFinishedAt time.Time // thời điểm cập nhật trên hệ thống
	ReturnedAt       time.Time // ngày trả kết quả
	Status           Status
	Channel          Channel
	SupplementCount  int        // số lần bổ sung (may exceed len(Supplements))
	Supplements      []Interval // each wait for the applicant's papers
	ApplicantName    string     // personal data: only in the handler's private chat
}

// EndAt returns when a finished or ended dossier ended: finished_at, else
// returned_at. Zero for an open dossier or one without either date.
func (d *Dossier) EndAt() time.Time {
	if !d.FinishedAt.IsZero() {
		return d.FinishedAt
	}
	return d.ReturnedAt
}

// SupplementWait returns the wall-clock time spent waiting for supplements
// before t: the waits begun before t, up to t (open waits count up to t),
// overlapping waits once.
func (d *Dossier) SupplementWait(t time.Time) time.Duration {
	var sum time.Duration
	eachWait(d.Supplements, func(s, e time.Time) bool {
		if !s.Before(t) {
			return false
		}
		if e.IsZero() || e.After(t) {
			e = t
		}
		sum += e.Sub(s)
		return true
	})
	return sum
}

// SupplementRequests returns how many times supplements were requested.
func (d *Dossier) SupplementRequests() int {
	if d.SupplementCount > len(d.Supplements) {
		return d.SupplementCount
	}
	return len(d.Supplements)
}

// Validate checks the fields a dossier must have and their order.
func (d *Dossier) Validate() error {
	var v validator
	v.required("ma_ho_so", d.Code)
	if d.ReceivedAt.IsZero() {
		v.add("ngay_tiep_nhan", "", "is required")
	}
	if d.DueAt.IsZero() {
		v.add("ngay_hen_tra", "", "is required")
	}
	if !d.Status.Valid() {
		v.add("trang_thai", "", "is required")
	}
	if !d.ReceivedAt.IsZero() && !d.DueAt.IsZero() && d.DueAt.Before(d.ReceivedAt) {
		v.add("ngay_hen_tra", d.DueAt.Format(time.RFC3339), "is before ngay_tiep_nhan")
	}
	if !d.ReceivedAt.IsZero() && !d.FinishedAt.IsZero() && d.FinishedAt.Before(d.ReceivedAt) {
		v.add("ngay_ket_thuc_xu_ly", d.FinishedAt.Format(time.RFC3339), "is before ngay_tiep_nhan")
	}
	if d.Status.IsFinished() && d.EndAt().IsZero() {
		v.add("ngay_ket_thuc_xu_ly", "", "is required for a finished dossier (status "+d.Status.String()+")")
	}
	if d.SupplementCount < 0 {
		v.add("so_lan_bo_sung", "", "is negative")
	}
	return v.err("hồ sơ " + d.Code)
}

// Step is one step of a dossier's internal process (bước xử lý).
type Step struct {
	DossierCode string
	Seq         int
	Name        string
	OfficerCode string
	StartedAt   time.Time
	// DueAt is the step's own deadline; zero when the export gives none,
	// and the step then answers to the dossier's deadline.
	DueAt      time.Time
	FinishedAt time.Time // zero while the step is open
}

// Validate checks the fields a step must have.
func (s *Step) Validate() error {
	var v validator
	v.required("ma_ho_so", s.DossierCode)
	if s.Seq <= 0 {
		v.add("buoc", "", "must be a positive step number")
	}
	v.required("ma_can_bo", s.OfficerCode)
	return v.err("bước xử lý")
}

// DayKind is what an official override makes of a day.
type DayKind string

// The kinds of override.
const (
	DayOff     DayKind = "off"     // nghỉ
	DayWorking DayKind = "working" // làm bù
)

// Label returns the Vietnamese word for the kind.
func (k DayKind) Label() string {
	if k == DayWorking {
		return "làm bù"
	}
	return "nghỉ"
}

// Holiday is a day off or a make-up working day, from the built-in rules
// or an official override.
type Holiday struct {
	Date   Date
	Kind   DayKind
	Name   string
	Source string // the notice it stands on, e.g. "9441/TB-BNV"
	// Origin says where the calendar took the day from (set by the
	// calendar; the zero value is the built-in rule).
	Origin HolidayOrigin
}

// HolidayOrigin is where a day of the calendar comes from.
type HolidayOrigin uint8

// The origins, weakest first: each wins over the ones before.
const (
	OriginRule     HolidayOrigin = iota // the Labour Code rule (VietnamHolidays)
	OriginOfficial                      // an official notice shipped with dondoc
	OriginImported                      // imported by the secretariat (database)
)

// Label names the origin for the secretariat.
func (o HolidayOrigin) Label() string {
	switch o {
	case OriginOfficial:
		return "thông báo chính thức"
	case OriginImported:
		return "văn phòng nhập"
	}
	return "quy tắc"
}
