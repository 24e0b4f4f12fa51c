package ingest_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/dondoc/dondoc/ingest"
	"github.com/dondoc/dondoc/models"
)

func ExampleReadBatches() {
	csv := "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ\n" +
		"Số hồ sơ;Ngày nhận;Hạn xử lý;Trạng thái\n" +
		"H1;02/03/2026 08:15;16/03/2026;Đang xử lý\n" +
		"H2;02/03/2026;31/02/2026;4\n"
	r, err := ingest.NewReader(strings.NewReader(csv), ingest.FormatCSV,
		ingest.Options{Kind: ingest.KindDossiers, Location: models.UTC7, Name: "dossiers.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	var sum ingest.Summary
	var errs []*ingest.RowError
	err = ingest.ReadBatches(context.Background(), r, 500, func(batch []ingest.Row) error {
		for _, row := range batch {
			if !row.OK() {
				sum.Rejected++
				errs = append(errs, row.Errors...)
				continue
			}
			d := row.Record.(*models.Dossier)
			fmt.Println(d.Code, d.DueAt.In(models.UTC7).Format("02/01/2006 15:04"), d.Status)
			sum.Inserted++ // the store would upsert the batch here
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	sum.Warnings = r.WarningCount()
	fmt.Println(sum)
	fmt.Print(ingest.FormatErrors(errs, 10))
	// Output:
	// H1 16/03/2026 23:59 Đang xử lý
	// inserted 1, updated 0, unchanged 0, rejected 1
	// dossiers.csv:4: cột "Hạn xử lý": "31/02/2026" không phải là ngày (dd/MM/yyyy, dd/MM/yyyy HH:mm hoặc YYYY-MM-DD)
}
