package sqlutil

import (
	"strconv"
	"strings"
	"time"

	"dateline"
)

// Dialect is what ArticleKeys needs to know of an engine.
type Dialect struct {
	// Arg adds a value to the caller's arguments and returns its
	// placeholder ("?", "$3").
	Arg func(any) string
	// At converts a time the way the engine stores it.
	At func(time.Time) any
	// LimitArms limits each section's walk in a subquery of its own.
	// PostgreSQL needs it, or it plans each arm for all of its section's
	// rows (a bitmap scan and a sort); SQLite would sort a limited arm
	// again, and flattens an unlimited one into an ordered walk.
	LimitArms bool
}

// ArticleKeys is the query of the keys (id, published_at) of the
// published articles f selects, newest first, at most limit: a keyset
// walk of an index, so that the thousandth page costs what the first
// does. It is written in the SQL both engines speak (row values, UNION
// ALL, scalar subqueries), with d's placeholders and times.
//
// The walk: a topic or person walks its part of published_tags (kind,
// tag_id, published_at, article_id), checking any other filter on each
// row; sections walk articles_section_feed (section_id, status,
// published_at, id) once each, merged by the engine (SQLite's MERGE,
// PostgreSQL's Merge Append); otherwise articles_feed (status,
// published_at, id).
func ArticleKeys(f dateline.ArticleFilter, limit int, d Dialect) string {
	const order = ` ORDER BY published_at DESC, id DESC`
	switch {
	case f.Topic != "" || f.Person != "":
		return tagArm(f, d) + order + ` LIMIT ` + d.Arg(limit)
	case len(f.Sections) == 1:
		return sectionArm(f, f.Sections[0], d) + order + ` LIMIT ` + d.Arg(limit)
	case len(f.Sections) > 1:
		// Each arm ordered in a subquery of its own, and the union in
		// FROM: the shape in which both engines merge the arms' orders
		// rather than sort their rows.
		arms := make([]string, len(f.Sections))
		for i, slug := range f.Sections {
			arm := sectionArm(f, slug, d) + order
			if d.LimitArms {
				arm += ` LIMIT ` + d.Arg(limit)
			}
			arms[i] = `SELECT id, published_at FROM (` + arm + `) a` + strconv.Itoa(i)
		}
		return `SELECT id, published_at FROM (` + strings.Join(arms, " UNION ALL ") + `) u` + order + ` LIMIT ` + d.Arg(limit)
	}
	return `SELECT id, published_at FROM articles WHERE status = 'published'` + window(f, "published_at", "id", d) + order + ` LIMIT ` + d.Arg(limit)
}

// sectionArm walks one section's part of articles_section_feed.
func sectionArm(f dateline.ArticleFilter, slug string, d Dialect) string {
	return `SELECT id, published_at FROM articles WHERE section_id = (SELECT id FROM sections WHERE slug = ` + d.Arg(slug) +
		`) AND status = 'published'` + window(f, "published_at", "id", d)
}

// tagArm walks the topic's (or else the person's) published_tags.
func tagArm(f dateline.ArticleFilter, d Dialect) string {
	arg := d.Arg
	kind, table, slug := 0, "topics", f.Topic
	if slug == "" {
		kind, table, slug = 1, "persons", f.Person
	}
	q := `SELECT t.article_id AS id, t.published_at FROM published_tags t WHERE t.kind = ` + arg(kind) +
		` AND t.tag_id = (SELECT id FROM ` + table + ` WHERE slug = ` + arg(slug) + `)` + window(f, "t.published_at", "t.article_id", d)
	if f.Topic != "" && f.Person != "" {
		q += ` AND EXISTS (SELECT 1 FROM published_tags y WHERE y.kind = 1 AND y.tag_id = (SELECT id FROM persons WHERE slug = ` +
			arg(f.Person) + `) AND y.published_at = t.published_at AND y.article_id = t.article_id)`
	}
	if len(f.Sections) > 0 {
		in := make([]string, len(f.Sections))
		for i, s := range f.Sections {
			in[i] = arg(s)
		}
		q += ` AND EXISTS (SELECT 1 FROM articles z JOIN sections zs ON zs.id = z.section_id WHERE z.id = t.article_id AND zs.slug IN (` +
			strings.Join(in, ", ") + `))`
	}
	return q
}

// window is the arm's conditions of f.Since and f.Before on its columns
// pub and id.
func window(f dateline.ArticleFilter, pub, id string, d Dialect) string {
	var w string
	if !f.Since.IsZero() {
		w += ` AND ` + pub + ` >= ` + d.Arg(d.At(f.Since))
	}
	if f.Before != nil {
		w += ` AND (` + pub + `, ` + id + `) < (` + d.Arg(d.At(f.Before.Time)) + `, ` + d.Arg(f.Before.ID) + `)`
	}
	return w
}

// TagFilter is the filter of TagArticles: the newest limit articles of
// the topic or person (kind dateline.TagTopic or TagPerson) with the slug.
// Returns EINVALID for another kind or a limit outside 1 to 200.
func TagFilter(kind, slug string, limit int) (dateline.ArticleFilter, error) {
	if _, _, err := TagTable(kind); err != nil {
		return dateline.ArticleFilter{}, err
	}
	if limit <= 0 || limit > 200 {
		return dateline.ArticleFilter{}, dateline.Errorf(dateline.EINVALID, "A list has 1 to 200 articles.")
	}
	f := dateline.ArticleFilter{Topic: slug, Limit: limit}
	if kind == dateline.TagPerson {
		f.Topic, f.Person = "", slug
	}
	return f, nil
}
