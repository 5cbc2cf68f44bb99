package ghost

import (
	"encoding/json"
	"html"
	"strings"
)

// lexNode is a node of Ghost's Lexical document: the editor's own nodes
// (paragraph, heading, list, quote, text, link) and Ghost's cards.
type lexNode struct {
	Type     string    `json:"type"`
	Tag      string    `json:"tag"`
	ListType string    `json:"listType"`
	Text     string    `json:"text"`
	Format   any       `json:"format"`
	URL      string    `json:"url"`
	Src      string    `json:"src"`
	Caption  string    `json:"caption"`
	Alt      string    `json:"altText"`
	HTML     string    `json:"html"`
	Markdown string    `json:"markdown"`
	Children []lexNode `json:"children"`
}

// Lexical renders a Lexical document as simple HTML: paragraphs,
// headings, lists, quotes, bold, italic and links, images with their
// captions, HTML cards as they are, embeds and bookmarks as links, and
// the text of markdown cards as paragraphs. What it does not know is
// left out. Ghost's export holds the html it rendered itself beside the
// Lexical; this serves only when that is missing.
func Lexical(doc string) string {
	var d struct {
		Root lexNode `json:"root"`
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return ""
	}
	var b strings.Builder
	for _, n := range d.Root.Children {
		lexBlock(&b, n, 0)
	}
	return b.String()
}

func lexBlock(b *strings.Builder, n lexNode, depth int) {
	if depth > 50 {
		return
	}
	switch n.Type {
	case "paragraph":
		b.WriteString("<p>")
		lexInline(b, n.Children, depth+1)
		b.WriteString("</p>")
	case "heading", "extended-heading":
		tag := "h2"
		switch n.Tag {
		case "h2", "h3", "h4", "h5", "h6":
			tag = n.Tag
		}
		b.WriteString("<" + tag + ">")
		lexInline(b, n.Children, depth+1)
		b.WriteString("</" + tag + ">")
	case "quote", "aside", "extended-quote":
		b.WriteString("<blockquote>")
		lexInline(b, n.Children, depth+1)
		b.WriteString("</blockquote>")
	case "list":
		tag := "ul"
		if n.ListType == "number" {
			tag = "ol"
		}
		b.WriteString("<" + tag + ">")
		for _, c := range n.Children {
			b.WriteString("<li>")
			lexInline(b, c.Children, depth+1)
			b.WriteString("</li>")
		}
		b.WriteString("</" + tag + ">")
	case "image":
		figure(b, n.Src, n.Alt, n.Caption)
	case "gallery":
		for _, c := range n.Children {
			figure(b, c.Src, c.Alt, c.Caption)
		}
	case "html":
		b.WriteString(n.HTML)
	case "markdown":
		b.WriteString(paragraphs(n.Markdown))
	case "embed", "bookmark", "video", "audio":
		if u := n.URL + n.Src; u != "" {
			b.WriteString(`<p><a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + `</a></p>`)
		}
	case "horizontalrule":
	default:
		if len(n.Children) > 0 {
			for _, c := range n.Children {
				lexBlock(b, c, depth+1)
			}
		}
	}
}

func lexInline(b *strings.Builder, ns []lexNode, depth int) {
	if depth > 50 {
		return
	}
	for _, n := range ns {
		switch n.Type {
		case "text", "extended-text":
			f, _ := n.Format.(float64)
			bits := int(f)
			open, close := "", ""
			for _, m := range []struct {
				bit int
				tag string
			}{{1, "strong"}, {2, "em"}, {4, "s"}, {8, "u"}, {16, "code"}} {
				if bits&m.bit != 0 {
					open += "<" + m.tag + ">"
					close = "</" + m.tag + ">" + close
				}
			}
			b.WriteString(open + html.EscapeString(n.Text) + close)
		case "linebreak":
			b.WriteString("<br>")
		case "link", "autolink":
			b.WriteString(`<a href="` + html.EscapeString(n.URL) + `">`)
			lexInline(b, n.Children, depth+1)
			b.WriteString("</a>")
		default:
			lexInline(b, n.Children, depth+1)
		}
	}
}

func figure(b *strings.Builder, src, alt, caption string) {
	if src == "" {
		return
	}
	b.WriteString(`<figure><img src="` + html.EscapeString(src) + `" alt="` + html.EscapeString(alt) + `">`)
	if caption != "" {
		// Ghost keeps captions as HTML.
		b.WriteString("<figcaption>" + caption + "</figcaption>")
	}
	b.WriteString("</figure>")
}

// paragraphs makes paragraphs of text separated by blank lines.
func paragraphs(text string) string {
	var b strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			b.WriteString("<p>" + html.EscapeString(p) + "</p>")
		}
	}
	return b.String()
}

// Mobiledoc renders a mobiledoc document (Ghost before 5.0) as simple
// HTML: its markup and list sections with their markups (a, strong, em
// and the like), and its image, html and markdown cards, as Lexical does.
func Mobiledoc(doc string) string {
	var d struct {
		Markups  [][]any `json:"markups"`
		Cards    [][]any `json:"cards"`
		Sections [][]any `json:"sections"`
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return ""
	}
	var b strings.Builder
	for _, sec := range d.Sections {
		if len(sec) < 2 {
			continue
		}
		kind, _ := sec[0].(float64)
		switch kind {
		case 1: // [1, tag, markers]
			tag := blockTag(sec[1])
			if len(sec) < 3 {
				continue
			}
			markers, _ := sec[2].([]any)
			b.WriteString("<" + tag + ">" + mobiledocMarkers(markers, d.Markups) + "</" + tag + ">")
		case 3: // [3, "ul"|"ol", [markers...]]
			tag, _ := sec[1].(string)
			if tag != "ol" {
				tag = "ul"
			}
			if len(sec) < 3 {
				continue
			}
			items, _ := sec[2].([]any)
			b.WriteString("<" + tag + ">")
			for _, it := range items {
				markers, _ := it.([]any)
				b.WriteString("<li>" + mobiledocMarkers(markers, d.Markups) + "</li>")
			}
			b.WriteString("</" + tag + ">")
		case 10: // [10, card index]
			i, _ := sec[1].(float64)
			if int(i) < 0 || int(i) >= len(d.Cards) || len(d.Cards[int(i)]) < 2 {
				continue
			}
			card := d.Cards[int(i)]
			name, _ := card[0].(string)
			payload, _ := card[1].(map[string]any)
			s := func(k string) string { v, _ := payload[k].(string); return v }
			lexBlock(&b, lexNode{Type: name, Src: s("src"), Alt: s("alt"), Caption: s("caption"), HTML: s("html"),
				Markdown: s("markdown"), URL: s("url")}, 0)
		}
	}
	return b.String()
}

func blockTag(v any) string {
	switch t, _ := v.(string); strings.ToLower(t) {
	case "h1", "h2":
		return "h2"
	case "h3", "h4", "h5", "h6", "blockquote", "aside":
		if t == "aside" {
			return "blockquote"
		}
		return strings.ToLower(t)
	}
	return "p"
}

// mobiledocMarkers renders markers: [type, opened markups, closed count,
// text]; markups open and close as a stack.
func mobiledocMarkers(markers []any, markups [][]any) string {
	var b strings.Builder
	var open []string
	for _, mv := range markers {
		m, _ := mv.([]any)
		if len(m) < 4 {
			continue
		}
		opened, _ := m[1].([]any)
		for _, ov := range opened {
			i, _ := ov.(float64)
			if int(i) < 0 || int(i) >= len(markups) || len(markups[int(i)]) == 0 {
				open = append(open, "") // closed in its turn, showing nothing
				continue
			}
			mk := markups[int(i)]
			tag, _ := mk[0].(string)
			tag = strings.ToLower(tag)
			switch tag {
			case "a", "strong", "b", "em", "i", "u", "s", "code", "sup", "sub":
			default:
				open = append(open, "")
				continue
			}
			attrs := ""
			if len(mk) > 1 {
				if list, ok := mk[1].([]any); ok {
					for j := 0; j+1 < len(list); j += 2 {
						if k, _ := list[j].(string); k == "href" {
							v, _ := list[j+1].(string)
							attrs = ` href="` + html.EscapeString(v) + `"`
						}
					}
				}
			}
			b.WriteString("<" + tag + attrs + ">")
			open = append(open, tag)
		}
		if kind, _ := m[0].(float64); kind == 0 {
			text, _ := m[3].(string)
			b.WriteString(html.EscapeString(text))
		}
		closed, _ := m[2].(float64)
		for n := int(closed); n > 0 && len(open) > 0; n-- {
			open = closeLast(&b, open)
		}
	}
	for len(open) > 0 {
		open = closeLast(&b, open)
	}
	return b.String()
}

func closeLast(b *strings.Builder, open []string) []string {
	if tag := open[len(open)-1]; tag != "" {
		b.WriteString("</" + tag + ">")
	}
	return open[:len(open)-1]
}
