package ingest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"
)

// unzipXMLInMemory is the largest worksheet or shared-strings part that
// excelize keeps in memory; bigger ones are inflated to a temporary file.
const unzipXMLInMemory = 4 << 20

// xlsxSource streams a worksheet with excelize's Rows iterator, reading
// raw cell values (date-formatted cells come as serial numbers).
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int
	tmp  string // temp copy to remove on close
}

func openXLSX(path, name, sheet string, lim Limits) (*xlsxSource, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	head := make([]byte, 8)
	n, _ := io.ReadFull(fh, head)
	_ = fh.Close()
	head = head[:n]
	if n == 0 {
		return nil, fmt.Errorf("%s: the file is empty", name)
	}
	if err := sniffBinary(head, name, "XLSX"); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return nil, fmt.Errorf("%s: the file is not an XLSX workbook (is it a CSV file with the wrong extension?)", name)
	}
	if err := checkArchive(path, name, lim); err != nil {
		return nil, err
	}
	// Parts over UnzipXMLSizeLimit go to a temporary file and are streamed.
	f, err := excelize.OpenFile(path, excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    lim.MaxUncompressedBytes,
		UnzipXMLSizeLimit: min(lim.MaxUncompressedBytes, unzipXMLInMemory),
	})
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open the workbook (damaged or truncated file?): %v", name, err)
	}
	list := f.GetSheetList()
	if len(list) == 0 {
		_ = f.Close()
		return nil, fmt.Errorf("%s: the workbook has no sheet", name)
	}
	if sheet == "" {
		sheet = list[0]
	} else if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		_ = f.Close()
		return nil, fmt.Errorf("%s: no sheet named %q (sheets: %s)", name, sheet, strings.Join(list, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("%s: cannot read sheet %q (damaged or truncated file?): %v", name, sheet, err)
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

// openXLSXReader copies r to a temporary file: excelize needs random access
// and only streams from a file.
func openXLSXReader(r io.Reader, name, sheet string, lim Limits) (*xlsxSource, error) {
	tmp, err := os.CreateTemp("", "dondoc-ingest-*.xlsx")
	if err != nil {
		return nil, err
	}
	path := tmp.Name()
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s, err := openXLSX(path, name, sheet, lim)
	if err != nil {
		_ = os.Remove(path)
		return nil, err
	}
	s.tmp = path
	return s, nil
}

func (s *xlsxSource) next() ([]string, int, error) {
	for s.rows.Next() {
		s.row++
		cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, s.row, fmt.Errorf("row %d: %v", s.row, err)
		}
		if blank(cells) {
			continue
		}
		return cells, s.row, nil
	}
	if err := s.rows.Error(); err != nil {
		return nil, s.row, fmt.Errorf("after row %d: the workbook is damaged or truncated: %v", s.row, err)
	}
	return nil, 0, io.EOF
}

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	if s.tmp != "" {
		_ = os.Remove(s.tmp)
	}
	return err
}
