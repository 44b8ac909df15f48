package input

import (
	"bytes"
	"io"
)

// recentBytes is how many bytes of complete lines a lineRecorder keeps behind the
// read position. encoding/csv reads ahead by at most one bufio buffer (4096 bytes in
// Go 1.26), so the line that a csv.ParseError names is still kept.
const recentBytes = 64 << 10

// lineRecorder passes reads through and keeps the most recent lines, so that an error
// that encoding/csv reports by line number can quote the text of that line.
type lineRecorder struct {
	r       io.Reader
	lines   []recordedLine // complete lines, oldest first
	current []byte         // the line being read, without its line break
	number  int            // 1-based number of the current line
	total   int64          // bytes read so far
}

type recordedLine struct {
	number int
	text   []byte
	end    int64 // offset just past the line break
}

func newLineRecorder(r io.Reader) *lineRecorder {
	return &lineRecorder{r: r, number: 1}
}

func (l *lineRecorder) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.record(p[:n])
	return n, err
}

func (l *lineRecorder) record(b []byte) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			l.current = append(l.current, b...)
			l.total += int64(len(b))
			break
		}
		l.current = append(l.current, b[:i]...)
		l.total += int64(i + 1)
		l.lines = append(l.lines, recordedLine{l.number, l.current, l.total})
		l.current = nil
		l.number++
		b = b[i+1:]
	}
	for len(l.lines) > 0 && l.lines[0].end < l.total-recentBytes {
		l.lines = l.lines[1:]
	}
}

// line returns the text of line number n, without its line break, if it is still kept.
func (l *lineRecorder) line(n int) ([]byte, bool) {
	if n == l.number {
		return bytes.TrimSuffix(l.current, []byte("\r")), true
	}
	for _, rl := range l.lines {
		if rl.number == n {
			return bytes.TrimSuffix(rl.text, []byte("\r")), true
		}
	}
	return nil, false
}
