package ingest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// source yields the cells of each non-blank physical row with its line
// (CSV: the physical line where the record starts; XLSX: the row number).
type source interface {
	next() (cells []string, line int, err error)
	close() error
}

const sniffSize = 64 << 10

// csvSource reads delimited text.
type csvSource struct {
	r *csv.Reader
}

func newCSVSource(in io.Reader, name string) (*csvSource, error) {
	br := bufio.NewReaderSize(in, sniffSize)
	head, err := br.Peek(4)
	if err != nil && len(head) == 0 {
		if err == io.EOF {
			return nil, fmt.Errorf("%s: the file is empty", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var text io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		// Excel's "Unicode text": UTF-16 with a BOM. Decode it transparently.
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		br = bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize)
		text = br
	}
	if err := checkText(br, name); err != nil {
		return nil, err
	}
	sample, _ := br.Peek(sniffSize)
	cr := csv.NewReader(text)
	cr.Comma = detectComma(sample)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	return &csvSource{r: cr}, nil
}

// checkText looks at the start of the file: binary content, a spreadsheet
// saved with the wrong extension, or a legacy Vietnamese encoding stop here.
func checkText(br *bufio.Reader, name string) error {
	sample, _ := br.Peek(sniffSize)
	if len(sample) == 0 {
		return fmt.Errorf("%s: the file is empty", name)
	}
	if err := sniffBinary(sample, name, "CSV"); err != nil {
		return err
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		return fmt.Errorf("%s: the file contains NUL bytes: it is not a CSV text file (binary, or UTF-16 without a byte-order mark); save it from Excel as \"CSV UTF-8 (Comma delimited)\"", name)
	}
	// A multi-byte rune may be cut at the end of the sample.
	cut := sample
	for i := 0; i < utf8.UTFMax && len(cut) > 0 && !utf8.Valid(cut); i++ {
		if len(sample) < sniffSize {
			break
		}
		cut = cut[:len(cut)-1]
	}
	if !utf8.Valid(cut) {
		return legacyError(name, sample)
	}
	return nil
}

// sniffBinary recognises files that are not what their name says.
func sniffBinary(b []byte, name, want string) error {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return fmt.Errorf("%s: the file is a PNG image, not a %s file", name, want)
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return fmt.Errorf("%s: the file is a JPEG image, not a %s file", name, want)
	case bytes.HasPrefix(b, []byte("%PDF")):
		return fmt.Errorf("%s: the file is a PDF document, not a %s file", name, want)
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return fmt.Errorf("%s: the file is an old Excel 97-2003 workbook (.xls) or an encrypted one: open it in Excel and save it as .xlsx (Excel Workbook) without a password", name)
	case want == "CSV" && bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return fmt.Errorf("%s: the file is a ZIP archive (an .xlsx workbook?), not a CSV file: upload it with the .xlsx extension", name)
	}
	return nil
}

// detectComma picks ',' or ';' (Excel in Vietnamese locales writes ';'),
// or a tab, by counting them outside quotes in the first lines.
func detectComma(sample []byte) rune {
	var n [3]int
	seps := [3]byte{',', ';', '\t'}
	inQuote := false
	lines := 0
	for _, c := range sample {
		switch c {
		case '"':
			inQuote = !inQuote
		case '\n':
			if !inQuote {
				lines++
			}
		}
		if inQuote {
			continue
		}
		for i, s := range seps {
			if c == s {
				n[i]++
			}
		}
		if lines >= 50 {
			break
		}
	}
	best := 0
	for i := range n {
		if n[i] > n[best] {
			best = i
		}
	}
	return rune(seps[best])
}

func (s *csvSource) next() ([]string, int, error) {
	for {
		rec, err := s.r.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, pe.StartLine, fmt.Errorf("line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, 0, err
		}
		line, _ := s.r.FieldPos(0)
		if blank(rec) {
			continue
		}
		return rec, line, nil
	}
}

func (s *csvSource) close() error { return nil }

func blank(cells []string) bool {
	for _, c := range cells {
		for i := 0; i < len(c); i++ {
			if c[i] != ' ' && c[i] != '\t' && c[i] != '\r' && c[i] != '\n' {
				return false
			}
		}
	}
	return true
}
