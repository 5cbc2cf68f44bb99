package site

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"dateline"
	"dateline/http/web"
)

// asset is a static file prepared as a page, with a name that carries a
// hash of its content.
type asset struct {
	hashed string
	page   *web.Page
}

// assets are the site's static files (CSS, scripts, the icon), each
// prepared once.
type assets struct {
	byName   map[string]*asset // by plain name
	byHashed map[string]*asset // by hashed name
}

// loadAssets prepares every file of dir in fsys.
func loadAssets(fsys fs.FS, dir string) (*assets, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	as := &assets{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
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
func (as *assets) url(name string) string {
	a := as.byName[name]
	if a == nil {
		return "/static/" + name
	}
	return "/static/" + a.hashed
}

// Files serves the static files and the photos of the media store.
type Files struct {
	*Kit
	assets *assets
	media  dateline.Media
}

func (s *Files) handleStatic(w http.ResponseWriter, r *http.Request) {
	a := s.assets.byHashed[r.PathValue("file")]
	if a == nil {
		// An old hash after an upgrade: send the current file, briefly cached.
		name := r.PathValue("file")
		if i := strings.IndexByte(name, '.'); i > 0 {
			if j := strings.LastIndexByte(name, '.'); j > i {
				name = name[:i] + name[j:]
			}
		}
		if a = s.assets.byName[name]; a == nil {
			s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No such file."))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		p := *a.page
		p.SetCacheControl("public, max-age=60")
		p.Write(w, r)
		return
	}
	a.page.Write(w, r)
}

func (s *Files) handleFavicon(w http.ResponseWriter, r *http.Request) {
	s.assets.byName["icon.svg"].page.Write(w, r)
}

// ServeMedia serves the photo at rel (the path after /media/) from the
// media store. Names never change content, so they are cached for a long
// time.
func (s *Files) ServeMedia(w http.ResponseWriter, r *http.Request, rel string) {
	if s.media == nil {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No such file."))
		return
	}
	if !mediaName(rel) {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No such file."))
		return
	}
	f, err := s.media.Get(r.Context(), rel)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, path.Base(rel), f.ModTime(), f)
}

// mediaName reports whether rel could name a stored file at all: no file
// system takes a name of more than 255 bytes, and asking for one is an
// error of the system's own rather than "not found".
func mediaName(rel string) bool {
	if len(rel) > 1024 {
		return false
	}
	for _, part := range strings.Split(rel, "/") {
		if len(part) > 255 {
			return false
		}
	}
	return true
}
