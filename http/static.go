package http

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"dateline"
	"dateline/http/web"
)

//go:embed static
var staticFS embed.FS

// asset is an embedded static file prepared as a page, with a name that
// carries a hash of its content.
type asset struct {
	hashed string
	page   *web.Page
}

var (
	assets       = map[string]*asset{} // by plain name
	assetsHashed = map[string]*asset{} // by hashed name
)

func init() {
	entries, err := staticFS.ReadDir("static")
	if err != nil {
		panic(err) // the embedded folder is part of the binary
	}
	for _, e := range entries {
		name := e.Name()
		data, err := staticFS.ReadFile("static/" + name)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		p := &web.Page{Body: data, Type: mime.TypeByExtension(ext), Modified: time.Unix(0, 0)}
		p.Finish()
		p.SetCacheControl("public, max-age=31536000, immutable")
		a := &asset{hashed: hashed, page: p}
		assets[name], assetsHashed[hashed] = a, a
	}
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	a := assetsHashed[r.PathValue("file")]
	if a == nil {
		// An old hash after an upgrade: send the current file, briefly cached.
		name := r.PathValue("file")
		if i := strings.IndexByte(name, '.'); i > 0 {
			if j := strings.LastIndexByte(name, '.'); j > i {
				name = name[:i] + name[j:]
			}
		}
		if a = assets[name]; a == nil {
			s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No such file."))
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

func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	assets["icon.svg"].page.Write(w, r)
}

// handleMedia serves photos from the media store. Names never change
// content, so they are cached for a long time.
func (s *Server) handleMedia(w http.ResponseWriter, r *http.Request, rel string) {
	if s.cfg.Media == nil {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No such file."))
		return
	}
	if !mediaName(rel) {
		s.error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No such file."))
		return
	}
	f, err := s.cfg.Media.Get(r.Context(), rel)
	if err != nil {
		s.error(w, r, err)
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
