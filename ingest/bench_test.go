package ingest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func writeDossierCSV(tb testing.TB, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ")
	fmt.Fprintln(w, "STT,Mã hồ sơ,Mã TTHC,Tên thủ tục,Lĩnh vực,Mã đơn vị,Cán bộ xử lý,Ngày tiếp nhận,Ngày hẹn trả,Ngày có kết quả,Trạng thái,Kênh thực hiện,Số lần bổ sung,Chủ hồ sơ")
	for i := 0; i < n; i++ {
		d := i%28 + 1
		fmt.Fprintf(w, "%d,000.00.17.H26-%07d,1.00%04d,Đăng ký thường trú,Cư trú,XA-%02d,cv.%d,%02d/02/2026 08:%02d,%02d/03/2026,%02d/03/2026 10:00,Đã trả kết quả,trực tuyến,%d,Nguyễn Văn %d\n",
			i+1, i, i%1000, i%50, i%300, d, i%60, d, d, i%2, i)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
}

// BenchmarkReadCSV reads a generated 100k-row dossier export.
func BenchmarkReadCSV(b *testing.B) {
	const n = 100_000
	path := filepath.Join(b.TempDir(), "dossiers.csv")
	writeDossierCSV(b, path, n)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	for i := 0; i < b.N; i++ {
		r, err := Open(path, Options{Kind: KindDossiers})
		if err != nil {
			b.Fatal(err)
		}
		for row, err := range r.Rows() {
			if err != nil {
				b.Fatal(err)
			}
			if !row.OK() {
				b.Fatalf("%v", row.Errors[0])
			}
			rows++
		}
		r.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
