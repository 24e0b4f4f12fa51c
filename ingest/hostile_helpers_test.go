package ingest

import (
	"compress/flate"
	"hash/crc32"
	"io"
)

func newDeflater(w io.Writer) *flate.Writer {
	fw, _ := flate.NewWriter(w, flate.BestSpeed)
	return fw
}

// copyCRC copies r to w and returns the CRC-32 and length of what went through.
func copyCRC(w io.Writer, r io.Reader) (uint32, int64, error) {
	h := crc32.NewIEEE()
	n, err := io.Copy(io.MultiWriter(w, h), r)
	return h.Sum32(), n, err
}
