package app

import (
	"strings"
	"testing"
)

func runCalendarCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	env := map[string]string{"DONDOC_ENV_FILE": "/nonexistent/.env"}
	return runEnv(mapEnv(env), "", append([]string{"calendar"}, args...)...)
}

func TestCalendarCommand(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--year", "2026"}, "" +
			"2026-01-01\tnghỉ\tTết Dương lịch\tCông văn 12729/VPCP-KGVX\n" +
			"2026-01-02\tnghỉ\tNghỉ hoán đổi (làm bù thứ Bảy 10/1/2026)\tCông văn 12729/VPCP-KGVX\n" +
			"2026-01-10\tlàm bù\tLàm bù cho thứ Sáu 2/1/2026\tCông văn 12729/VPCP-KGVX\n" +
			"2026-02-16\tnghỉ\tTết Nguyên Đán\tThông báo 9441/TB-BNV\n" +
			"2026-02-17\tnghỉ\tTết Nguyên Đán\tThông báo 9441/TB-BNV\n" +
			"2026-02-18\tnghỉ\tTết Nguyên Đán\tThông báo 9441/TB-BNV\n" +
			"2026-02-19\tnghỉ\tTết Nguyên Đán\tThông báo 9441/TB-BNV\n" +
			"2026-02-20\tnghỉ\tTết Nguyên Đán\tThông báo 9441/TB-BNV\n" +
			"2026-04-27\tnghỉ\tNghỉ bù Giỗ Tổ Hùng Vương\tBộ luật Lao động 2019, Điều 112\n" +
			"2026-04-30\tnghỉ\tNgày Chiến thắng\tBộ luật Lao động 2019, Điều 112\n" +
			"2026-05-01\tnghỉ\tQuốc tế Lao động\tBộ luật Lao động 2019, Điều 112\n" +
			"2026-08-22\tlàm bù\tLàm bù cho thứ Hai 31/8/2026\tPhương án nghỉ lễ Quốc khánh 2026 của Bộ Nội vụ (kèm Thông báo 9441/TB-BNV)\n" +
			"2026-08-31\tnghỉ\tNghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)\tPhương án nghỉ lễ Quốc khánh 2026 của Bộ Nội vụ (kèm Thông báo 9441/TB-BNV)\n" +
			"2026-09-01\tnghỉ\tQuốc khánh\tPhương án nghỉ lễ Quốc khánh 2026 của Bộ Nội vụ (kèm Thông báo 9441/TB-BNV)\n" +
			"2026-09-02\tnghỉ\tQuốc khánh\tPhương án nghỉ lễ Quốc khánh 2026 của Bộ Nội vụ (kèm Thông báo 9441/TB-BNV)\n"},
		{[]string{"--year=2025"}, "" +
			"2025-01-01\tnghỉ\tTết Dương lịch\tBộ luật Lao động 2019, Điều 112\n" +
			"2025-01-27\tnghỉ\tTết Nguyên Đán\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-01-28\tnghỉ\tTết Nguyên Đán\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-01-29\tnghỉ\tTết Nguyên Đán\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-01-30\tnghỉ\tTết Nguyên Đán\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-01-31\tnghỉ\tTết Nguyên Đán\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-04-07\tnghỉ\tGiỗ Tổ Hùng Vương\tBộ luật Lao động 2019, Điều 112\n" +
			"2025-04-26\tlàm bù\tLàm bù cho thứ Sáu 2/5/2025\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-04-30\tnghỉ\tNgày Chiến thắng\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-05-01\tnghỉ\tQuốc tế Lao động\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-05-02\tnghỉ\tNghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-09-01\tnghỉ\tQuốc khánh\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n" +
			"2025-09-02\tnghỉ\tQuốc khánh\tCông văn 8726/VPCP-KGVX (Thông báo 6150/TB-BLĐTBXH)\n"},
		// No 2027 schedule yet: the rule's days are "dự kiến" (Tết 5–11/2/2027).
		{[]string{"--year", "2027"}, "" +
			"2027-01-01\tnghỉ\tTết Dương lịch\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-02-05\tnghỉ\tTết Nguyên Đán\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-02-08\tnghỉ\tTết Nguyên Đán\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-02-09\tnghỉ\tTết Nguyên Đán\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-02-10\tnghỉ\tNghỉ bù Tết Nguyên Đán\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-02-11\tnghỉ\tNghỉ bù Tết Nguyên Đán\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-04-16\tnghỉ\tGiỗ Tổ Hùng Vương\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-04-30\tnghỉ\tNgày Chiến thắng\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-05-03\tnghỉ\tNghỉ bù Quốc tế Lao động\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-09-02\tnghỉ\tQuốc khánh\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n" +
			"2027-09-03\tnghỉ\tQuốc khánh\tdự kiến (Bộ luật Lao động 2019, Điều 112)\n"},
		{[]string{"add-workdays", "2026-02-13", "1"}, "2026-02-23\n"},
		{[]string{"add-workdays", "2026-01-09", "1"}, "2026-01-10\n"},
		{[]string{"add-workdays", "2026-02-23", "-1"}, "2026-02-13\n"},
		{[]string{"workdays", "2026-02-01", "2026-02-28"}, "15\n"},
		{[]string{"workdays", "2026-02-16", "2026-02-16"}, "0\n"},
		{[]string{"lunar", "2026-02-17"}, "1/1/2026\n"},
		{[]string{"lunar", "2025-08-08"}, "15/6 nhuận/2025\n"},
	}
	for _, c := range cases {
		code, out, errOut := runCalendarCmd(t, c.args...)
		if code != 0 || out != c.want {
			t.Errorf("calendar %v: exit %d, stderr %q\ngot:\n%s\nwant:\n%s", c.args, code, errOut, out, c.want)
		}
	}
}

func TestCalendarCommandUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string // in stderr
	}{
		{nil, "thiếu lệnh con"},
		{[]string{"--year"}, "--year cần đúng một năm"},
		{[]string{"--year", "hai nghìn"}, `năm "hai nghìn" không hợp lệ`},
		{[]string{"--year", "1800"}, `năm "1800" không hợp lệ`},
		{[]string{"add-workdays", "2026-02-30", "1"}, `ngày bắt đầu "2026-02-30" không hợp lệ`},
		{[]string{"add-workdays", "2026-02-13", "x"}, `số ngày làm việc "x" không hợp lệ`},
		{[]string{"add-workdays", "2026-02-13"}, "add-workdays cần một ngày và một số ngày"},
		{[]string{"workdays", "2026-02-28", "2026-02-01"}, "ngày cuối 2026-02-01 trước ngày đầu 2026-02-28"},
		{[]string{"workdays", "2026-02-01", "28/02/2026"}, `ngày cuối "28/02/2026" không hợp lệ (cần dạng YYYY-MM-DD`},
		{[]string{"lunar"}, "lunar cần một ngày"},
		{[]string{"lunar", "17/02/2026"}, `ngày "17/02/2026" không hợp lệ`},
		{[]string{"solar", "1/1/2026"}, `lệnh con "solar" không có`},
	}
	for _, c := range cases {
		code, out, errOut := runCalendarCmd(t, c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("calendar %v: exit %d, stdout %q, stderr %q; want exit 2 and %q", c.args, code, out, errOut, c.want)
		}
	}
}
