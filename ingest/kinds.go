// Package ingest reads the files the secretariat brings (CSV, XLSX exported
// by the provincial TTHC system) and what a sync job pushes (JSON, NDJSON),
// and turns each row into a models record or precise row errors. Reading is
// streaming: a file of any size is read in constant memory and handed over
// row by row (Reader.Next) or in batches (ReadBatches).
package ingest

import (
	"fmt"
	"strings"

	"github.com/dondoc/dondoc/models"
)

// Kind is what a file holds.
type Kind string

// The kinds of file.
const (
	KindUnits    Kind = "units"
	KindOfficers Kind = "officers"
	KindDossiers Kind = "dossiers"
	KindSteps    Kind = "steps"
	KindHolidays Kind = "holidays"
	// KindProcedures: the procedures (TTHC) with their time limit, its
	// unit and their same-day cut-off (gio_cat).
	KindProcedures Kind = "procedures"
)

// Kinds lists every kind, in the order they should be imported.
var Kinds = []Kind{KindUnits, KindOfficers, KindProcedures, KindDossiers, KindSteps, KindHolidays}

var kindAliases = map[string]Kind{
	"units": KindUnits, "unit": KindUnits, "don vi": KindUnits,
	"officers": KindOfficers, "officer": KindOfficers, "can bo": KindOfficers,
	"dossiers": KindDossiers, "dossier": KindDossiers, "ho so": KindDossiers,
	"steps": KindSteps, "step": KindSteps, "buoc": KindSteps, "buoc xu ly": KindSteps, "quy trinh": KindSteps,
	"holidays": KindHolidays, "holiday": KindHolidays, "ngay nghi": KindHolidays, "ngay le": KindHolidays,
	"procedures": KindProcedures, "procedure": KindProcedures, "thu tuc": KindProcedures, "tthc": KindProcedures,
}

// ParseKind reads a kind in English (singular or plural) or Vietnamese.
func ParseKind(s string) (Kind, error) {
	if k, ok := kindAliases[models.Fold(s)]; ok {
		return k, nil
	}
	return "", fmt.Errorf("%q is not a kind of file (expected units, officers, procedures, dossiers, steps or holidays)", s)
}

// Field is one canonical field of a kind and the header names accepted for
// it (the canonical name itself is always accepted too).
type Field struct {
	Name     string
	Aliases  []string
	Required bool
}

// Accepted returns the header names accepted for f, canonical name last.
func (f Field) Accepted() []string { return append(append([]string(nil), f.Aliases...), f.Name) }

// Field indices, per kind. The slices below are indexed by them.
const (
	dCode = iota
	dProcCode
	dProcName
	dField
	dUnit
	dHandler
	dReceived
	dDue
	dFinished
	dSysFinished
	dReturned
	dStatus
	dChannel
	dSuppCount
	dSuppReq
	dSuppDone
	dApplicant
	dOrigDue
	dExtDue
	dExtCount
)

const (
	sDossier = iota
	sSeq
	sName
	sOfficer
	sStarted
	sDue
	sFinished
)

const (
	oCode = iota
	oName
	oUnit
	oPosition
	oRole
	oPhone
	oEmail
)

const (
	uCode = iota
	uName
	uLevel
	uParent
	uFrom
	uTo
	uSuccessor
	uPortal
)

const (
	pCode = iota
	pName
	pField
	pLimit
	pUnit
	pCutoff
)

const (
	hDate = iota
	hKind
	hName
	hSource
)

var kindFields = map[Kind][]Field{
	KindDossiers: {
		dCode:        {"ma_ho_so", []string{"Mã hồ sơ", "Số hồ sơ"}, true},
		dProcCode:    {"ma_tthc", []string{"Mã TTHC", "Mã thủ tục"}, false},
		dProcName:    {"ten_tthc", []string{"Tên thủ tục", "Tên TTHC"}, false},
		dField:       {"linh_vuc", []string{"Lĩnh vực"}, false},
		dUnit:        {"ma_don_vi", []string{"Mã đơn vị", "Đơn vị xử lý", "Cơ quan giải quyết"}, false},
		dHandler:     {"ma_can_bo", []string{"Cán bộ xử lý", "Người xử lý", "Tài khoản xử lý"}, false},
		dReceived:    {"ngay_tiep_nhan", []string{"Ngày tiếp nhận", "Ngày nhận"}, true},
		dDue:         {"ngay_hen_tra", []string{"Ngày hẹn trả", "Hạn xử lý"}, true},
		dFinished:    {"ngay_ket_thuc_xu_ly", []string{"Ngày kết thúc xử lý", "Ngày có kết quả", "Ngày hoàn thành"}, false},
		dSysFinished: {"ngay_cap_nhat_he_thong", []string{"Ngày cập nhật trên hệ thống"}, false},
		dReturned:    {"ngay_tra", []string{"Ngày trả kết quả"}, false},
		dStatus:      {"trang_thai", []string{"Trạng thái"}, true},
		dChannel:     {"kenh", []string{"Kênh thực hiện", "Kênh"}, false},
		dSuppCount:   {"so_lan_bo_sung", []string{"Số lần bổ sung"}, false},
		dSuppReq:     {"ngay_yeu_cau_bo_sung", []string{"Ngày yêu cầu bổ sung"}, false},
		dSuppDone:    {"ngay_hoan_thanh_bo_sung", []string{"Ngày hoàn thành bổ sung"}, false},
		dApplicant:   {"chu_ho_so", []string{"Chủ hồ sơ"}, false},
		dOrigDue:     {"ngay_hen_tra_ban_dau", []string{"Ngày hẹn trả ban đầu"}, false},
		dExtDue:      {"ngay_gia_han", []string{"Ngày gia hạn", "Ngày hẹn trả gia hạn"}, false},
		dExtCount:    {"so_lan_gia_han", []string{"Số lần gia hạn"}, false},
	},
	KindSteps: {
		sDossier:  {"ma_ho_so", []string{"Mã hồ sơ", "Số hồ sơ"}, true},
		sSeq:      {"buoc", []string{"Bước", "STT bước"}, true},
		sName:     {"ten_buoc", []string{"Tên bước", "Nội dung bước"}, false},
		sOfficer:  {"ma_can_bo", []string{"Cán bộ xử lý", "Người xử lý", "Tài khoản xử lý"}, true},
		sStarted:  {"ngay_bat_dau", []string{"Ngày bắt đầu"}, false},
		sDue:      {"han_xu_ly", []string{"Hạn xử lý bước", "Hạn xử lý"}, false},
		sFinished: {"ngay_ket_thuc", []string{"Ngày kết thúc"}, false},
	},
	KindOfficers: {
		oCode:     {"ma_can_bo", []string{"Mã cán bộ", "Tài khoản"}, true},
		oName:     {"ho_ten", []string{"Họ tên", "Họ và tên"}, true},
		oUnit:     {"ma_don_vi", []string{"Mã đơn vị", "Đơn vị"}, false},
		oPosition: {"chuc_vu", []string{"Chức vụ"}, false},
		oRole:     {"vai_tro", []string{"Vai trò"}, false},
		oPhone:    {"dien_thoai", []string{"Điện thoại", "Số điện thoại"}, false},
		oEmail:    {"email", []string{"Thư điện tử"}, false},
	},
	KindUnits: {
		uCode:      {"ma_don_vi", []string{"Mã đơn vị"}, true},
		uName:      {"ten_don_vi", []string{"Tên đơn vị"}, true},
		uLevel:     {"cap", []string{"Cấp"}, false},
		uParent:    {"ma_don_vi_cha", []string{"Mã đơn vị cha", "Đơn vị cha"}, false},
		uFrom:      {"hieu_luc_tu", []string{"Hiệu lực từ"}, false},
		uTo:        {"hieu_luc_den", []string{"Hiệu lực đến"}, false},
		uSuccessor: {"ma_don_vi_ke_thua", []string{"Đơn vị kế thừa"}, false},
		// The unit's id on the national portal; a file may name it
		// otherwise (Options.PortalColumn, DONDOC_PORTAL_ID_COLUMN).
		uPortal: {"ma_cong_dvc", []string{"Mã trên Cổng DVCQG", "Mã Cổng DVC", "Mã đơn vị trên Cổng"}, false},
	},
	KindProcedures: {
		pCode:   {"ma_tthc", []string{"Mã TTHC", "Mã thủ tục"}, true},
		pName:   {"ten_tthc", []string{"Tên thủ tục", "Tên TTHC"}, false},
		pField:  {"linh_vuc", []string{"Lĩnh vực"}, false},
		pLimit:  {"thoi_han", []string{"Thời hạn giải quyết", "Thời hạn"}, true},
		pUnit:   {"don_vi_thoi_han", []string{"Đơn vị thời hạn", "Đơn vị tính"}, false},
		pCutoff: {"gio_cat", []string{"Giờ cắt", "Giờ chốt tiếp nhận"}, false},
	},
	KindHolidays: {
		hDate:   {"ngay", []string{"Ngày"}, true},
		hKind:   {"loai", []string{"Loại"}, false},
		hName:   {"ten", []string{"Tên", "Tên ngày lễ"}, false},
		hSource: {"can_cu", []string{"Căn cứ", "Văn bản"}, false},
	},
}

// Fields returns the canonical fields of k (nil for an unknown kind).
func Fields(k Kind) []Field { return kindFields[k] }

// headerIndex maps folded header names to field indices, per kind.
var headerIndex = func() map[Kind]map[string]int {
	out := map[Kind]map[string]int{}
	for k, fs := range kindFields {
		m := map[string]int{}
		for i, f := range fs {
			for _, a := range f.Accepted() {
				m[models.Fold(a)] = i
			}
		}
		out[k] = m
	}
	return out
}()

// MatchHeader returns the canonical field a header names for kind k, after
// NFC and case- and diacritic-insensitive folding.
func MatchHeader(k Kind, header string) (Field, bool) {
	i, ok := headerIndex[k][models.Fold(header)]
	if !ok {
		return Field{}, false
	}
	return kindFields[k][i], true
}

func describeAccepted(f Field) string {
	q := f.Accepted()
	for i, s := range q {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
