package wordpress

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
)

// gallery is what a [gallery] shortcode shows: the attachments by id, and
// the post's own attachments when it names none.
type gallery struct {
	attachments map[string]*item
	children    []string
}

var (
	embedBlock = regexp.MustCompile(`(?s)<!--\s*wp:(?:core-embed/[a-z0-9-]+|embed)\s+(\{.*?\})\s*-->.*?<!--\s*/wp:(?:core-embed/[a-z0-9-]+|embed)\s*-->`)
	blockNote  = regexp.MustCompile(`(?s)<!--\s*/?wp:.*?-->`)
	captionSC  = regexp.MustCompile(`(?s)\[caption([^\]]*)\](.*?)\[/caption\]`)
	captionImg = regexp.MustCompile(`(?s)^\s*((?:<a\b[^>]*>)?\s*<img\b[^>]*>\s*(?:</a>)?)(.*)$`)
	gallerySC  = regexp.MustCompile(`\[gallery([^\]]*)\]`)
	embedSC    = regexp.MustCompile(`(?s)\[embed[^\]]*\](.*?)\[/embed\]`)
	mediaSC    = regexp.MustCompile(`\[(?:video|audio)([^\]]*)\]`)
	scAttr     = regexp.MustCompile(`([a-z0-9_-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s\]]+))`)
	// A shortcode that is not one of the above: left out, its content
	// kept. Only those with attributes, or a closing tag, are taken for
	// one: "[sic]" in a sentence stays.
	pairedSC   = regexp.MustCompile(`(?s)\[([a-z][a-z0-9_-]*)(\s[^\]]*)?\](.*?)\[/([a-z][a-z0-9_-]*)\]`)
	attrSC     = regexp.MustCompile(`\[/?[a-z][a-z0-9_-]*\s+[^\]]*=[^\]]*\]`)
	closingSC  = regexp.MustCompile(`\[/(?:video|audio|playlist)\]`)
	paraBreak  = regexp.MustCompile(`\n[ \t]*\n`)
	blockStart = regexp.MustCompile(`(?i)^<(?:p|div|h[1-6]|ul|ol|li|dl|blockquote|figure|table|thead|tbody|tr|pre|hr|form|section|address|iframe|script|style|!--)\b`)
	bareURL    = regexp.MustCompile(`^https?://[^\s<>"]+$`)
)

// shortcodeAttrs reads a shortcode's attributes.
func shortcodeAttrs(s string) map[string]string {
	m := map[string]string{}
	for _, a := range scAttr.FindAllStringSubmatch(s, -1) {
		m[strings.ToLower(a[1])] = html.UnescapeString(a[2] + a[3] + a[4])
	}
	return m
}

func link(u string) string {
	u = strings.TrimSpace(html.UnescapeString(u))
	if !bareURL.MatchString(u) {
		return ""
	}
	e := html.EscapeString(u)
	return `<p><a href="` + e + `">` + e + `</a></p>`
}

// body turns a post's content as WordPress keeps it into HTML: the block
// editor's comments dropped (an embed block becomes a link to what it
// embedded), the shortcodes WordPress itself has ([caption], [gallery],
// [embed], [video], [audio]) made into figures and links and any other
// left out with its content kept, and the classic editor's text made into
// paragraphs as WordPress's wpautop does (a blank line ends a paragraph,
// a line break within one is kept, a line that is only an address embeds
// it). The result still goes through the site's sanitiser.
func body(content string, g gallery) string {
	s := strings.ReplaceAll(content, "\r\n", "\n")
	blocks := strings.Contains(s, "<!-- wp:")
	s = embedBlock.ReplaceAllStringFunc(s, func(m string) string {
		var attrs struct {
			URL string `json:"url"`
		}
		json.Unmarshal([]byte(embedBlock.FindStringSubmatch(m)[1]), &attrs)
		return "\n\n" + link(attrs.URL) + "\n\n"
	})
	s = blockNote.ReplaceAllString(s, "")
	s = captionSC.ReplaceAllStringFunc(s, func(m string) string {
		sm := captionSC.FindStringSubmatch(m)
		img, text := sm[2], ""
		if parts := captionImg.FindStringSubmatch(sm[2]); parts != nil {
			img, text = parts[1], strings.TrimSpace(parts[2])
		}
		if text == "" {
			text = html.EscapeString(shortcodeAttrs(sm[1])["caption"])
		}
		out := "<figure>" + strings.TrimSpace(img)
		if text != "" {
			out += "<figcaption>" + text + "</figcaption>"
		}
		return "\n\n" + out + "</figure>\n\n"
	})
	s = gallerySC.ReplaceAllStringFunc(s, func(m string) string {
		ids := g.children
		if v := shortcodeAttrs(gallerySC.FindStringSubmatch(m)[1])["ids"]; v != "" {
			ids = nil
			for _, id := range strings.Split(v, ",") {
				ids = append(ids, strings.TrimSpace(id))
			}
		}
		var b strings.Builder
		for _, id := range ids {
			at := g.attachments[id]
			if at == nil {
				continue
			}
			im := image(at)
			if im == nil {
				continue
			}
			b.WriteString(`<figure><img src="` + html.EscapeString(im.URL) + `" alt="` + html.EscapeString(strings.TrimSpace(im.Alt)) + `">`)
			if c := strings.TrimSpace(im.Caption); c != "" {
				b.WriteString("<figcaption>" + c + "</figcaption>")
			}
			b.WriteString("</figure>")
		}
		return "\n\n" + b.String() + "\n\n"
	})
	s = embedSC.ReplaceAllStringFunc(s, func(m string) string {
		return "\n\n" + link(embedSC.FindStringSubmatch(m)[1]) + "\n\n"
	})
	s = mediaSC.ReplaceAllStringFunc(s, func(m string) string {
		a := shortcodeAttrs(mediaSC.FindStringSubmatch(m)[1])
		for _, k := range []string{"src", "mp4", "m4v", "webm", "mp3", "ogg"} {
			if a[k] != "" {
				return "\n\n" + link(a[k]) + "\n\n"
			}
		}
		return ""
	})
	s = closingSC.ReplaceAllString(s, "")
	for range 4 { // nested pairs, outermost first
		t := pairedSC.ReplaceAllStringFunc(s, func(m string) string {
			sm := pairedSC.FindStringSubmatch(m)
			if sm[1] != sm[4] {
				return m
			}
			return sm[3]
		})
		if t == s {
			break
		}
		s = t
	}
	s = attrSC.ReplaceAllString(s, "")
	if blocks {
		return strings.TrimSpace(s)
	}
	return autop(s)
}

// autop makes paragraphs of the classic editor's text.
func autop(s string) string {
	var b strings.Builder
	for _, para := range paraBreak.Split(s, -1) {
		para = strings.TrimSpace(para)
		switch {
		case para == "":
		case bareURL.MatchString(para):
			b.WriteString(link(para))
		case blockStart.MatchString(para):
			b.WriteString(para)
		default:
			b.WriteString("<p>" + strings.ReplaceAll(para, "\n", "<br>\n") + "</p>")
		}
		b.WriteString("\n")
	}
	return strings.TrimSpace(b.String())
}
