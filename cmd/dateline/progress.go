package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progress draws a bar on a terminal, and nothing elsewhere, so logs and
// pipes stay clean.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	on    bool
	label string
	total int64
	start time.Time
	last  time.Time
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newProgress(w io.Writer, label string, total int64) *progress {
	return &progress{w: w, on: isTerminal(w), label: label, total: total, start: time.Now()}
}

// set shows done out of total, at most ten times a second.
func (p *progress) set(done int64, note string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 100*time.Millisecond && done < p.total {
		return
	}
	p.last = time.Now()
	const width = 30
	frac := 0.0
	if p.total > 0 {
		frac = min(1, float64(done)/float64(p.total))
	}
	filled := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %s ", p.label, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), frac*100, note)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	*c.n += int64(n)
	return n, err
}
