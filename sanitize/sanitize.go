// Package sanitize makes text from outside safe to store and show: body
// HTML through one policy, plain text for headlines and captions, pages of a
// long story. It depends on nothing of dateline, so any package may use it.
package sanitize

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
)

// bodyPolicy keeps the structure of a story (paragraphs, subheads, quotes,
// lists, links, tables, figures) and drops everything that could run script
// or restyle the page.
var bodyPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs()
	p.AllowElements("p", "br", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
		"strong", "em", "b", "i", "u", "s", "sub", "sup", "cite", "q", "abbr", "pre", "code",
		"figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("title").OnElements("abbr")
	p.AllowAttrs("colspan", "rowspan").OnElements("td", "th")
	p.AllowURLSchemes("https")
	p.AllowAttrs("src", "alt", "width", "height").OnElements("img")
	// The newsroom editor's blocks: a "Read also" link, an inline photo
	// with its credit. Only these class names pass.
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^read-also$`)).OnElements("p")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^inline-photo$`)).OnElements("figure")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^credit$`)).OnElements("span")
	p.AllowElements("span")
	p.RequireParseableURLs(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	// The headline is shown above the body, and a document's title and
	// head are not part of the story.
	p.SkipElementsContent("head", "title", "h1", "script", "style", "template", "noscript")
	return p
}()

var textPolicy = bluemonday.StrictPolicy()

// HTML returns body HTML that is safe to put in a page as it is.
func HTML(s string) string {
	return strings.TrimSpace(bodyPolicy.Sanitize(Clean(s)))
}

// Clean drops NUL bytes and invalid UTF-8, which no page needs and which
// PostgreSQL cannot store.
func Clean(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
}

var spaces = regexp.MustCompile(`\s+`)

// PlainText strips every tag from s, decodes entities and folds white
// space, for headlines, leads and captions.
func PlainText(s string) string {
	s = Clean(s)
	if strings.ContainsAny(s, "<&") {
		s = html.UnescapeString(textPolicy.Sanitize(s))
	}
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

// pageBreak matches the markers that split a long story into pages:
// <!-- pagebreak --> or an <hr> whose class names a page break.
var pageBreak = regexp.MustCompile(`(?i)<!--\s*page-?break\s*-->|<hr[^>]*class\s*=\s*["']?[^"'>]*page-?break[^>]*>`)

// Pages splits body HTML at page-break markers and sanitises each page,
// dropping pages left empty.
func Pages(body string) []string {
	var pages []string
	for _, part := range pageBreak.Split(body, -1) {
		if p := HTML(part); PlainText(p) != "" || strings.Contains(p, "<img") {
			pages = append(pages, p)
		}
	}
	return pages
}

// TextToHTML turns plain text into paragraphs: blank lines separate
// paragraphs, and so do single line breaks when there are no blank lines.
func TextToHTML(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	sep := "\n\n"
	if !strings.Contains(s, sep) {
		sep = "\n"
	}
	var b strings.Builder
	for _, para := range strings.Split(s, sep) {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(html.EscapeString(spaces.ReplaceAllString(para, " ")))
		b.WriteString("</p>")
	}
	return b.String()
}

var blockEnd = regexp.MustCompile(`(?i)</(p|h[1-6]|li|blockquote|figcaption)>|<br\s*/?>|<hr[^>]*>`)

// BodyText is a story or an introduction as plain text, a paragraph per
// line, with "[page break]" where a page ends: what the newsroom compares
// between versions and what the site shows where no markup may go.
func BodyText(body string) string {
	body = blockEnd.ReplaceAllStringFunc(body, func(m string) string {
		if strings.HasPrefix(strings.ToLower(m), "<hr") {
			return "\n[page break]\n"
		}
		return m + "\n"
	})
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if t := PlainText(l); t != "" {
			lines = append(lines, t)
		}
	}
	return strings.Join(lines, "\n")
}
