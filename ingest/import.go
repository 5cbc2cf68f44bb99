package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"dateline"
	"dateline/newsml"
)

// ImportStats counts what an import did.
type ImportStats struct {
	Read, Created, Updated, Unchanged, Failed int
}

// Problem is one document that could not be imported.
type Problem struct {
	Where   string // "file.jsonl:12"
	Message string
}

// Importer stores many documents in batches, each batch in one transaction.
type Importer struct {
	*Service
	BatchSize int
	// Progress is called after each batch with the documents read so far.
	Progress func(read int)
	// Problems receives each document that was refused; the import goes on.
	Problems func(Problem)
	// MaxTxTime bounds how long one batch holds the database's writer
	// (default 250 ms): a batch that takes longer halves the next ones,
	// so a live ingest on SQLite waits at most about that long. Yield is
	// the pause between batches (default 30 ms) that lets waiting writers
	// in.
	MaxTxTime time.Duration
	Yield     time.Duration

	sections []dateline.Section
	batch    []*dateline.Article
	wheres   []string // where each document of the batch came from
	size     int      // the batch size in force, at most BatchSize
	Stats    ImportStats
}

// Lines reports whether a file of this name holds one document per line.
func Lines(name string) bool {
	for _, ext := range []string{".jsonl", ".ndjson", ".jsonlines"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

// ImportReader reads documents from r. The format is told by the content:
// a first byte (after white space) of "<" is a NewsML-G2 document (a
// newsItem, or a newsMessage of several); anything else is ninjs, one
// document per line when lines is true, else a stream of JSON values (one
// document, or several in a row).
func (im *Importer) ImportReader(ctx context.Context, r io.Reader, name string, lines bool) error {
	if im.sections == nil {
		ss, err := im.Store.Sections(ctx)
		if err != nil {
			return err
		}
		im.sections = ss
	}
	br := bufio.NewReaderSize(r, sniffSize)
	if first, err := firstByte(br); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	} else if first == '<' {
		return im.importNewsML(ctx, br, name)
	}
	r = br
	if lines {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 16<<20)
		n := 0
		for sc.Scan() {
			n++
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			if err := im.add(ctx, line, fmt.Sprintf("%s:%d", name, n)); err != nil {
				return err
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n+1, err)
		}
		return nil
	}
	dec := json.NewDecoder(r)
	for n := 1; ; n++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return nil
		}
		where := name
		if n > 1 {
			where = fmt.Sprintf("%s (document %d)", name, n)
		}
		if err != nil {
			// The stream cannot be followed past a syntax error.
			im.Stats.Read++
			im.problem(where, "not valid JSON: "+strings.TrimPrefix(err.Error(), "json: "))
			return nil
		}
		if err := im.add(ctx, raw, where); err != nil {
			return err
		}
	}
}

func (im *Importer) problem(where, msg string) {
	im.Stats.Failed++
	if im.Problems != nil {
		im.Problems(Problem{Where: where, Message: msg})
	}
}

// sniffSize is how far ImportReader looks for the first byte of a document.
const sniffSize = 64 << 10

// firstByte returns the first byte that is not white space or a UTF-8
// byte order mark, without consuming anything (line numbers stay right);
// 0 when the first sniffSize bytes hold none.
func firstByte(br *bufio.Reader) (byte, error) {
	buf, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, err
	}
	buf = bytes.TrimLeft(bytes.TrimPrefix(buf, []byte("\ufeff")), " \t\r\n")
	if len(buf) == 0 {
		return 0, nil
	}
	return buf[0], nil
}

// importNewsML imports the items of one NewsML-G2 document. A refused item
// of a newsMessage is reported by its position; the others go in.
func (im *Importer) importNewsML(ctx context.Context, r io.Reader, name string) error {
	data, err := io.ReadAll(io.LimitReader(r, newsml.MaxSize+1))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	items, err := newsml.ParseAll(data)
	for _, e := range newsml.Errors(err) {
		im.Stats.Read++
		im.problem(itemWhere(name, e.Index), e.Message)
	}
	for _, it := range items {
		im.Stats.Read++
		n, err := it.Ninjs()
		if err != nil {
			msg := "The item cannot be read."
			if ne := (*newsml.Error)(nil); errors.As(err, &ne) {
				msg = ne.Message
			}
			im.problem(itemWhere(name, it.Index), msg)
			continue
		}
		a, _, err := im.Map(n, im.sections)
		if err := im.keep(ctx, a, err, itemWhere(name, it.Index)); err != nil {
			return err
		}
	}
	return nil
}

// itemWhere names an item of a newsMessage by its position.
func itemWhere(name string, index int) string {
	if index == 0 {
		return name
	}
	return fmt.Sprintf("%s (item %d)", name, index)
}

func (im *Importer) add(ctx context.Context, doc []byte, where string) error {
	im.Stats.Read++
	a, _, err := im.MapDocument(doc, im.sections)
	return im.keep(ctx, a, err, where)
}

// keep adds a mapped article to the batch, or reports why it was refused.
func (im *Importer) keep(ctx context.Context, a *dateline.Article, err error, where string) error {
	if err != nil {
		if dateline.ErrorCode(err) == dateline.EINTERNAL {
			return err
		}
		im.problem(where, dateline.ErrorMessage(err))
		return nil
	}
	a.Source = im.source("")
	im.batch = append(im.batch, a)
	im.wheres = append(im.wheres, where)
	if im.size == 0 {
		// Start small and grow while batches stay quick: the first
		// batch must not hold the writer long either.
		im.size = min(max(1, im.BatchSize), 64)
	}
	if len(im.batch) >= im.size {
		return im.Flush(ctx)
	}
	return nil
}

// Flush stores the documents gathered so far.
func (im *Importer) Flush(ctx context.Context) error {
	if len(im.batch) == 0 {
		return nil
	}
	maxTx, yield := im.MaxTxTime, im.Yield
	if maxTx <= 0 {
		maxTx = 250 * time.Millisecond
	}
	if yield <= 0 {
		yield = 30 * time.Millisecond
	}
	start := time.Now()
	rs, err := im.Store.UpsertArticles(ctx, im.batch, im.now())
	if err != nil {
		return err
	}
	// Keep each transaction short, so the site's own writes (the wire,
	// the newsroom) are not held up behind a long import.
	took := time.Since(start)
	switch {
	case took > maxTx && im.size > 1:
		im.size = max(1, im.size/2)
	case took < maxTx/4 && im.size < max(1, im.BatchSize):
		im.size = min(max(1, im.BatchSize), im.size*2)
	}
	changed := false
	for i, r := range rs {
		switch {
		case r.Refused != nil:
			im.problem(im.wheres[i], dateline.ErrorMessage(r.Refused))
		case r.Created:
			im.Stats.Created++
		case r.Changed:
			im.Stats.Updated++
		default:
			im.Stats.Unchanged++
		}
		changed = changed || r.Changed
	}
	im.batch, im.wheres = im.batch[:0], im.wheres[:0]
	if changed && im.Changed != nil {
		im.Changed()
	}
	if im.Progress != nil {
		im.Progress(im.Stats.Read)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(yield):
	}
	return nil
}
