package kit

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"time"

	"dateline/http/web"
)

// asset is a static file prepared as a page, with a name that carries a
// hash of its content.
type asset struct {
	hashed string
	page   *web.Page
}

// Assets are the site's static files (CSS, scripts, the icon), each
// prepared once.
type Assets struct {
	byName   map[string]*asset // by plain name
	byHashed map[string]*asset // by hashed name
}

// loadAssets prepares every file of dir in fsys.
func loadAssets(fsys fs.FS, dir string) (*Assets, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	as := &Assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	for _, e := range entries {
		name := e.Name()
		data, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		p := &web.Page{Body: data, Type: mime.TypeByExtension(ext), Modified: time.Unix(0, 0)}
		p.Finish()
		p.SetCacheControl("public, max-age=31536000, immutable")
		a := &asset{hashed: hashed, page: p}
		as.byName[name], as.byHashed[hashed] = a, a
	}
	return as, nil
}

// url names a static file with a hash of its content, so browsers may
// keep it for a year.
func (as *Assets) url(name string) string {
	a := as.byName[name]
	if a == nil {
		return "/static/" + name
	}
	return "/static/" + a.hashed
}

// URL is a static file's address with a hash of its content (the
// templates' asset), for the surfaces that render their own pages.
func (as *Assets) URL(name string) string { return as.url(name) }

// Hashed is the static file of hashed name, as a page, or nil.
func (as *Assets) Hashed(name string) *web.Page {
	if a := as.byHashed[name]; a != nil {
		return a.page
	}
	return nil
}

// Named is the static file of plain name, as a page, or nil.
func (as *Assets) Named(name string) *web.Page {
	if a := as.byName[name]; a != nil {
		return a.page
	}
	return nil
}

// Assets are the site's static files.
func (s *Kit) Assets() *Assets { return s.assets }
