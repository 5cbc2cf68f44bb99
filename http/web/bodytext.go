package web

import (
	"regexp"
	"strings"

	"dateline/ingest"
)

var blockEnd = regexp.MustCompile(`(?i)</(p|h[1-6]|li|blockquote|figcaption)>|<br\s*/?>|<hr[^>]*>`)

// BodyText is a story or an introduction as plain text, a paragraph per
// line. The newsroom's comparison of versions has its own (newsroom/diff.go).
func BodyText(body string) string {
	body = blockEnd.ReplaceAllStringFunc(body, func(m string) string {
		if strings.HasPrefix(strings.ToLower(m), "<hr") {
			return "\n[page break]\n"
		}
		return m + "\n"
	})
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if t := ingest.PlainText(l); t != "" {
			lines = append(lines, t)
		}
	}
	return strings.Join(lines, "\n")
}
