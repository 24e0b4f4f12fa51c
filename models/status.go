package models

import (
	"fmt"
	"strconv"
	"strings"
)

// Status is a dossier status, by its national sync code (TrangThaiHoSo).
type Status uint8

// The national dossier status codes.
const (
	StatusRegistered        Status = 1  // Mới đăng ký
	StatusAccepted          Status = 2  // Được tiếp nhận
	StatusRejected          Status = 3  // Không được tiếp nhận
	StatusProcessing        Status = 4  // Đang xử lý
	StatusSupplement        Status = 5  // Yêu cầu bổ sung giấy tờ
	StatusFinancialDuty     Status = 6  // Yêu cầu thực hiện nghĩa vụ tài chính
	StatusWithdrawn         Status = 7  // Công dân yêu cầu rút hồ sơ
	StatusStopped           Status = 8  // Dừng xử lý
	StatusFinished          Status = 9  // Đã xử lý xong
	StatusReturned          Status = 10 // Đã trả kết quả
	minStatus, maxStatus    Status = 1, 10
	statusNamesDescribedFor        = "1–10 or a Vietnamese status name"
)

var statusNames = [...]string{
	StatusRegistered:    "Mới đăng ký",
	StatusAccepted:      "Được tiếp nhận",
	StatusRejected:      "Không được tiếp nhận",
	StatusProcessing:    "Đang xử lý",
	StatusSupplement:    "Yêu cầu bổ sung giấy tờ",
	StatusFinancialDuty: "Yêu cầu thực hiện nghĩa vụ tài chính",
	StatusWithdrawn:     "Công dân yêu cầu rút hồ sơ",
	StatusStopped:       "Dừng xử lý",
	StatusFinished:      "Đã xử lý xong",
	StatusReturned:      "Đã trả kết quả",
}

// statusAliases maps folded names (see Fold) to codes: the official names and
// the shorter forms vendors' exports use.
var statusAliases = func() map[string]Status {
	m := map[string]Status{}
	for s := minStatus; s <= maxStatus; s++ {
		m[Fold(statusNames[s])] = s
	}
	for k, v := range map[string]Status{
		"moi":                              StatusRegistered,
		"da tiep nhan":                     StatusAccepted,
		"tiep nhan":                        StatusAccepted,
		"khong tiep nhan":                  StatusRejected,
		"tu choi":                          StatusRejected,
		"tu choi tiep nhan":                StatusRejected,
		"dang giai quyet":                  StatusProcessing,
		"yeu cau bo sung":                  StatusSupplement,
		"bo sung":                          StatusSupplement,
		"cho bo sung":                      StatusSupplement,
		"nghia vu tai chinh":               StatusFinancialDuty,
		"cho thuc hien nghia vu tai chinh": StatusFinancialDuty,
		"rut ho so":                        StatusWithdrawn,
		"cong dan rut ho so":               StatusWithdrawn,
		"dung":                             StatusStopped,
		"dung giai quyet":                  StatusStopped,
		"da xu ly":                         StatusFinished,
		"da giai quyet":                    StatusFinished,
		"hoan thanh":                       StatusFinished,
		"da co ket qua":                    StatusFinished,
		"da tra":                           StatusReturned,
		"tra ket qua":                      StatusReturned,
	} {
		m[k] = v
	}
	return m
}()

// ParseStatus reads a status given as its code ("4") or its Vietnamese name,
// with or without diacritics. Unknown text is an error, never a guess.
func ParseStatus(s string) (Status, error) {
	t := strings.TrimSpace(s)
	if n, err := strconv.Atoi(t); err == nil {
		if n >= int(minStatus) && n <= int(maxStatus) {
			return Status(n), nil
		}
		return 0, fmt.Errorf("%q is not a dossier status (expected %s)", s, statusNamesDescribedFor)
	}
	if st, ok := statusAliases[Fold(t)]; ok {
		return st, nil
	}
	return 0, fmt.Errorf("%q is not a dossier status (expected %s)", s, statusNamesDescribedFor)
}

// Valid reports whether s is one of the ten national codes.
func (s Status) Valid() bool { return s >= minStatus && s <= maxStatus }

// String returns the official Vietnamese name.
func (s Status) String() string {
	if !s.Valid() {
		return fmt.Sprintf("Trạng thái %d", uint8(s))
	}
	return statusNames[s]
}

// IsRunning reports an open dossier whose clock runs (1, 2, 4).
func (s Status) IsRunning() bool {
	return s == StatusRegistered || s == StatusAccepted || s == StatusProcessing
}

// IsPaused reports an open dossier waiting on the applicant (5, 6): no
// reminders, the clock is stopped.
func (s Status) IsPaused() bool { return s == StatusSupplement || s == StatusFinancialDuty }

// IsOpen reports a dossier not yet finished or ended (running or paused).
func (s Status) IsOpen() bool { return s.IsRunning() || s.IsPaused() }

// IsEndedWithoutResult reports a dossier ended with no result (3, 7, 8).
func (s Status) IsEndedWithoutResult() bool {
	return s == StatusRejected || s == StatusWithdrawn || s == StatusStopped
}

// IsFinished reports a dossier with a result (9, 10).
func (s Status) IsFinished() bool { return s == StatusFinished || s == StatusReturned }

// IsClosed reports a dossier finished or ended without result (3, 7, 8, 9,
// 10): its clock has stopped for good.
func (s Status) IsClosed() bool { return s.IsEndedWithoutResult() || s.IsFinished() }

// StatusList returns the codes of the statuses for which in is true,
// ascending, as an SQL list: StatusList(Status.IsRunning) is "1, 2, 4".
// Queries build their "status IN (...)" from it so that the groups are
// defined once, here.
func StatusList(in func(Status) bool) string {
	var b strings.Builder
	for s := minStatus; s <= maxStatus; s++ {
		if !in(s) {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(int(s)))
	}
	return b.String()
}
