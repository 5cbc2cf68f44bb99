// Package sqlop names a database query's operation for metrics, the same
// way on both engines: its verb and main table ("select articles",
// "insert revisions", "update view_windows", "begin"), read once from the
// SQL text. The names come from fixed lists, so the label stays bounded
// whatever text the code builds, and naming a query allocates nothing.
package sqlop

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"dateline"
)

// verbs a query can start with; any other is "other".
var verbs = []string{"select", "insert", "update", "delete", "begin", "commit", "rollback", "savepoint", "release",
	"pragma", "vacuum", "analyze", "truncate", "create", "drop", "alter", "set", "show", "listen", "notify", "copy", "with", "values"}

// dmlVerbs are the verbs that name a table too.
var dmlVerbs = map[string]bool{"select": true, "insert": true, "update": true, "delete": true}

// extraTables are tables of the engines that the site's transfer does not
// move (indexes and caches built from the others).
var extraTables = []string{"article_fts", "article_search", "published_tags", "search_meta", "sitemap_months", "top_stories", "schema_migrations"}

var (
	tableIndex = map[string]int{} // table name: its index in names
	names      map[string][]string
)

func init() {
	tables := extraTables
	for _, t := range dateline.Tables {
		tables = append(tables, t.Name)
	}
	for _, t := range tables {
		tableIndex[t] = len(tableIndex)
	}
	names = map[string][]string{}
	for v := range dmlVerbs {
		ns := make([]string, len(tableIndex))
		for t, i := range tableIndex {
			ns[i] = v + " " + t
		}
		names[v] = ns
	}
}

// Name returns the operation of the SQL text q.
func Name(q string) string {
	w, rest := word(q)
	verb := ""
	for _, v := range verbs {
		if strings.EqualFold(w, v) {
			verb = v
			break
		}
	}
	switch verb {
	case "":
		return "other"
	case "with":
		// The statement after the common table expressions: the first
		// verb outside parentheses.
		verb, rest = topVerb(rest)
		if verb == "" {
			return "with"
		}
	case "select", "insert", "update", "delete":
	default:
		return verb
	}
	if verb == "update" {
		if i, ok := tableIndex[ident(rest)]; ok {
			return names[verb][i]
		}
	}
	// The first known table after FROM, INTO or JOIN.
	for s := rest; s != ""; {
		w, s = word(s)
		if strings.EqualFold(w, "from") || strings.EqualFold(w, "into") || strings.EqualFold(w, "join") {
			if i, ok := tableIndex[ident(s)]; ok {
				return names[verb][i]
			}
		}
	}
	return verb
}

// word returns the first word of s (letters, digits and underscores, or
// one other character) and what follows it, with spaces skipped.
func word(s string) (string, string) {
	s = strings.TrimLeft(s, " \t\r\n")
	i := 0
	for i < len(s) && isIdent(s[i]) {
		i++
	}
	if i == 0 && s != "" {
		i = 1
	}
	return s[:i], s[i:]
}

// ident returns the identifier s starts with, spaces skipped.
func ident(s string) string {
	w, _ := word(s)
	return w
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// topVerb finds the first of SELECT, INSERT, UPDATE or DELETE outside
// parentheses and returns it with the text after it.
func topVerb(s string) (string, string) {
	depth := 0
	for s != "" {
		var w string
		w, s = word(s)
		switch w {
		case "(":
			depth++
		case ")":
			depth--
		default:
			if depth == 0 {
				for v := range dmlVerbs {
					if strings.EqualFold(w, v) {
						return v, s
					}
				}
			}
		}
	}
	return "", ""
}

// maxCached bounds the names kept by SQL text: texts built per call (IN
// lists of varying length) are named anew each time past it.
const maxCached = 1024

// Observer passes the time of each query, by operation, to a function set
// once metrics are on; until then it costs one atomic load a query.
type Observer struct {
	f     atomic.Pointer[func(op string, d time.Duration)]
	mu    sync.RWMutex
	cache map[string]string
}

// Set makes f receive every query's operation and time from now on.
func (o *Observer) Set(f func(op string, d time.Duration)) {
	if f == nil {
		o.f.Store(nil)
		return
	}
	o.f.Store(&f)
}

// On reports whether queries are observed, so that callers skip reading
// the clock when not.
func (o *Observer) On() bool { return o != nil && o.f.Load() != nil }

// Done records a query of SQL text q that began at start.
func (o *Observer) Done(q string, start time.Time) {
	if o == nil {
		return
	}
	if f := o.f.Load(); f != nil {
		(*f)(o.Name(q), time.Since(start))
	}
}

// DoneOp records a query of a known operation that began at start.
func (o *Observer) DoneOp(op string, start time.Time) {
	if o == nil {
		return
	}
	if f := o.f.Load(); f != nil {
		(*f)(op, time.Since(start))
	}
}

// Name is the operation of q, kept by text.
func (o *Observer) Name(q string) string {
	o.mu.RLock()
	op, ok := o.cache[q]
	o.mu.RUnlock()
	if ok {
		return op
	}
	op = Name(q)
	o.mu.Lock()
	if o.cache == nil {
		o.cache = map[string]string{}
	}
	if len(o.cache) < maxCached {
		o.cache[q] = op
	}
	o.mu.Unlock()
	return op
}
