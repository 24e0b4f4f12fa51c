package app

import (
	"strings"
	"testing"
)

const portalJSON = `{"data":{"parent":{"id":"P0","name":"UBND huyện","totalReceived":6,"totalOnTime":5,"totalOverdue":1,"ratio":83.33,"score":16.67,"maxScore":20},
"children":[{"id":"P1","name":"UBND xã Một","totalReceived":4,"totalOnTime":2,"totalOverdue":2,"ratio":50,"score":10,"maxScore":20},
{"id":3,"name":"UBND xã Ba","totalReceived":2,"totalOnTime":null,"totalOverdue":null,"ratio":null,"score":null,"maxScore":20}]}}`

// dondoc import portal, then report --reconcile: per unit dondoc's figure
// beside the portal's, the difference, and the dossiers that explain it.
func TestReconcileWithPortal(t *testing.T) {
	forEachDB(t, func(t *testing.T, e *importEnv) {
		// The province's list names the portal id "Mã định danh".
		code, out, errs := e.run("import", "units", e.file("dv.csv", "ma_don_vi,ten_don_vi,Mã định danh\nU1,Xã Một,P1\nU2,Xã Hai,\n"),
			"--portal-column", "Mã định danh")
		if code != 0 {
			t.Fatalf("units: %d %s %s", code, out, errs)
		}
		e.mustImport("dossiers", "hs.csv", "ma_ho_so,ma_don_vi,ma_can_bo,ngay_tiep_nhan,ngay_hen_tra,ngay_ket_thuc_xu_ly,ngay_cap_nhat_he_thong,trang_thai\n"+
			// on time everywhere
			"A1,U1,cv.a,02/03/2026 08:00,16/03/2026,10/03/2026 09:00,10/03/2026 10:00,Đã trả kết quả\n"+
			// on time, recorded late on the system
			"A2,U1,cv.a,02/03/2026 08:00,16/03/2026,13/03/2026 09:00,18/03/2026 10:00,Đã trả kết quả\n"+
			// finished, never synced
			"A3,U1,cv.a,02/03/2026 08:00,16/03/2026,12/03/2026 09:00,,Đã trả kết quả\n"+
			"A4,U1,cv.a,02/03/2026 08:00,16/03/2026,11/03/2026 09:00,11/03/2026 09:30,Đã trả kết quả\n"+
			// a unit without a portal id
			"B1,U2,cv.b,02/03/2026 08:00,16/03/2026,,,Đang xử lý\n")
		if code, out, errs := e.run("import", "portal", e.file("tien-do.json", portalJSON)); code != 2 || !strings.Contains(errs, "--month") {
			t.Errorf("import portal without --month: %d %s %s", code, out, errs)
		}
		code, out, errs = e.run("import", "portal", e.file("tien-do.json", portalJSON), "--month", "2026-03")
		if code != 0 || !strings.Contains(out, "3 đơn vị (1 chưa ứng với đơn vị nào") {
			t.Fatalf("import portal: %d %q %s", code, out, errs)
		}
		// A second import of the month replaces the first.
		if code, _, errs := e.run("import", "portal", e.file("tien-do.json", portalJSON), "--month", "2026-03"); code != 0 {
			t.Fatalf("import portal again: %d %s", code, errs)
		}
		code, out, errs = e.run("report", "--month", "2026-03", "--reconcile")
		if code != 0 {
			t.Fatalf("report --reconcile: %d %s %s", code, out, errs)
		}
		wantLines(t, "reconciliation", out,
			"ĐỐI SOÁT VỚI CỔNG DỊCH VỤ CÔNG QUỐC GIA — tháng 03/2026",
			"• Xã Một (mã trên Cổng: P1)",
			"  dondoc: 4 hồ sơ, 3 đúng hạn, 1 quá hạn, điểm 15,00",
			"  Cổng:   4 hồ sơ, 2 đúng hạn, 2 quá hạn, điểm 10,00",
			"  Chênh lệch (dondoc − Cổng): 0 hồ sơ, +1 đúng hạn, −1 quá hạn, +5,00 điểm",
			"  – 1 hồ sơ quá hạn chỉ trên Hệ thống (giải quyết đúng hạn, cập nhật trễ): A2",
			"  – 1 hồ sơ đã giải quyết nhưng chưa đồng bộ lên Hệ thống: A3",
			"• UBND xã Ba (mã trên Cổng: 3)",
			"  dondoc: chưa có đơn vị nào mang mã này",
			"  Cổng:   2 hồ sơ, — đúng hạn, — quá hạn, điểm —",
			"• UBND huyện — so với toàn bộ đơn vị trong dondoc (mã trên Cổng: P0)",
			"• Các đơn vị chưa có mã trên Cổng",
			"  – 1 hồ sơ chỉ dondoc tính (đơn vị chưa có mã trên Cổng): B1",
		)
	})
}
