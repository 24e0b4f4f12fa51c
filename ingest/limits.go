package ingest

import (
	"fmt"
	"strconv"

	"github.com/dondoc/dondoc/internal/defaults"
)

// Limits bound what one input may hold, so that a hostile or careless file
// cannot exhaust memory or disk. A zero field takes its default (see
// DefaultLimits); every field is a setting (docs/operations.md).
type Limits struct {
	// MaxUncompressedBytes caps the bytes an XLSX workbook inflates to, all
	// entries together, counted while inflating (INGEST_MAX_UNCOMPRESSED_BYTES).
	MaxUncompressedBytes int64
	// MaxSharedStringsBytes caps the shared-strings part alone, inflated
	// (INGEST_MAX_SHARED_STRINGS_BYTES): excelize holds every shared string
	// in memory, about three times the part's size, while worksheets are
	// streamed from a temporary file.
	MaxSharedStringsBytes int64
	// MaxEntries caps the number of entries of the archive (INGEST_MAX_ZIP_ENTRIES).
	MaxEntries int
	// MaxCellChars caps one cell or JSON value, in characters (INGEST_MAX_CELL_CHARS).
	MaxCellChars int
	// MaxRows caps the rows of one file or request (INGEST_MAX_ROWS).
	MaxRows int
	// MaxCodeChars caps a code field such as ma_ho_so or ma_can_bo (INGEST_MAX_CODE_CHARS).
	MaxCodeChars int
	// MaxTextChars caps a text field such as ten_tthc or ho_ten (INGEST_MAX_TEXT_CHARS).
	MaxTextChars int
}

// DefaultLimits are the limits of a zero Limits. MaxCellChars is Excel's own
// limit on a cell; MaxRows lets a province's full export through
// (about a million dossiers) while stopping a runaway file.
var DefaultLimits = Limits{
	MaxUncompressedBytes:  100 << 20,
	MaxSharedStringsBytes: 32 << 20,
	MaxEntries:            1000,
	MaxCellChars:          32767,
	MaxRows:               2_000_000,
	MaxCodeChars:          64,
	MaxTextChars:          1000,
}

// withDefaults fills zero fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	defaults.Positive(&l.MaxUncompressedBytes, d.MaxUncompressedBytes)
	defaults.Positive(&l.MaxSharedStringsBytes, d.MaxSharedStringsBytes)
	defaults.Positive(&l.MaxEntries, d.MaxEntries)
	defaults.Positive(&l.MaxCellChars, d.MaxCellChars)
	defaults.Positive(&l.MaxRows, d.MaxRows)
	defaults.Positive(&l.MaxCodeChars, d.MaxCodeChars)
	defaults.Positive(&l.MaxTextChars, d.MaxTextChars)
	return l
}

// Limit names one of the limits.
type Limit string

// The limits a file can go over as a whole.
const (
	LimitUncompressed  Limit = "INGEST_MAX_UNCOMPRESSED_BYTES"
	LimitSharedStrings Limit = "INGEST_MAX_SHARED_STRINGS_BYTES"
	LimitEntries       Limit = "INGEST_MAX_ZIP_ENTRIES"
	LimitCell          Limit = "INGEST_MAX_CELL_CHARS"
	LimitRows          Limit = "INGEST_MAX_ROWS"
	// LimitXMLToken is fixed (maxXMLToken): one XML tag or text run of a
	// workbook part outside the cells.
	LimitXMLToken Limit = "xml-token"
	// LimitBody is the ingest API's body cap (INGEST_MAX_BODY_BYTES).
	LimitBody Limit = "INGEST_MAX_BODY_BYTES"
)

// LimitError says that an input went over a limit. Its message is Vietnamese (it is
// shown as is in the CLI, the API and chat) and names the limit and the
// setting that raises it.
type LimitError struct {
	Name  string // the file's name in messages
	Limit Limit
	Max   int64
	Line  int // the row (XLSX) or line where it was found; 0 when unknown
	// Stopped is true when rows were read before the limit was found (a
	// CSV or JSON input checked as it is read): those rows are the
	// caller's to keep or drop. False: the input was refused before any
	// row was read.
	Stopped bool
}

func (e *LimitError) Error() string {
	where := e.Name
	if e.Line > 0 {
		where += ":" + strconv.Itoa(e.Line)
	}
	var what string
	switch e.Limit {
	case LimitUncompressed:
		what = fmt.Sprintf("tệp giải nén ra quá %s (giới hạn dung lượng giải nén, đặt bằng %s)", bytesVI(e.Max), e.Limit)
	case LimitSharedStrings:
		what = fmt.Sprintf("bảng chuỗi dùng chung (sharedStrings.xml) giải nén ra quá %s (giới hạn bảng chuỗi, đặt bằng %s)", bytesVI(e.Max), e.Limit)
	case LimitEntries:
		what = fmt.Sprintf("tệp nén có quá %d thành phần (giới hạn số thành phần, đặt bằng %s)", e.Max, e.Limit)
	case LimitCell:
		what = fmt.Sprintf("có ô dài quá %d ký tự (giới hạn độ dài ô, đặt bằng %s)", e.Max, e.Limit)
	case LimitRows:
		what = fmt.Sprintf("tệp có quá %d dòng (giới hạn số dòng, đặt bằng %s)", e.Max, e.Limit)
	case LimitXMLToken:
		what = fmt.Sprintf("tệp có một thẻ hoặc đoạn XML dài quá %s (giới hạn cố định của trình đọc XLSX)", bytesVI(e.Max))
	case LimitBody:
		what = fmt.Sprintf("nội dung gửi lên lớn quá %s (giới hạn dung lượng yêu cầu, đặt bằng %s)", bytesVI(e.Max), e.Limit)
	default:
		what = fmt.Sprintf("vượt giới hạn %s = %d", e.Limit, e.Max)
	}
	if e.Stopped {
		return where + ": dừng đọc tệp: " + what
	}
	return where + ": từ chối tệp: " + what + "; không đọc dòng nào của tệp"
}

// bytesVI writes a size the way a user reads it: 100 MB, 64 KB, 512 byte.
func bytesVI(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " byte"
}
