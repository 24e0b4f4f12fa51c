package ingest

import (
	"strings"
)

// reasonsVN translates the reasons of row errors for the secretariat, by
// prefix (longest first where one is the start of another). The English
// reason stays in RowError.Reason for logs and machines.
var reasonsVN = []struct{ en, vi string }{
	{"is required for a finished dossier (status ", "bắt buộc với hồ sơ đã có kết quả (trạng thái "},
	{"is required", "còn trống (bắt buộc)"},
	{"is empty", "còn trống"},
	{"is not a date", "không phải là ngày (dd/MM/yyyy, dd/MM/yyyy HH:mm hoặc YYYY-MM-DD)"},
	{"is before ngay_tiep_nhan", "trước ngày tiếp nhận"},
	{"is before ngay_yeu_cau_bo_sung", "trước ngày yêu cầu bổ sung"},
	{"is before hieu_luc_tu", "trước ngày bắt đầu hiệu lực"},
	{"is given without ngay_yeu_cau_bo_sung", "có nhưng thiếu ngày yêu cầu bổ sung"},
	{"must be a positive step number", "không phải số thứ tự bước (số nguyên dương) hay tên bước"},
	{"is not a positive step number", "không phải số thứ tự bước (số nguyên dương) hay tên bước"},
	{"is the unit itself", "là chính đơn vị này"},
	{"is not a whole number of days or hours", "không phải số ngày hoặc số giờ (số nguyên)"},
	{"is not a whole number", "không phải số nguyên"},
	{"is not a unit of time limit", "không phải đơn vị thời hạn (ngày làm việc, giờ làm việc hoặc ngày)"},
	{"is not a time of day", "không phải giờ trong ngày (HH:MM, ví dụ 15:00)"},
	{"is not a role", "không phải vai trò (chuyên viên, lãnh đạo, văn phòng hoặc quản trị)"},
	{"is not a known officer", "không có trong danh sách cán bộ (nhập tệp cán bộ trước)"},
	{"is not a known dossier", "không có trong danh sách hồ sơ (nhập tệp hồ sơ trước)"},
	{"is not a kind of day", "không phải loại ngày (nghỉ hoặc làm bù)"},
	{"is not a dossier status", "không phải trạng thái hồ sơ (mã 1–10 hoặc tên như Đang xử lý, Đã trả kết quả)"},
	{"is not a channel", "không phải kênh thực hiện (trực tiếp, trực tuyến hoặc bưu chính)"},
	{"is negative", "là số âm"},
	{"is not a string or a number", "không phải chuỗi hay số"},
	{"is not a JSON object", "không phải một đối tượng JSON"},
}

// ReasonVN returns the Vietnamese of an English row-error reason (the
// reason itself when it has none).
func ReasonVN(reason string) string {
	for _, t := range reasonsVN {
		if rest, ok := strings.CutPrefix(reason, t.en); ok {
			if strings.HasSuffix(t.vi, "(trạng thái ") {
				return t.vi + rest
			}
			if rest == "" || strings.HasPrefix(rest, " (") || strings.HasPrefix(rest, ":") {
				return t.vi
			}
		}
	}
	return reason
}

// Vietnamese reads like: dossiers.csv:118: cột "Ngày hẹn trả": "31/02/2026"
// không phải là ngày (…). The secretariat reads it (CLI, chat, error file).
func (e *RowError) Vietnamese() string { return e.format("cột", "trường", ReasonVN(e.Reason)) }
