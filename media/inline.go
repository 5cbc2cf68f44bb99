package media

import (
	"fmt"
	"html"

	"dateline"
)

// InlineWidth is the widest rendition of p up to 960 pixels (or its
// narrowest, when all are wider): the width a picture in a story's body
// is shown at.
const InlineWidth = 960

// InlineImage is the <img> of a picture in a story's body: p's rendition
// of at most InlineWidth pixels from the site's /media/, with its size and
// alt text.
func InlineImage(p *dateline.Photo, alt string) string {
	w := p.Width
	for _, x := range p.Widths {
		if x <= InlineWidth && (w > InlineWidth || x > w) {
			w = x
		}
	}
	h := p.Height
	if p.Width > 0 {
		h = max(1, (p.Height*w+p.Width/2)/p.Width)
	}
	return fmt.Sprintf(`<img src="/media/%s" alt="%s" width="%d" height="%d">`, html.EscapeString(p.Rendition(w)), html.EscapeString(alt), w, h)
}
