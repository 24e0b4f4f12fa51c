package models

import "strings"

// The words officials read, in one place: every renderer (digest, chat,
// report, web) takes its labels from here.
const (
	// LabelApplicant is the applicant (the export's "Chủ hồ sơ"), the one
	// word used everywhere.
	LabelApplicant = "Chủ hồ sơ"
	// LabelApologyForm names the apology letter's form (Mẫu 04).
	LabelApologyForm = "Mẫu 04 «Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết»"
	// LabelScore766 is the portal's name of the 766 score.
	LabelScore766 = "Điểm tiến độ giải quyết (Bộ chỉ số 766)"
	// LabelEarlyOnTime: early and on-time dossiers together.
	LabelEarlyOnTime = "trước và đúng hạn"
	// The officer columns, for dossiers.
	LabelLate         = "giải quyết quá hạn"
	LabelLateOnSystem = "quá hạn trên Hệ thống"
	LabelOverdueOpen  = "đang quá hạn"
	// LabelLateApology: finished after the original date but by the
	// extended one (an apology letter was sent): shown apart, never as on time.
	LabelLateApology = "quá hạn, đã xin lỗi"
	// LabelHandlings counts steps (one officer may hold several steps of a
	// dossier): never "hồ sơ".
	LabelHandlings = "lượt xử lý"
	// LabelStepLate is a step past its (effective) deadline: steps are
	// "trễ hạn", never the dossiers' "quá hạn".
	LabelStepLate = "trễ hạn"
	// LabelUnassigned is a handler no officer record names.
	LabelUnassigned = "Chưa phân công cán bộ"
)

// UnknownAccount shows an account dondoc has no officer for: "tài khoản
// chưa khai báo (code)".
func UnknownAccount(code string) string {
	return "tài khoản chưa khai báo (" + strings.TrimSpace(code) + ")"
}
