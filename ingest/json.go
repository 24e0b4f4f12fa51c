package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/dondoc/dondoc/models"
)

// jsonSource reads an array of objects (token streaming: one object in
// memory at a time) or NDJSON (one object per line). Cells come back in
// field order; keys are matched like headers.
type jsonSource struct {
	kind    Kind
	nfields int
	dec     *json.Decoder // array mode
	lines   *bufio.Reader // NDJSON mode
	index   int           // array index or NDJSON line
	cells   []string
	ignored map[string]bool
	errs    []*RowError
	name    string
	done    bool
}

func newJSONSource(in io.Reader, format Format, kind Kind, name string) (*jsonSource, error) {
	br := bufio.NewReaderSize(in, sniffSize)
	if err := checkText(br, name); err != nil {
		return nil, err
	}
	s := &jsonSource{kind: kind, nfields: len(kindFields[kind]), ignored: map[string]bool{}, name: name}
	s.cells = make([]string, s.nfields)
	if format == FormatNDJSON {
		s.lines = br
		return s, nil
	}
	s.dec = json.NewDecoder(br)
	s.dec.UseNumber()
	tok, err := s.dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%s: not JSON: %v", name, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("%s: expected a JSON array of objects ([{...}, ...]); send one object per line as NDJSON instead", name)
	}
	return s, nil
}

func (s *jsonSource) next() ([]string, int, error) {
	s.errs = s.errs[:0]
	if s.done {
		return nil, 0, io.EOF
	}
	if s.dec != nil {
		if !s.dec.More() {
			s.done = true
			if _, err := s.dec.Token(); err != nil {
				return nil, s.index, fmt.Errorf("after element %d: %v", s.index, err)
			}
			return nil, 0, io.EOF
		}
		s.index++
		var obj map[string]any
		if err := s.dec.Decode(&obj); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				s.rowError("", "", "is not a JSON object")
				return s.cleared(), s.index, nil
			}
			s.done = true
			return nil, s.index, fmt.Errorf("element %d (byte %d): %v", s.index, s.dec.InputOffset(), err)
		}
		return s.fill(obj), s.index, nil
	}
	for {
		line, err := s.lines.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			s.done = true
			if err == io.EOF {
				return nil, 0, io.EOF
			}
			return nil, s.index, err
		}
		s.index++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		var obj map[string]any
		if derr := dec.Decode(&obj); derr != nil {
			s.rowError("", "", "is not a JSON object: "+derr.Error())
			return s.cleared(), s.index, nil
		}
		return s.fill(obj), s.index, nil
	}
}

func (s *jsonSource) cleared() []string {
	for i := range s.cells {
		s.cells[i] = ""
	}
	return s.cells
}

func (s *jsonSource) fill(obj map[string]any) []string {
	s.cleared()
	fields := kindFields[s.kind]
	for k, v := range obj {
		i, ok := headerIndex[s.kind][models.Fold(k)]
		if !ok {
			s.ignored[k] = true
			continue
		}
		switch x := v.(type) {
		case nil:
		case string:
			s.cells[i] = x
		case json.Number:
			s.cells[i] = x.String()
		default:
			s.rowError(fields[i].Name, fmt.Sprint(x), "is not a string or a number")
		}
	}
	return s.cells
}

func (s *jsonSource) rowError(field, value, reason string) {
	s.errs = append(s.errs, &RowError{File: s.name, Line: s.index, Column: field, Field: field, Value: value, Reason: reason})
}

func (s *jsonSource) ignoredKeys() []string {
	out := make([]string, 0, len(s.ignored))
	for k := range s.ignored {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *jsonSource) close() error { return nil }
