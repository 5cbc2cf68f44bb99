package portal

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/ingest"
	"dateline/newsml"
	"dateline/ninjs"
)

// Download formats: one file per item.
const (
	formatNinjs  = "ninjs"  // ninjs 2.2 JSON, as the read API sends it
	formatNewsML = "newsml" // a NewsML-G2 newsItem
	formatText   = "text"   // plain text
	formatPhoto  = "photo"  // the photo's original file
)

// maxZipItems is how many items one zip may hold.
const maxZipItems = 100

// maxZipPhotoBytes bounds the originals one zip carries; beyond it the
// zip says which it left out.
const maxZipPhotoBytes = 512 << 20

// file is one item in a format: its name and bytes.
func (h *Handler) file(a *dateline.Article, format string) (name string, body []byte, err error) {
	stem := "dateline-" + strconv.FormatInt(a.ID, 10)
	switch format {
	case formatNinjs:
		body, err = json.MarshalIndent(ninjs.Delivered(a, h.cfg.BaseURL), "", "  ")
		return stem + ".json", append(body, '\n'), err
	case formatNewsML:
		return stem + ".xml", newsml.FromArticle(a, h.cfg.BaseURL, paragraphs(a)), nil
	case formatText:
		return stem + ".txt", []byte(plainText(a, h.cfg.Zone)), nil
	}
	return "", nil, dateline.Errorf(dateline.ENOTFOUND, "Items download as ninjs, newsml, text or photo.")
}

// paragraphs are the story's text as plain paragraphs, every page's in
// order; none for a killed or withheld story, whose words are not sent.
func paragraphs(a *dateline.Article) []string {
	if a.Status == dateline.StatusWithdrawn || a.Status == dateline.StatusWithheld {
		return nil
	}
	var out []string
	for _, page := range a.Pages {
		for _, part := range strings.SplitAfter(page, "</p>") {
			if t := ingest.PlainText(part); t != "" {
				out = append(out, t)
			}
		}
	}
	return out
}

// plainText is the story as a text file: its status, headline, dateline,
// lead and paragraphs, and the notes of its versions.
func plainText(a *dateline.Article, zone *time.Location) string {
	var b strings.Builder
	line := func(s string) { b.WriteString(s); b.WriteString("\r\n") }
	switch a.Status {
	case dateline.StatusWithdrawn:
		line("KILLED: " + a.WithdrawNote)
		line("")
	case dateline.StatusWithheld:
		line("WITHHELD")
		line("")
	case dateline.StatusScheduled:
		line("EMBARGOED UNTIL " + a.EmbargoUntil.In(zone).Format("2006-01-02 15:04 MST"))
		line("")
	}
	line(a.Headline)
	line("")
	var head []string
	for _, s := range []string{a.Place, a.Byline} {
		if s != "" {
			head = append(head, s)
		}
	}
	if !a.PublishedAt.IsZero() {
		head = append(head, a.PublishedAt.In(zone).Format("2006-01-02 15:04 MST"))
	}
	if len(head) > 0 {
		line(strings.Join(head, ", "))
		line("")
	}
	if a.Lead != "" {
		line(a.Lead)
		line("")
	}
	for _, p := range paragraphs(a) {
		line(p)
		line("")
	}
	if a.Advisory != "" {
		line("Advisory: " + a.Advisory)
	}
	for _, c := range a.Corrections {
		line("Correction (" + c.At.In(zone).Format("2006-01-02 15:04") + "): " + c.Text)
	}
	line("ID: " + a.URI + ", version " + strconv.Itoa(a.Version))
	return b.String()
}

// handleDownload is GET /wire/items/{id}/download/{format}: one item in a
// format, or its photo's original; 404 outside the entitlement. Each
// counts as a download of the product that carries it.
func (h *Handler) handleDownload(w http.ResponseWriter, r *http.Request) error {
	format := r.PathValue("format")
	a, e, err := h.pathItem(r)
	if err != nil {
		return err
	}
	if format == formatPhoto {
		if err := h.sendPhoto(w, r, a); err != nil {
			return err
		}
	} else {
		name, body, err := h.file(a, format)
		if err != nil {
			return err
		}
		attach(w, name)
		w.Write(body)
	}
	h.cfg.Usage.Add(e.ClientID, e.ProductOf(a), dateline.UsageDownloaded, 1)
	return nil
}

// attach heads a response with a file's type and name to save it under.
func attach(w http.ResponseWriter, name string) {
	types := map[string]string{".json": "application/json", ".xml": "application/vnd.iptc.g2.newsitem+xml", ".txt": "text/plain; charset=utf-8",
		".zip": "application/zip", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".gif": "image/gif"}
	t := types[strings.ToLower(path.Ext(name))]
	if t == "" {
		t = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", t)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
}

// photoName is the name the original of an item's photo downloads as.
func photoName(a *dateline.Article) string {
	return "dateline-" + strconv.FormatInt(a.ID, 10) + "-photo" + pictureExt(a.Photo.Path)
}

// pictureExt is the extension a picture's original downloads with.
func pictureExt(p string) string {
	ext := strings.ToLower(path.Ext(p))
	if ext == "" || len(ext) > 5 {
		return ".jpg"
	}
	return ext
}

// sendPhoto answers with the original of the item's photo.
func (h *Handler) sendPhoto(w http.ResponseWriter, r *http.Request, a *dateline.Article) error {
	if a.Photo == nil || a.Photo.Path == "" || h.cfg.Media == nil || a.Status == dateline.StatusWithdrawn || a.Status == dateline.StatusWithheld {
		return dateline.Errorf(dateline.ENOTFOUND, "Item %d has no photo to download.", a.ID)
	}
	f, err := h.cfg.Media.Get(r.Context(), a.Photo.Path)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return dateline.Errorf(dateline.ENOTFOUND, "The photo of item %d is not in the store.", a.ID)
	} else if err != nil {
		return err
	}
	defer f.Close()
	attach(w, photoName(a))
	http.ServeContent(w, r, "", f.ModTime(), f)
	return nil
}

// handleZip is POST /wire/download: the selected items (id, once each,
// at most 100) in a format (ninjs, newsml or text), with their photos'
// originals when photos is set, as one zip. Every item must be in the
// entitlement, or nothing is sent.
func (h *Handler) handleZip(w http.ResponseWriter, r *http.Request) error {
	format := r.PostFormValue("format")
	if format != formatNinjs && format != formatNewsML && format != formatText {
		return dateline.Errorf(dateline.EINVALID, "Choose the format: ninjs, NewsML-G2 or plain text.")
	}
	ids, err := selection(r.PostForm["id"])
	if err != nil {
		return err
	}
	e, err := h.entitlement(r)
	if err != nil {
		return err
	}
	// Everything is read and checked before the first byte goes.
	var items []*dateline.Article
	for _, id := range ids {
		a, err := h.visible(r, id, &e)
		if err != nil {
			return err
		}
		items = append(items, a)
	}
	photos := r.PostFormValue("photos") != ""
	attach(w, "dateline-"+h.now().In(h.cfg.Zone).Format("2006-01-02-1504")+".zip")
	zw := zip.NewWriter(w)
	var left []string
	budget := int64(maxZipPhotoBytes)
	for _, a := range items {
		name, body, err := h.file(a, format)
		if err != nil {
			return err
		}
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: a.ModifiedAt})
		if err != nil {
			return nil // the reader went away
		}
		fw.Write(body)
		h.cfg.Usage.Add(e.ClientID, e.ProductOf(a), dateline.UsageDownloaded, 1)
		if photos && a.Photo != nil && a.Photo.Path != "" && h.cfg.Media != nil && a.Status != dateline.StatusWithdrawn && a.Status != dateline.StatusWithheld {
			if !h.zipPhoto(r, zw, a, &budget) {
				left = append(left, photoName(a))
			}
		}
	}
	closeZip(zw, left, "These photos were left out (not in the store, or over %d MB in one zip); download them one by one:")
	return nil
}

// closeZip ends a zip, first naming in LEFT-OUT.txt the files left out,
// after why (a format with the budget's megabytes).
func closeZip(zw *zip.Writer, left []string, why string) {
	if len(left) > 0 {
		if fw, err := zw.Create("LEFT-OUT.txt"); err == nil {
			io.WriteString(fw, fmt.Sprintf(why, maxZipPhotoBytes>>20)+"\r\n"+strings.Join(left, "\r\n")+"\r\n")
		}
	}
	zw.Close()
}

// zipPhoto adds the item's original photo within the budget of bytes.
func (h *Handler) zipPhoto(r *http.Request, zw *zip.Writer, a *dateline.Article, budget *int64) bool {
	return h.zipFile(r, zw, a.Photo.Path, photoName(a), budget)
}

// zipFile adds the stored media file at path as name within the budget
// of bytes.
func (h *Handler) zipFile(r *http.Request, zw *zip.Writer, path, name string, budget *int64) bool {
	f, err := h.cfg.Media.Get(r.Context(), path)
	if err != nil {
		return false
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil || size > *budget {
		return false
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return false
	}
	*budget -= size
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: f.ModTime()})
	if err != nil {
		return false
	}
	_, err = io.Copy(fw, f)
	return err == nil
}

// selection reads the zip's item ids: whole numbers, each once, 1 to
// maxZipItems of them.
func selection(vs []string) ([]int64, error) {
	if len(vs) == 0 {
		return nil, dateline.Errorf(dateline.EINVALID, "Select at least one item to download.")
	}
	if len(vs) > maxZipItems {
		return nil, dateline.Errorf(dateline.EINVALID, "One zip holds at most %d items; you selected %d.", maxZipItems, len(vs))
	}
	seen := map[int64]bool{}
	var ids []int64
	for _, v := range vs {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, dateline.Errorf(dateline.EINVALID, "Items are chosen by their numbers, not %q.", clip(v))
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}
