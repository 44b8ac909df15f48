package input

import (
	"bytes"
	"io"
)

// sourceWindow passes reads through and keeps the bytes from a movable start offset
// up to the read position, so that offsets that a json.Decoder reports can be turned
// into lines and columns, and the text around them quoted.
type sourceWindow struct {
	r         io.Reader
	buf       []byte // bytes from offset base up to the read position
	base      int64
	baseLine  int   // 1-based line that contains offset base
	lineStart int64 // offset of the first byte of that line
	readErr   error // the first read error other than io.EOF
}

func newSourceWindow(r io.Reader) *sourceWindow {
	return &sourceWindow{r: r, baseLine: 1}
}

func (w *sourceWindow) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	w.buf = append(w.buf, p[:n]...)
	if err != nil && err != io.EOF && w.readErr == nil {
		w.readErr = err
	}
	return n, err
}

// end returns the offset just past the last byte read.
func (w *sourceWindow) end() int64 {
	return w.base + int64(len(w.buf))
}

// clamp limits off to the kept range.
func (w *sourceWindow) clamp(off int64) int64 {
	return max(w.base, min(off, w.end()))
}

// discardBefore drops the bytes before off, which must not be needed again.
func (w *sourceWindow) discardBefore(off int64) {
	off = w.clamp(off)
	dropped := w.buf[:off-w.base]
	if n := bytes.Count(dropped, []byte{'\n'}); n > 0 {
		w.baseLine += n
		w.lineStart = w.base + int64(bytes.LastIndexByte(dropped, '\n')) + 1
	}
	w.buf = append(w.buf[:0], w.buf[off-w.base:]...)
	w.base = off
}

// position returns the 1-based line and byte column of offset off. An offset outside
// the kept range is moved to its nearest end.
func (w *sourceWindow) position(off int64) (line, col int) {
	off = w.clamp(off)
	before := w.buf[:off-w.base]
	line = w.baseLine + bytes.Count(before, []byte{'\n'})
	start := w.lineStart
	if i := bytes.LastIndexByte(before, '\n'); i >= 0 {
		start = w.base + int64(i) + 1
	}
	return line, int(off-start) + 1
}

// bytesFrom returns the kept bytes from offset off to the read position.
func (w *sourceWindow) bytesFrom(off int64) []byte {
	return w.buf[w.clamp(off)-w.base:]
}

// excerpt returns the kept text around offset off, on the same line.
func (w *sourceWindow) excerpt(off int64) string {
	return excerpt(w.buf, int(w.clamp(off)-w.base))
}
