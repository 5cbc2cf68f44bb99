package site

import (
	"net/http"
	"path"
	"strings"

	"dateline"
	"dateline/http/site/kit"
)

// Files serves the static files and the photos of the media store.
type Files struct {
	*kit.Kit
	media dateline.Media
}

func (s *Files) handleStatic(w http.ResponseWriter, r *http.Request) {
	p := s.Assets().Hashed(r.PathValue("file"))
	if p == nil {
		// An old hash after an upgrade: send the current file, briefly cached.
		name := r.PathValue("file")
		if i := strings.IndexByte(name, '.'); i > 0 {
			if j := strings.LastIndexByte(name, '.'); j > i {
				name = name[:i] + name[j:]
			}
		}
		if p = s.Assets().Named(name); p == nil {
			s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No such file."))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=60")
		brief := *p
		brief.SetCacheControl("public, max-age=60")
		brief.Write(w, r)
		return
	}
	p.Write(w, r)
}

func (s *Files) handleFavicon(w http.ResponseWriter, r *http.Request) {
	s.Assets().Named("icon.svg").Write(w, r)
}

// ServeMedia serves the photo at rel (the path after /media/) from the
// media store. Names never change content, so they are cached for a long
// time.
func (s *Files) ServeMedia(w http.ResponseWriter, r *http.Request, rel string) {
	if s.media == nil {
		s.Error(w, r, dateline.Errorf(dateline.ENOTFOUND, "No such file."))
		return
	}
	// Superdesk's uploads are kept as they came (metadata and all) until
	// a story uses them; readers see only the photos made of them.
	if !mediaName(rel) || strings.HasPrefix(rel, "superdesk/in/") {
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
	// An object store's own entity tag, when it has one, so that every
	// node answers a conditional request alike; ServeContent checks
	// If-None-Match and If-Range against it.
	if e, ok := f.(etagger); ok && e.ETag() != "" {
		w.Header().Set("ETag", `"`+strings.Trim(e.ETag(), `"`)+`"`)
	}
	http.ServeContent(w, r, path.Base(rel), f.ModTime(), f)
}

// etagger is a stored file that knows its entity tag (s3media's do; a
// folder's files have their time only).
type etagger interface{ ETag() string }

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
