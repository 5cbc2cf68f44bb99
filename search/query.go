package search

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"dateline"
)

// MaxQueryLen is the longest query accepted, in bytes.
const MaxQueryLen = 500

// maxParts is the most words and phrases a query may hold.
const maxParts = 16

// Query is a parsed search: every phrase in Must must match, none in Not
// may. A phrase is a list of terms; a single word is a phrase of one.
type Query struct {
	Must [][]string
	Not  [][]string
	// Words are the folded words the reader typed, for highlighting.
	Words []string
}

// Parse reads a reader's query: words, "exact phrases" and -excluded words
// or phrases. Operators of any engine mean nothing here: only letters and
// digits make terms. Returns EINVALID with a message a reader understands.
func Parse(q string) (Query, error) {
	if !utf8.ValidString(q) || strings.IndexByte(q, 0) >= 0 {
		return Query{}, dateline.Errorf(dateline.EINVALID, "The search text is not valid text.")
	}
	if len(q) > MaxQueryLen {
		return Query{}, dateline.Errorf(dateline.EINVALID, "The search text is too long: at most %d characters.", MaxQueryLen)
	}
	var out Query
	rest := q
	for len(rest) > 0 {
		rest = strings.TrimLeft(rest, " \t\r\n")
		if rest == "" {
			break
		}
		neg := false
		if rest[0] == '-' && len(rest) > 1 && rest[1] != ' ' {
			neg, rest = true, rest[1:]
		}
		var chunk string
		if rest[0] == '"' {
			// A phrase runs to the next quote, or to the end if unbalanced.
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				chunk, rest = rest[1:], ""
			} else {
				chunk, rest = rest[1:end+1], rest[end+2:]
			}
		} else {
			end := strings.IndexAny(rest, " \t\r\n\"")
			if end < 0 {
				end = len(rest)
			}
			chunk, rest = rest[:end], rest[end:]
		}
		words := Words(Fold(chunk))
		if len(words) == 0 {
			continue
		}
		terms := make([]string, len(words))
		for i, w := range words {
			terms[i] = Stem(w)
		}
		if neg {
			out.Not = append(out.Not, terms)
		} else {
			out.Must = append(out.Must, terms)
			out.Words = append(out.Words, words...)
		}
		if len(out.Must)+len(out.Not) > maxParts {
			return Query{}, dateline.Errorf(dateline.EINVALID, "The search has too many words: at most %d.", maxParts)
		}
	}
	if len(out.Must) == 0 {
		return Query{}, dateline.Errorf(dateline.EINVALID, "Enter at least one word to search for.")
	}
	return out, nil
}

// Snippet returns about max characters of text around the first words of
// the query, escaped for HTML, with every word whose stem is searched for
// wrapped in <mark>.
func Snippet(text string, q Query, max int) string {
	stems := map[string]bool{}
	for _, p := range q.Must {
		for _, t := range p {
			stems[t] = true
		}
	}
	type span struct{ start, end int }
	var hits []span
	inWord, start := false, 0
	flush := func(end int) {
		if inWord {
			if w := text[start:end]; stems[Stem(Fold(w))] {
				hits = append(hits, span{start, end})
			}
		}
	}
	for i, r := range text {
		letter := isWordRune(r)
		if letter && !inWord {
			inWord, start = true, i
		} else if !letter && inWord {
			flush(i)
			inWord = false
		}
	}
	flush(len(text))

	from, to := 0, len(text)
	if len(hits) > 0 && hits[0].start > max/3 {
		from = hits[0].start - max/3
		for from > 0 && !utf8.RuneStart(text[from]) {
			from--
		}
		if sp := strings.IndexByte(text[from:], ' '); sp >= 0 && sp < 30 {
			from += sp + 1
		}
	}
	if to-from > max {
		to = from + max
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to++
		}
		if sp := strings.LastIndexByte(text[from:to], ' '); sp > max/2 {
			to = from + sp
		}
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("… ")
	}
	pos := from
	for _, h := range hits {
		if h.start < from || h.end > to {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:h.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[h.start:h.end]))
		b.WriteString("</mark>")
		pos = h.end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString(" …")
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// JoinText joins a lead and a body for snippets, ending the lead as a
// sentence when it has no stop of its own.
func JoinText(lead, body string) string {
	lead, body = strings.TrimSpace(lead), strings.TrimSpace(body)
	if lead == "" || body == "" {
		return lead + body
	}
	if r, _ := utf8.DecodeLastRuneInString(lead); !strings.ContainsRune(".!?…»”\"", r) {
		lead += "."
	}
	return lead + " " + body
}
