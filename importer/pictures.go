package importer

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"dateline"
	"dateline/ingest"
	"dateline/media"
)

// Pictures copies the pictures of posts into the media store: from the
// export's own folder of uploads when it holds them, else from their
// addresses with Fetch (an http.Client that keeps off private networks:
// netguard). Each picture is checked and re-encoded by media.Prepare,
// which names files by their content, so a picture shown by many posts,
// or copied again by a rerun, is one set of files.
type Pictures struct {
	Media dateline.Media
	// Dir is the local folder of the pictures, and Marker what comes
	// before a picture's path under it in its address:
	// "/wp-content/uploads/" (WordPress's uploads folder),
	// "/content/images/" (Ghost's content/images folder).
	Dir, Marker string
	// Fetch fetches a picture not in Dir from its http(s) address; nil
	// fetches nothing.
	Fetch *http.Client
	// Folder is where in the media store the pictures go ("wordpress").
	Folder string
	// Base is the old site's address, against which a relative picture
	// address (Ghost's __GHOST_URL__/content/...) is fetched.
	Base *url.URL

	Copied int
	photos map[string]*dateline.Photo // by address; nil for a missing one
}

// Photo copies a post's featured picture; nil when it cannot be had.
func (p *Pictures) Photo(ctx context.Context, im *Image) (*dateline.Photo, error) {
	if p == nil {
		return nil, nil
	}
	ph, err := p.get(ctx, im.URL)
	if err != nil || ph == nil {
		return nil, err
	}
	c := *ph
	c.URI = ingest.Clean(im.Key)
	if c.URI == "" {
		c.URI = im.URL
	}
	c.Caption, c.Alt = truncate(ingest.PlainText(im.Caption), 1000), truncate(ingest.PlainText(im.Alt), 1000)
	if c.Alt == "" {
		c.Alt = c.Caption
	}
	return &c, nil
}

var (
	imgTag  = regexp.MustCompile(`(?is)<img\b[^>]*>`)
	srcAttr = regexp.MustCompile(`(?is)\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))`)
	altAttr = regexp.MustCompile(`(?is)\salt\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

func attr(re *regexp.Regexp, tag string) string {
	m := re.FindStringSubmatch(tag)
	if m == nil {
		return ""
	}
	return html.UnescapeString(strings.Join(m[1:], ""))
}

// Inline copies the pictures of a body and points its images at the
// copies; an image that cannot be had is left out (the old site's
// address would break with it), and counted.
func (p *Pictures) Inline(ctx context.Context, body string) (string, int, error) {
	missing := 0
	var err error
	out := imgTag.ReplaceAllStringFunc(body, func(tag string) string {
		if err != nil {
			return ""
		}
		src := attr(srcAttr, tag)
		var ph *dateline.Photo
		if p != nil && src != "" {
			ph, err = p.get(ctx, src)
		}
		if ph == nil {
			missing++
			return ""
		}
		return media.InlineImage(ph, ingest.PlainText(attr(altAttr, tag)))
	})
	return out, missing, err
}

// get returns the picture at address u, copied once; nil when it is
// neither in Dir nor to be fetched, or is not a picture media.Prepare
// takes.
func (p *Pictures) get(ctx context.Context, u string) (*dateline.Photo, error) {
	u = strings.TrimSpace(html.UnescapeString(u))
	if ph, ok := p.photos[u]; ok {
		return ph, nil
	}
	if p.photos == nil {
		p.photos = map[string]*dateline.Photo{}
	}
	rc, err := p.open(ctx, u)
	if err != nil || rc == nil {
		p.photos[u] = nil
		return nil, nil // missing: counted by the caller
	}
	defer rc.Close()
	folder := "import"
	if p.Folder != "" {
		folder += "/" + p.Folder
	}
	ph, err := media.Prepare(ctx, p.Media, folder, rc, media.DefaultLimits)
	switch dateline.ErrorCode(err) {
	case "":
	case dateline.EINVALID, dateline.EUNPROCESSABLE, dateline.ETOOLARGE:
		p.photos[u] = nil
		return nil, nil
	default:
		return nil, err
	}
	p.Copied++
	p.photos[u] = ph
	return ph, nil
}

// open finds a picture in Dir by the part of its address after Marker,
// else fetches it; nil when neither has it.
func (p *Pictures) open(ctx context.Context, u string) (io.ReadCloser, error) {
	parsed, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	if p.Dir != "" && p.Marker != "" {
		if i := strings.Index(parsed.Path, p.Marker); i >= 0 {
			rel := path.Clean("/" + parsed.Path[i+len(p.Marker):])
			if f, err := os.Open(filepath.Join(p.Dir, filepath.FromSlash(rel))); err == nil {
				if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
					return f, nil
				}
				f.Close()
			}
		}
	}
	if p.Base != nil && parsed.Host == "" {
		parsed = p.Base.ResolveReference(parsed)
	}
	if p.Fetch == nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
		return nil, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, parsed.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.Fetch.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("%s answered %s", parsed.Host, resp.Status)
	}
	return resp.Body, nil
}
