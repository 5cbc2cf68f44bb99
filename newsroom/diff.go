package newsroom

import (
	"html"
	"html/template"
	"strconv"
	"strings"

	"dateline"
	"dateline/ingest"
)

// Diff is two versions of a story side by side, field by field, with
// removed words marked <del> on the left and added ones <ins> on the right.
type Diff struct {
	Left, Right string // what each side is, e.g. "Their version (saved)"
	Rows        []DiffRow
}

// DiffRow is one field of a Diff, each side as HTML to show as it is.
type DiffRow struct {
	Field    string
	Old, New template.HTML
	Changed  bool
}

// DiffDrafts compares two drafts field by field: headline, lead, the story
// as plain text, section, tags, place, byline, photo, urgency, advisory,
// meta description, social headline
// and status. left and right label the two sides. The work is bounded:
// past a budget, changed paragraphs are shown whole.
func DiffDrafts(a, b *dateline.Draft, left, right string) Diff {
	t := Diff{Left: left, Right: right}
	budget := maxDiffCells
	add := func(field, x, y string) {
		o, n := diffWords(x, y, &budget)
		t.Rows = append(t.Rows, DiffRow{Field: field, Old: o, New: n, Changed: x != y})
	}
	add("Headline", a.Headline, b.Headline)
	add("Lead", a.Lead, b.Lead)
	add("Story", ingest.BodyText(a.Body), ingest.BodyText(b.Body))
	add("Section", a.Section, b.Section)
	add("Topics", strings.Join(a.Topics, ", "), strings.Join(b.Topics, ", "))
	add("Persons", strings.Join(a.Persons, ", "), strings.Join(b.Persons, ", "))
	add("Place", a.Place, b.Place)
	add("Byline", a.Byline, b.Byline)
	add("Photo", photoText(a), photoText(b))
	add("Urgency", urgencyName(a.Urgency, a.Breaking), urgencyName(b.Urgency, b.Breaking))
	add("Advisory", a.Advisory, b.Advisory)
	add("Meta description", a.MetaDescription, b.MetaDescription)
	add("Social headline", a.SocialHeadline, b.SocialHeadline)
	add("Status", string(a.Status), string(b.Status))
	return t
}

func photoText(d *dateline.Draft) string {
	if d.PhotoID == 0 {
		return ""
	}
	return "photo " + strconv.FormatInt(d.PhotoID, 10) + ": " + d.Caption + " (" + d.Credit + ")"
}

func urgencyName(u int, breaking bool) string {
	s := "normal"
	switch u {
	case 1:
		s = "flash"
	case 2:
		s = "urgent"
	}
	if breaking {
		s += ", breaking"
	}
	return s
}

// maxDiffCells bounds the work of one whole comparison: once it is spent,
// changed paragraphs are shown whole instead of word by word.
const maxDiffCells = 4_000_000

// diffWords marks the words of x missing from y and the words of y new
// to x, by a longest common subsequence over lines and then words.
func diffWords(x, y string, budget *int) (template.HTML, template.HTML) {
	if x == y {
		h := template.HTML(brText(x))
		return h, h
	}
	xs, ys := strings.Split(x, "\n"), strings.Split(y, "\n")
	var l, r strings.Builder
	ops := lcs(xs, ys, budget)
	for i := 0; i < len(ops); i++ {
		op := ops[i]
		switch {
		case op.kind == '=':
			l.WriteString(brText(op.s) + "<br>")
			r.WriteString(brText(op.s) + "<br>")
		case op.kind == '-' && i+1 < len(ops) && ops[i+1].kind == '+':
			lw, rw := wordDiff(op.s, ops[i+1].s, budget)
			l.WriteString(lw + "<br>")
			r.WriteString(rw + "<br>")
			i++
		case op.kind == '-':
			l.WriteString("<del>" + brText(op.s) + "</del><br>")
		default:
			r.WriteString("<ins>" + brText(op.s) + "</ins><br>")
		}
	}
	return template.HTML(strings.TrimSuffix(l.String(), "<br>")), template.HTML(strings.TrimSuffix(r.String(), "<br>"))
}

func wordDiff(x, y string, budget *int) (string, string) {
	xw, yw := strings.Fields(x), strings.Fields(y)
	if len(xw)*len(yw) > *budget {
		return "<del>" + html.EscapeString(x) + "</del>", "<ins>" + html.EscapeString(y) + "</ins>"
	}
	var l, r []string
	for _, op := range lcs(xw, yw, budget) {
		switch op.kind {
		case '=':
			l, r = append(l, html.EscapeString(op.s)), append(r, html.EscapeString(op.s))
		case '-':
			l = append(l, "<del>"+html.EscapeString(op.s)+"</del>")
		default:
			r = append(r, "<ins>"+html.EscapeString(op.s)+"</ins>")
		}
	}
	return strings.Join(l, " "), strings.Join(r, " ")
}

func brText(s string) string { return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>") }

type diffOp struct {
	kind byte // '=', '-', '+'
	s    string
}

// lcs returns the edit script from a to b: removals before additions at
// each change. It spends its table's cells from budget; inputs larger
// than what is left compare as wholly changed.
func lcs(a, b []string, budget *int) []diffOp {
	// Trim the common ends first: most edits touch a few lines.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for _, s := range a[:pre] {
		ops = append(ops, diffOp{'=', s})
	}
	am, bm := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if len(am)*len(bm) > *budget {
		for _, s := range am {
			ops = append(ops, diffOp{'-', s})
		}
		for _, s := range bm {
			ops = append(ops, diffOp{'+', s})
		}
	} else {
		n, m := len(am), len(bm)
		*budget -= n * m
		t := make([]int32, (n+1)*(m+1))
		at := func(i, j int) *int32 { return &t[i*(m+1)+j] }
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if am[i] == bm[j] {
					*at(i, j) = *at(i+1, j+1) + 1
				} else {
					*at(i, j) = max(*at(i+1, j), *at(i, j+1))
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && am[i] == bm[j]:
				ops = append(ops, diffOp{'=', am[i]})
				i, j = i+1, j+1
			case j >= m || (i < n && *at(i+1, j) >= *at(i, j+1)):
				ops = append(ops, diffOp{'-', am[i]})
				i++
			default:
				ops = append(ops, diffOp{'+', bm[j]})
				j++
			}
		}
	}
	for _, s := range a[len(a)-suf:] {
		ops = append(ops, diffOp{'=', s})
	}
	return ops
}
