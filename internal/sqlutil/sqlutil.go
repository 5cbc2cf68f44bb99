// Package sqlutil holds what both engines (sqlite, postgres) do alike
// around their SQL: limits, LIKE patterns, lists kept as text, the tables
// and columns their schemas share, the rows they select alike (with a
// scanner for either engine's times), and the keyset walk of lists,
// written in the SQL both speak. Each engine still owns the rest of its
// SQL; nothing here talks to a database.
package sqlutil

import (
	"strconv"
	"strings"
	"time"

	"dateline"
)

// LimitOr returns n, or def when n is not positive, at most max.
func LimitOr(n, def, max int) int {
	if n <= 0 {
		return def
	}
	return min(n, max)
}

// CapLimit is n between 1 and 200, 200 when n is not positive: the cap
// of ArticleFilter.Limit and the lists of photos and infographics.
func CapLimit(n int) int {
	if n <= 0 || n > 200 {
		return 200
	}
	return n
}

// LikeContains is a LIKE pattern (with ESCAPE '\') that matches text
// containing s.
func LikeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// JoinInts keeps a list of numbers (a photo's widths) as text: "320,640".
func JoinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

// SplitInts reads what JoinInts wrote, skipping what is not a number.
func SplitInts(s string) []int {
	if s == "" {
		return nil
	}
	var ns []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(f); err == nil {
			ns = append(ns, n)
		}
	}
	return ns
}

// NullID is NULL (nil) for 0, else id.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// TruncSecond is t in whole seconds, UTC; zero stays zero. Times are
// stored to the second.
func TruncSecond(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

// MonthStart is the first instant of t's month, UTC.
func MonthStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// WindowColumn is the view_windows column of a period, or "" for an
// unknown one.
func WindowColumn(p dateline.Period) string {
	switch p {
	case dateline.PeriodNow:
		return "now"
	case dateline.PeriodToday:
		return "today"
	case dateline.PeriodWeek:
		return "week"
	}
	return ""
}

// TagTable is the table of a tag kind (dateline.TagTopic, TagPerson) and
// its number among the kinds. Returns EINVALID for another kind.
func TagTable(kind string) (string, int, error) {
	switch kind {
	case dateline.TagTopic:
		return "topics", 0, nil
	case dateline.TagPerson:
		return "persons", 1, nil
	}
	return "", 0, dateline.Errorf(dateline.EINVALID, "A tag is a topic or a person, not %q.", kind)
}

// Scanner is one row as both drivers give it (database/sql's *Row and
// *Rows, pgx's Row and Rows).
type Scanner interface {
	Scan(dest ...any) error
}

// Rows is a result set as both drivers give it. The caller closes it.
type Rows interface {
	Scanner
	Next() bool
	Err() error
}

// Collect appends every row, read with scan, to out and returns it. Pass
// an empty slice for a list that is empty, not nil, when there are no
// rows. On an error it returns nil.
func Collect[T any](rows Rows, out []T, scan func(Scanner) (T, error)) ([]T, error) {
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Value adapts a scan that returns a pointer to one that returns the
// value, for Collect.
func Value[T any](scan func(Scanner) (*T, error)) func(Scanner) (T, error) {
	return func(r Scanner) (T, error) {
		p, err := scan(r)
		if err != nil {
			var zero T
			return zero, err
		}
		return *p, nil
	}
}

// MaxIDs is how many ids a batch read (ArticlesByID) takes at once.
const MaxIDs = 1000

// CheckIDs returns EINVALID for more than MaxIDs ids.
func CheckIDs(ids []int64) error {
	if len(ids) > MaxIDs {
		return dateline.Errorf(dateline.EINVALID, "At most %d ids at once, not %d.", MaxIDs, len(ids))
	}
	return nil
}

// InOrder returns the articles of byID in the order of ids, once each,
// leaving out ids it does not hold.
func InOrder(ids []int64, byID map[int64]*dateline.Article) []*dateline.Article {
	out := make([]*dateline.Article, 0, len(byID))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if a := byID[id]; a != nil && !seen[id] {
			seen[id] = true
			out = append(out, a)
		}
	}
	return out
}

// ScanPage reads a row of (article id, body) of a batch read into its
// article of byID, after the pages read before it.
func ScanPage(row Scanner, byID map[int64]*dateline.Article) error {
	var id int64
	var body string
	if err := row.Scan(&id, &body); err != nil {
		return err
	}
	byID[id].Pages = append(byID[id].Pages, body)
	return nil
}

// ScanTag reads a row of (article id, tag id, slug, name) of a batch read
// into its article of byID: a topic, or a person when person is set.
func ScanTag(row Scanner, byID map[int64]*dateline.Article, person bool) error {
	var id int64
	var t dateline.Topic
	if err := row.Scan(&id, &t.ID, &t.Slug, &t.Name); err != nil {
		return err
	}
	if a := byID[id]; person {
		a.Persons = append(a.Persons, dateline.Person(t))
	} else {
		a.Topics = append(a.Topics, t)
	}
	return nil
}
