package kit

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/i18n"
)

// templates holds one parsed set per page, each made of the layout, the
// shared partials and the page itself, and the newsroom's pages on their
// own layout.
type templates struct {
	src   fs.FS // holds html/
	dev   bool  // parse again before every page
	funcs template.FuncMap
	mu    sync.Mutex
	sets  map[string]*template.Template
	nr    map[string]*template.Template
}

var pageNames = []string{"home", "news", "index", "article", "gallery", "galleries", "infographic", "infographics", "error", "search", "story", "currency", "city", "unsubscribe", "subscribe"}

// newsroomPages share the newsroom's own layout.
var newsroomPages = []string{"login", "message", "desk", "edit", "history", "compare", "photos", "photo", "collections", "collection", "top",
	"stories", "story", "users", "account", "sections", "tokens", "audit", "partners", "ads",
	"clients", "client", "products", "push", "usage", "live", "live_history"}

// parseTemplates parses every page of src with funcs and own, the
// functions that need the site (an article's address depends on its
// section's edition, an asset's on its content).
func parseTemplates(src fs.FS, dev bool, own template.FuncMap) (*templates, error) {
	t := &templates{src: src, dev: dev, funcs: template.FuncMap{}}
	for k, v := range funcs {
		t.funcs[k] = v
	}
	for k, v := range own {
		t.funcs[k] = v
	}
	return t, t.parse()
}

func (t *templates) parse() error {
	src := t.src
	base, err := template.New("").Funcs(t.funcs).ParseFS(src, "html/layout.html", "html/partials.html", "html/currency_box.html", "html/ads.html", "html/cityclock.html")
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	sets := map[string]*template.Template{}
	for _, name := range pageNames {
		set, err := template.Must(base.Clone()).ParseFS(src, "html/"+name+".html")
		if err != nil {
			return fmt.Errorf("templates: %s: %w", name, err)
		}
		sets[name] = set
	}
	nrBase, err := template.New("").Funcs(t.funcs).ParseFS(src, "html/newsroom/layout.html", "html/partials.html", "html/ads.html")
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	nr := map[string]*template.Template{}
	for _, name := range newsroomPages {
		set, err := template.Must(nrBase.Clone()).ParseFS(src, "html/newsroom/"+name+".html")
		if err != nil {
			return fmt.Errorf("templates: newsroom %s: %w", name, err)
		}
		nr[name] = set
	}
	t.mu.Lock()
	t.sets, t.nr = sets, nr
	t.mu.Unlock()
	return nil
}

func (t *templates) executeNewsroom(buf *bytes.Buffer, name string, data any) error {
	set, err := t.set(true, name)
	if err != nil {
		return err
	}
	return set.ExecuteTemplate(buf, "layout", data)
}

// executePart runs the template part defined in page name's set.
func (t *templates) executePart(buf *bytes.Buffer, name, part string, data any) error {
	set, err := t.set(false, name)
	if err != nil {
		return err
	}
	return set.ExecuteTemplate(buf, part, data)
}

func (t *templates) execute(buf *bytes.Buffer, name string, data any) error {
	set, err := t.set(false, name)
	if err != nil {
		return err
	}
	return set.ExecuteTemplate(buf, "layout", data)
}

// set is the template set of page name, of the newsroom's or the site's
// pages, parsed again first in development.
func (t *templates) set(newsroom bool, name string) (*template.Template, error) {
	if t.dev {
		if err := t.parse(); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	sets, kind := t.sets, "page"
	if newsroom {
		sets, kind = t.nr, "newsroom page"
	}
	set := sets[name]
	t.mu.Unlock()
	if set == nil {
		return nil, fmt.Errorf("templates: no %s %q", kind, name)
	}
	return set, nil
}

var funcs = template.FuncMap{
	// t translates interface text: {{t $.Lang "Most read"}}; n counts:
	// {{n $.Lang "page" 5}} is "5 pages" or "5 страниц".
	"t":        func(lang, key string, args ...any) string { return i18n.T(i18n.Lang(lang), key, args...) },
	"n":        func(lang, key string, count int) string { return i18n.N(i18n.Lang(lang), key, count) },
	"stamp":    Stamp,
	"clock":    func(z Zone, t time.Time) string { return t.In(z.Loc).Format("15:04") },
	"iso":      func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"day":      func(z Zone, t time.Time) string { return i18n.DateYear(z.lang(), t.In(z.Loc)) },
	"srcset":   srcset,
	"media":    func(p *dateline.Photo) string { return web.MediaURL(p, 0) },
	"mediaw":   func(p *dateline.Photo, w int) string { return web.MediaURL(p, w) },
	"pages":    pagesLabel,
	"photos":   func(lang string, n int) string { return i18n.N(i18n.Lang(lang), "photo", n) },
	"prefix":   prefix,
	"offset":   Offset, // "UTC+3", for the zone a page's times are in
	"langName": func(lang string) string { return i18n.LanguageName(lang) },
	"langMark": langMark,
	"num":      decimal,
	"add":      func(a, b int) int { return a + b },
	"upper":    strings.ToUpper,
	"shareURL": shareURL,
	"seq":      seq,
	"dict":     dict,
	"when":     when,
	"trusted":  trustedHTML,
	"join":     func(s []string) string { return strings.Join(s, ", ") },
	"fit":      fitURL,
	"lines":    func(s []string) string { return strings.Join(s, "\n") },
	"mul":      func(a, b int) int { return a * b },
	"div": func(a, b int) int {
		if b == 0 {
			return 0
		}
		return a / b
	},
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

// dict makes a map from key, value pairs, to pass several values to a
// partial template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// when is a short time for lists: "13:43" today, "Oct 22, 13:43" before.
func when(z Zone, t time.Time) string {
	lt := t.In(z.Loc)
	now := z.Now
	switch {
	case lt.Format("20060102") == now.Format("20060102"):
		return lt.Format("15:04")
	case z.Lang == "ru" && lt.Year() == now.Year():
		return i18n.Stamp(i18n.RU, lt)
	case z.Lang == "ru":
		return i18n.DateYear(i18n.RU, lt)
	case lt.Year() == now.Year():
		return lt.Format("Jan 2, 15:04")
	}
	return lt.Format("Jan 2, 2006")
}

// trustedHTML marks body HTML that was sanitised when it was stored.
func trustedHTML(s string) template.HTML { return template.HTML(s) }

// Offset writes a zone's offset from UTC as agencies do: "UTC+3", "UTC+5:30".
func Offset(t time.Time) string {
	_, off := t.Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off%3600/60
	if m == 0 {
		return "UTC" + sign + strconv.Itoa(h)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, h, m)
}

// Stamp is the article's time line: "October 23, 13:43 UTC+3 MOSCOW". The
// year is added when it is not the current one.
func Stamp(z Zone, t time.Time) string {
	lt := t.In(z.Loc)
	var day string
	if lt.Year() != z.Now.Year() {
		day = i18n.DateYear(z.lang(), lt)
	} else {
		day = i18n.Date(z.lang(), lt)
	}
	return day + ", " + lt.Format("15:04") + " " + Offset(lt) + " " + strings.ToUpper(z.City)
}

// srcset lists a photo's renditions for the browser to choose from.
func srcset(p *dateline.Photo) string {
	if p == nil || p.Path == "" || len(p.Widths) == 0 {
		return ""
	}
	var b strings.Builder
	for _, w := range p.Widths {
		fmt.Fprintf(&b, "%s %dw, ", web.MediaURL(p, w), w)
	}
	fmt.Fprintf(&b, "%s %dw", web.MediaURL(p, 0), p.Width)
	return b.String()
}

func pagesLabel(lang string, n int) string {
	return i18n.T(i18n.Lang(lang), "%s in this article", i18n.N(i18n.Lang(lang), "page", n))
}

// shareURL builds a link to a sharing service that needs no script here.
func shareURL(service, url, title string) string {
	q := func(s string) string { return template.URLQueryEscaper(s) }
	switch service {
	case "telegram":
		return "https://t.me/share/url?url=" + q(url) + "&text=" + q(title)
	case "vk":
		return "https://vk.com/share.php?url=" + q(url) + "&title=" + q(title)
	case "x":
		return "https://x.com/intent/post?url=" + q(url) + "&text=" + q(title)
	case "facebook":
		return "https://www.facebook.com/sharer/sharer.php?u=" + q(url)
	case "email":
		return "mailto:?subject=" + q(title) + "&body=" + q(url)
	}
	return url
}

// fitURL is the largest rendition of the photo no wider than w, or the
// original when none is.
func fitURL(p *dateline.Photo, w int) string {
	best := 0
	for _, x := range p.Widths {
		if x <= w && x > best {
			best = x
		}
	}
	return web.MediaURL(p, best)
}

// langMark is what a link on a page of edition page adds after a story
// of another language: " (англ.)" on a Russian page linking an English
// story; "" for a story of the page's own edition or of no known language.
func langMark(page, story string) string {
	if story == "" || editionOf(story) == editionOf(page) {
		return ""
	}
	switch editionOf(story) {
	case "en":
		return i18n.T(i18n.Lang(page), "(in English)")
	case "ru":
		return i18n.T(i18n.Lang(page), "(in Russian)")
	}
	return ""
}

// decimal writes a number such as "92.5000" as edition lang does:
// "92,5000" in Russian.
func decimal(lang, n string) string {
	if lang == "ru" {
		return strings.ReplaceAll(n, ".", ",")
	}
	return n
}
