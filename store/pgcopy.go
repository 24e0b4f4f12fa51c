package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// copyBuf encodes rows in Postgres' binary COPY format (the COPY reference,
// "Binary Format": a signature, then per row a field count and each field
// as a length and its bytes, -1 for NULL) and sends them through pgconn.
// pgx's CopyFrom boxes every value in an interface and looks up its encoder
// per value: on a first import that was a quarter of the CPU and most of
// the garbage. One copyBuf is reused batch after batch.
type copyBuf struct{ b []byte }

// pgEpoch is the origin of Postgres' timestamps.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()

// start begins a new COPY stream.
func (c *copyBuf) start() {
	c.b = append(c.b[:0], "PGCOPY\n\xff\r\n\x00"...)
	c.b = append(c.b, 0, 0, 0, 0, 0, 0, 0, 0) // flags, header extension length
}

// row begins a row of n fields.
func (c *copyBuf) row(n int) { c.b = binary.BigEndian.AppendUint16(c.b, uint16(n)) }

func (c *copyBuf) text(s string) {
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(len(s)))
	c.b = append(c.b, s...)
}

func (c *copyBuf) null() { c.b = binary.BigEndian.AppendUint32(c.b, 0xffffffff) }

func (c *copyBuf) boolean(v bool) {
	c.b = binary.BigEndian.AppendUint32(c.b, 1)
	if v {
		c.b = append(c.b, 1)
	} else {
		c.b = append(c.b, 0)
	}
}

func (c *copyBuf) int16(v int16) {
	c.b = binary.BigEndian.AppendUint32(c.b, 2)
	c.b = binary.BigEndian.AppendUint16(c.b, uint16(v))
}

func (c *copyBuf) int32(v int32) {
	c.b = binary.BigEndian.AppendUint32(c.b, 4)
	c.b = binary.BigEndian.AppendUint32(c.b, uint32(v))
}

// instant writes t as a timestamptz (microseconds, truncated as
// utcMicro does); the zero time is 0001-01-01, as pgInstant.
func (c *copyBuf) instant(t time.Time) {
	us := (t.Unix()-pgEpoch)*1_000_000 + int64(t.Nanosecond()/1000)
	c.b = binary.BigEndian.AppendUint32(c.b, 8)
	c.b = binary.BigEndian.AppendUint64(c.b, uint64(us))
}

// tstamp writes t as a timestamptz, NULL when absent (as pgTime).
func (c *copyBuf) tstamp(t tstamp) {
	if time.Time(t).IsZero() {
		c.null()
		return
	}
	c.instant(time.Time(t))
}

// copyRows copies n rows into table's cols in tx, in one stream; row(i)
// writes the fields of row i.
func (c *copyBuf) copyRows(ctx context.Context, tx pgx.Tx, table string, cols []string, n int, row func(i int)) error {
	if n == 0 {
		return nil
	}
	c.start()
	for i := range n {
		c.row(len(cols))
		row(i)
	}
	return c.send(ctx, tx, table, cols)
}

// send ends the stream and copies it into table's columns in tx.
func (c *copyBuf) send(ctx context.Context, tx pgx.Tx, table string, cols []string) error {
	c.b = append(c.b, 0xff, 0xff)
	sql := "COPY " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(cols, ", ") + ") FROM STDIN BINARY"
	_, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(c.b), sql)
	return err
}
