package newsroom

import (
	"context"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/http/web"
	"dateline/ingest"
	"dateline/media"
)

// library is the photo library, and the galleries and infographics made
// from it.
type library struct {
	*kit
	store libraryStore
	media dateline.Media // nil: uploads are off
}

// libraryStore is what the library needs of the store.
type libraryStore interface {
	Photos(ctx context.Context, f dateline.PhotoFilter) ([]dateline.Photo, error)
	Photo(ctx context.Context, id int64) (*dateline.Photo, error)
	SavePhoto(ctx context.Context, p *dateline.Photo, now time.Time) error
	AllGalleries(ctx context.Context, limit int) ([]dateline.Gallery, error)
	Gallery(ctx context.Context, id int64) (*dateline.Gallery, error)
	SaveGallery(ctx context.Context, g *dateline.Gallery, now time.Time) error
	AllInfographics(ctx context.Context, limit int) ([]dateline.Infographic, error)
	Infographic(ctx context.Context, id int64) (*dateline.Infographic, error)
	SaveInfographic(ctx context.Context, g *dateline.Infographic, now time.Time) error
}

// --- the photo library ---

type photosPage struct {
	Photos []dateline.Photo
	Query  string
	Next   string
	Limit  int64
	// An upload refused: why, and the caption and credit typed for it.
	Error, Caption, Credit string
}

func (s *library) handlePhotos(w http.ResponseWriter, r *http.Request) error {
	return s.photos(w, r, http.StatusOK, photosPage{})
}

// photos shows the upload form (filled with p's caption and credit, with
// p's error) and the library.
func (s *library) photos(w http.ResponseWriter, r *http.Request, code int, p photosPage) error {
	f, ps, err := s.find(r)
	if err != nil {
		return err
	}
	p.Photos, p.Query, p.Limit = ps, f.Query, maxUploadBytes>>20
	if len(ps) == f.Limit {
		p.Next = "/newsroom/photos?before=" + strconv.FormatInt(ps[len(ps)-1].ID, 10) + "&q=" + url.QueryEscape(f.Query)
	}
	s.renderNewsroomView(w, r, code, "photos", &nrView{Title: "Photos", Session: sessionOf(r), Nav: "photos", Data: p})
	return nil
}

// find returns the photos of the library the request's query asks for.
func (s *library) find(r *http.Request) (dateline.PhotoFilter, []dateline.Photo, error) {
	f, err := photoFilter(r)
	if err != nil {
		return f, nil, err
	}
	ps, err := s.store.Photos(r.Context(), f)
	return f, ps, err
}

func photoFilter(r *http.Request) (dateline.PhotoFilter, error) {
	q := r.URL.Query()
	f := dateline.PhotoFilter{Query: strings.TrimSpace(q.Get("q")), Limit: 48}
	if !validText(f.Query) || len(f.Query) > 200 {
		return f, dateline.Errorf(dateline.EINVALID, "The search words must be text of at most 200 characters.")
	}
	var err error
	if f.Before, err = optionalID(q.Get("before"), "position"); err != nil {
		return f, err
	}
	return f, nil
}

// handleUpload takes one image, checks it, stores its renditions and adds
// it to the library with its caption and credit.
func (s *library) handleUpload(w http.ResponseWriter, r *http.Request) error {
	ctx, u := r.Context(), sessionOf(r).User
	if s.media == nil {
		s.newsroomError(w, r, http.StatusServiceUnavailable, "This site has no media store configured; uploads are off.")
		return nil
	}
	caption, credit := ingest.PlainText(r.PostFormValue("caption")), ingest.PlainText(r.PostFormValue("credit"))
	refuse := func(err error) error {
		if r.Header.Get("Accept") == "application/json" || dateline.ErrorCode(err) == dateline.EINTERNAL {
			return err
		}
		// The form again, with what was typed for the photo.
		code := web.Status(dateline.ErrorCode(err))
		retryLater(w, code)
		return s.photos(w, r, code, photosPage{Error: dateline.ErrorMessage(err), Caption: caption, Credit: credit})
	}
	if utf8.RuneCountInString(caption) > 1000 || utf8.RuneCountInString(credit) > 200 {
		return refuse(dateline.Errorf(dateline.EINVALID, "A caption has at most 1,000 characters and a credit 200."))
	}
	p, err := s.uploadPhoto(r, "photo", caption, credit)
	if err != nil {
		return refuse(err)
	}
	s.audit(ctx, u, "photo.upload", "photo "+strconv.FormatInt(p.ID, 10), r.MultipartForm.File["photo"][0].Filename)
	if r.Header.Get("Accept") == "application/json" {
		web.WriteJSON(w, http.StatusCreated, photoJSON(p))
		return nil
	}
	http.Redirect(w, r, "/newsroom/photos/"+strconv.FormatInt(p.ID, 10)+"?done=uploaded", http.StatusSeeOther)
	return nil
}

// uploadPhoto prepares the image of the form's field (checked, its
// renditions written) and adds it to the library with its caption and
// credit. Returns EINVALID when there is no usable image.
func (s *library) uploadPhoto(r *http.Request, field, caption, credit string) (*dateline.Photo, error) {
	ctx := r.Context()
	if s.media == nil {
		return nil, dateline.Errorf(dateline.EINVALID, "This site has no media store configured; uploads are off.")
	}
	file, hdr, err := r.FormFile(field)
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "Choose an image file to upload.")
	}
	defer file.Close()
	if hdr.Size == 0 {
		return nil, dateline.Errorf(dateline.EINVALID, "The file is empty.")
	}
	lim := media.DefaultLimits
	lim.MaxBytes = maxUploadBytes
	// Prepare waits for its share of the node's memory for image work
	// (media.SetWorkBudget), within a bound, and answers EUNAVAILABLE
	// (503) when the node stays busy.
	dir := "uploads/" + s.now().UTC().Format("2006/01")
	p, err := media.Prepare(ctx, s.media, dir, file, lim)
	if err != nil {
		return nil, err
	}
	p.URI = "urn:dateline:photo:" + strings.TrimSuffix(path.Base(p.Path), path.Ext(p.Path))
	p.Caption, p.Credit, p.Alt = caption, credit, caption
	if err := s.store.SavePhoto(ctx, p, time.Now()); err != nil {
		return nil, err
	}
	return p, nil
}

type photoPage struct{ P *dateline.Photo }

func (s *library) handlePhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.Photo(r.Context(), id)
	if err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "photo", &nrView{Title: "Photo " + strconv.FormatInt(id, 10), Session: sessionOf(r), Nav: "photos", Data: photoPage{P: p}})
	return nil
}

func (s *library) handleSavePhoto(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	p, err := s.store.Photo(ctx, id)
	if err != nil {
		return err
	}
	p.Caption, p.Credit, p.Alt = ingest.PlainText(r.PostFormValue("caption")), ingest.PlainText(r.PostFormValue("credit")), ingest.PlainText(r.PostFormValue("alt"))
	if utf8.RuneCountInString(p.Caption) > 1000 || utf8.RuneCountInString(p.Credit) > 200 || utf8.RuneCountInString(p.Alt) > 1000 {
		s.newsroomError(w, r, http.StatusBadRequest, "A caption or description has at most 1,000 characters and a credit 200.")
		return nil
	}
	if p.URI == "" {
		p.URI = "urn:dateline:photo:id-" + strconv.FormatInt(p.ID, 10)
	}
	if err := s.store.SavePhoto(ctx, p, time.Now()); err != nil {
		return err
	}
	s.site.Changed()
	s.audit(ctx, sessionOf(r).User, "photo.save", "photo "+strconv.FormatInt(p.ID, 10), p.Caption)
	http.Redirect(w, r, "/newsroom/photos/"+strconv.FormatInt(p.ID, 10)+"?done=saved", http.StatusSeeOther)
	return nil
}

// --- the editor's photo picker ---

func photoJSON(p *dateline.Photo) map[string]any {
	return map[string]any{"id": p.ID, "src": fitURL(p, 320), "full": fitURL(p, 960), "width": p.Width, "height": p.Height, "caption": p.Caption, "credit": p.Credit}
}

func (s *library) handleAPIPhotos(w http.ResponseWriter, r *http.Request) error {
	_, ps, err := s.find(r)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for i := range ps {
		out = append(out, photoJSON(&ps[i]))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
