package ingest

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxXMLToken caps one tag, or one run of text outside a cell, in any XML
// part of a workbook: excelize decodes each token whole.
const maxXMLToken = 1 << 20

// errLimit carries a limit hit inside the scanner up to checkArchive.
type limitHit struct {
	limit Limit
	max   int64
	line  int
}

func (h *limitHit) Error() string { return string(h.limit) }

// checkArchive reads every entry of the workbook at path once, inflating
// it, before excelize opens it. It refuses the file when it has too many
// entries, when the declared or the actual inflated size goes over
// MaxUncompressedBytes (bytes are counted while inflating: declared sizes
// can lie), when a cell's XML is longer than a cell of MaxCellChars
// characters can be, when a sheet has more than MaxRows rows, or when an
// XML token is longer than maxXMLToken. Reading stops at the first limit,
// so a bomb costs at most the limit in CPU and a buffer in memory.
func checkArchive(path, name string, lim Limits) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%s: cannot open the workbook (damaged or truncated file?): %v", name, err)
	}
	defer zr.Close()
	if len(zr.File) > lim.MaxEntries {
		return &LimitError{Name: name, Limit: LimitEntries, Max: int64(lim.MaxEntries)}
	}
	var declared uint64
	for _, f := range zr.File {
		if isSharedStrings(f.Name) && f.UncompressedSize64 > uint64(lim.MaxSharedStringsBytes) {
			return &LimitError{Name: name, Limit: LimitSharedStrings, Max: lim.MaxSharedStringsBytes}
		}
		declared += f.UncompressedSize64
		if declared > uint64(lim.MaxUncompressedBytes) {
			return &LimitError{Name: name, Limit: LimitUncompressed, Max: lim.MaxUncompressedBytes}
		}
	}
	left := lim.MaxUncompressedBytes
	for _, f := range zr.File {
		n, err := scanEntry(f, left, lim)
		left -= n
		var hit *limitHit
		switch {
		case errors.As(err, &hit):
			return &LimitError{Name: name, Limit: hit.limit, Max: hit.max, Line: hit.line}
		case err != nil:
			return fmt.Errorf("%s: cannot read the workbook part %s (damaged or truncated file?): %v", name, f.Name, err)
		}
	}
	return nil
}

// countingReader counts what it reads and fails past its budget.
type countingReader struct {
	r     io.Reader
	n     int64
	left  int64
	limit Limit
	max   int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a file of exactly the budget from a bigger one.
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, &limitHit{limit: c.limit, max: c.max}
		}
		return 0, io.EOF
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.r.Read(b)
	c.n += int64(n)
	c.left -= int64(n)
	return n, err
}

func scanEntry(f *zip.File, left int64, lim Limits) (int64, error) {
	rc, err := f.Open()
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	cr := &countingReader{r: rc, left: left, limit: LimitUncompressed, max: lim.MaxUncompressedBytes}
	if isSharedStrings(f.Name) && lim.MaxSharedStringsBytes < left {
		cr.left, cr.limit, cr.max = lim.MaxSharedStringsBytes, LimitSharedStrings, lim.MaxSharedStringsBytes
	}
	lower := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
	switch {
	case strings.HasPrefix(lower, "xl/worksheets/") && strings.HasSuffix(lower, ".xml"):
		err = scanXML(bufio.NewReaderSize(cr, 64<<10), "c", true, lim)
	case isSharedStrings(f.Name):
		err = scanXML(bufio.NewReaderSize(cr, 64<<10), "si", false, lim)
	case strings.HasSuffix(lower, ".xml") || strings.HasSuffix(lower, ".rels"):
		err = scanXML(bufio.NewReaderSize(cr, 64<<10), "", false, lim)
	default:
		_, err = io.Copy(io.Discard, cr)
	}
	return cr.n, err
}

// cellBudget is how many bytes of XML a cell of maxChars characters may
// take: up to 10 bytes a character written as an entity (&#x1F600;) plus
// room for rich-text runs and their formatting.
func cellBudget(maxChars int) int64 { return 10*int64(maxChars) + 64<<10 }

// scanXML walks XML bytes without building tokens. Inside each container
// element (a worksheet's <c>, a shared string's <si>) it counts the
// characters of its <t> and <v> texts (an entity is one) against
// MaxCellChars, and every byte against cellBudget; elsewhere one tag or
// text run may not pass maxXMLToken. In a worksheet it counts the <row>
// elements. So every XLSX limit is checked before a row is read.
func scanXML(br *bufio.Reader, container string, sheet bool, lim Limits) error {
	budget := cellBudget(lim.MaxCellChars)
	var (
		in          bool  // inside a container
		inBytes     int64 // bytes of the current container
		inText      bool  // inside a <t> or <v> of a container
		chars       int   // characters of text in the current container
		entity      int   // bytes of the entity being read; 0 outside one
		run         int64 // bytes of the current text run
		rows        int
		name        []byte
		tagLen      int64
		prev        byte
		inTag       bool
		readingName bool
		closing     bool
	)
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if in {
			inBytes++
			if inBytes > budget {
				return &limitHit{limit: LimitCell, max: int64(lim.MaxCellChars), line: rows}
			}
		}
		if !inTag {
			if c != '<' {
				if inText {
					switch {
					case entity > 0:
						entity++
						if c == ';' || entity > 12 {
							entity = 0
						}
					case c == '&':
						entity = 1
						chars++
					case c < 0x80 || c >= 0xC0: // the first byte of a character
						chars++
					}
					if chars > lim.MaxCellChars {
						return &limitHit{limit: LimitCell, max: int64(lim.MaxCellChars), line: rows}
					}
				}
				run++
				if !in && run > maxXMLToken {
					return &limitHit{limit: LimitXMLToken, max: maxXMLToken, line: rows}
				}
				continue
			}
			inTag, readingName, closing, run, tagLen, name, prev = true, true, false, 0, 0, name[:0], 0
			continue
		}
		tagLen++
		if tagLen > maxXMLToken {
			return &limitHit{limit: LimitXMLToken, max: maxXMLToken, line: rows}
		}
		if readingName {
			switch {
			case c == '/' && len(name) == 0 && !closing:
				closing = true
			case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>':
				readingName = false
			default:
				if len(name) < 32 {
					name = append(name, c)
				}
			}
		}
		if c != '>' {
			prev = c
			continue
		}
		inTag = false
		local := string(name)
		if i := strings.LastIndexByte(local, ':'); i >= 0 {
			local = local[i+1:]
		}
		selfClosing := prev == '/'
		switch {
		case closing && container != "" && local == container:
			in, inText = false, false
		case !closing && container != "" && local == container && !selfClosing:
			in, inBytes, chars = true, 0, 0
		case in && (local == "t" || local == "v"):
			inText = !closing && !selfClosing
			entity = 0
		case !closing && sheet && local == "row":
			rows++
			if rows > lim.MaxRows+DefaultHeaderSearch {
				return &limitHit{limit: LimitRows, max: int64(lim.MaxRows)}
			}
		}
		prev = c
	}
}

func isSharedStrings(name string) bool {
	return strings.EqualFold(strings.ReplaceAll(name, "\\", "/"), "xl/sharedStrings.xml")
}
