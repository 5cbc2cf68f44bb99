package http

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"dateline"
	"dateline/feed"
	"dateline/http/web"
	"dateline/i18n"
)

// adsEvery is how often a node re-reads the ads and checks their dates,
// besides re-reading them on every change it hears of.
const adsEvery = 15 * time.Second

// adState is this node's copy of the ad slots and the ads that show now.
type adState struct {
	settings atomic.Pointer[dateline.AdSettings]
	live     atomic.Pointer[liveAds]
}

// liveAds are the ads pages show now, and the page policy that lets their
// frames load.
type liveAds struct {
	slots map[string]*dateline.Ad
	csp   []string // nil: web.CSP
	key   string   // what decides the pages: changes empty the cache
}

func (s *Server) adStore() (dateline.Ads, error) {
	return s.store, nil
}

// loadAds re-reads the ads from the store and works out which show now. It
// reports whether that changed what pages show.
func (s *Server) loadAds(ctx context.Context) (bool, error) {
	if !s.cfg.NoAds {
		st, err := s.store.AdSettings(ctx)
		if err != nil {
			return false, err
		}
		s.ads.settings.Store(st)
	}
	return s.settleAds(), nil
}

// settleAds works out the ads that show at this moment from the settings
// read last. It reports whether they differ from those pages show.
func (s *Server) settleAds() bool {
	la := &liveAds{slots: map[string]*dateline.Ad{}}
	if !s.cfg.NoAds {
		la.slots = s.ads.settings.Load().Live(s.now())
	}
	var key strings.Builder
	var origins []string
	for _, slot := range dateline.AdSlots {
		a := la.slots[slot]
		if a == nil {
			continue
		}
		key.WriteString(slot + "|" + a.Kind + "|" + a.UpdatedAt.String() + ";")
		if a.Kind == dateline.AdFrame {
			// Only a checked host and port reach the policy.
			if u, err := url.Parse(a.FrameURL); err == nil {
				if o := dateline.AdOrigin(u); strings.HasPrefix(o, "https://") && !slices.Contains(origins, o) {
					origins = append(origins, o)
				}
			}
		}
	}
	// Frames may come only from the origins of the frame ads showing now.
	if len(origins) > 0 {
		la.csp = []string{web.CSP[0] + "; frame-src " + strings.Join(origins, " ")}
	}
	la.key = key.String()
	old := s.ads.live.Swap(la)
	return old == nil || old.key != la.key
}

// currentAds are the ads pages show now.
func (s *Server) currentAds() *liveAds {
	if la := s.ads.live.Load(); la != nil {
		return la
	}
	return &liveAds{}
}

// RunAds re-reads the ads every adsEvery until ctx ends, so a node that
// missed a change, and an ad whose dates begin or end, shows the right
// ads soon; when what shows changed, cached pages are dropped.
func (s *Server) RunAds(ctx context.Context) {
	t := time.NewTicker(adsEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.RefreshAds(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("read ads", "err", err)
		}
	}
}

// RefreshAds re-reads the ads and works out which show now; when that
// changed, cached pages are dropped.
func (s *Server) RefreshAds(ctx context.Context) error {
	changed, err := s.loadAds(ctx)
	if err != nil {
		return err
	}
	if changed {
		s.lastChange.Store(s.now().UnixNano())
		s.cache.Invalidate()
	}
	return nil
}

// adBox is what the "adbox" template shows: one slot's ad, labelled in
// the page's language.
type adBox struct {
	Ad   *dateline.Ad
	Lang string
}

// withArticleAd places the article slot's ad in a page of an article's
// body: after its second paragraph (and the "Read also" links there), or
// at its end when it is shorter.
func (s *Server) withArticleAd(body any, lang string) any {
	ad := s.currentAds().slots[dateline.SlotArticle]
	text, ok := body.(template.HTML)
	if ad == nil || !ok {
		return body
	}
	var buf bytes.Buffer
	if err := s.tmpl.executePartial(&buf, "adbox", adBox{Ad: ad, Lang: lang}); err != nil {
		s.log.Error("render article ad", "err", err)
		return body
	}
	at := len(text)
	if i := nthIndex(string(text), "</p>", 2); i >= 0 {
		at = i + len("</p>")
		if rest := string(text[at:]); strings.HasPrefix(rest, `<aside class="read-also"`) {
			if j := strings.Index(rest, "</aside>"); j >= 0 {
				at += j + len("</aside>")
			}
		}
	}
	return trustedHTML(string(text[:at]) + buf.String() + string(text[at:]))
}

// executePartial runs one shared template (defined in html/ads.html,
// which every page's set holds) on its own.
func (t *templates) executePartial(buf *bytes.Buffer, name string, data any) error {
	t.mu.Lock()
	set := t.sets["article"]
	t.mu.Unlock()
	return set.ExecuteTemplate(buf, name, data)
}

// --- the newsroom's ads page (admins only) ---

type adsPage struct {
	Off     bool // the switch, as stored
	NoAds   bool // serve --no-ads: this node shows none whatever is stored
	Slots   []adSlotForm
	Limits  map[string]int
	Failed  string // the slot whose form was refused
	Error   string // why it was refused
	MaxFile int    // MB
}

// adSlotForm is one slot's form: what is stored, or what was sent and
// refused.
type adSlotForm struct {
	Slot, Name string
	Ad         dateline.Ad
	Filled     bool
	Showing    bool   // shows on the site now
	From       string // datetime-local in the site's zone
	Until      string
}

var adSlotNames = map[string]string{
	dateline.SlotHeader:  "Header: under the section menu of every page",
	dateline.SlotArticle: "Article: inside the story, after its second paragraph",
	dateline.SlotSidebar: "Sidebar: beside the home page and every story",
}

func (s *Server) handleAdsAdmin(w http.ResponseWriter, r *http.Request) {
	s.renderAds(w, r, http.StatusOK, "", nil)
}

// renderAds shows the switch and each slot's form; refused, when not nil,
// is an ad that was not saved, shown again in its slot's form with msg.
func (s *Server) renderAds(w http.ResponseWriter, r *http.Request, code int, msg string, refused *dateline.Ad) {
	as, err := s.adStore()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := as.AdSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	z := s.zone(r)
	live := st.Live(s.now())
	d := adsPage{Off: st.Off, NoAds: s.cfg.NoAds, MaxFile: maxUploadBytes >> 20}
	for _, slot := range dateline.AdSlots {
		f := adSlotForm{Slot: slot, Name: adSlotNames[slot], Ad: dateline.Ad{Slot: slot, Kind: dateline.AdImage}}
		for _, a := range st.Ads {
			if a.Slot == slot {
				f.Ad, f.Filled, f.Showing = a, true, live[slot] != nil && !s.cfg.NoAds
			}
		}
		if refused != nil && refused.Slot == slot {
			f.Ad = *refused
			f.Ad.Photo = nil
			d.Failed = slot
		}
		f.From, f.Until = localInput(f.Ad.From, z.Loc), localInput(f.Ad.Until, z.Loc)
		d.Slots = append(d.Slots, f)
	}
	flash := msg
	if code >= 400 {
		d.Error, flash = msg, ""
		if d.Failed == "" {
			d.Failed = "switch"
		}
	}
	s.renderNewsroomView(w, r, code, "ads", &nrView{Title: "Ads", Session: sessionOf(r), Nav: "ads", Flash: flash, Data: d})
}

func localInput(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02T15:04")
}

// formAd reads a slot's form. Returns EINVALID.
func (s *Server) formAd(r *http.Request, slot string) (*dateline.Ad, error) {
	f := r.PostForm
	for k, vs := range f {
		for _, v := range vs {
			if !validText(v) {
				return nil, dateline.Errorf(dateline.EINVALID, "The field %q holds something that is not text.", truncate(k, 40))
			}
		}
	}
	a := &dateline.Ad{Slot: slot, Kind: f.Get("kind"), Link: f.Get("link"), Alt: f.Get("alt"), FrameURL: f.Get("frame_url")}
	num := func(name, v string) (int, error) {
		v = strings.TrimSpace(v)
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1<<30 {
			return 0, dateline.Errorf(dateline.EINVALID, "The %s must be a whole number.", name)
		}
		return n, nil
	}
	var err error
	if a.Kind == dateline.AdFrame {
		if a.Width, err = num("width", f.Get("width")); err != nil {
			return a, err
		}
		if a.Height, err = num("height", f.Get("height")); err != nil {
			return a, err
		}
	}
	if id := f.Get("photo_id"); a.Kind == dateline.AdImage && id != "" {
		n, err := num("photo number", id)
		if err != nil {
			return a, err
		}
		a.PhotoID = int64(n)
	}
	loc := s.zone(r).Loc
	for _, d := range []struct {
		name string
		to   *time.Time
	}{{"from", &a.From}, {"until", &a.Until}} {
		v := strings.TrimSpace(f.Get(d.name))
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", v, loc)
		if err != nil || t.Year() < 2000 || t.Year() > 2200 {
			return a, dateline.Errorf(dateline.EINVALID, "The dates are a day and a time, such as 2026-10-23T09:00.")
		}
		*d.to = t.UTC()
	}
	return a, nil
}

// handleSaveAd fills a slot from its form: an image (uploaded now, or a
// photo of the library by number) with a link, or a frame.
func (s *Server) handleSaveAd(w http.ResponseWriter, r *http.Request) {
	as, err := s.adStore()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slot := r.PathValue("slot")
	if !dateline.ValidAdSlot(slot) {
		s.fail(w, r, dateline.NoSlot(slot))
		return
	}
	a, err := s.formAd(r, slot)
	refuse := func(err error) {
		if dateline.ErrorCode(err) == dateline.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		code := web.Status(dateline.ErrorCode(err))
		if code == http.StatusNotFound {
			code = http.StatusBadRequest // an unknown photo number is bad input here
		}
		s.renderAds(w, r, code, dateline.ErrorMessage(err), a)
	}
	if err != nil {
		refuse(err)
		return
	}
	if a.Kind == dateline.AdImage && r.MultipartForm != nil && len(r.MultipartForm.File["photo"]) > 0 {
		// Check the rest of the form before keeping the upload.
		probe := *a
		probe.PhotoID = 1
		if err := probe.Validate(s.cfg.BaseURL); err != nil {
			refuse(err)
			return
		}
		p, err := s.uploadPhoto(r, "photo", "Advertisement", "")
		if err != nil {
			refuse(err)
			return
		}
		p.Alt = a.Alt
		a.PhotoID = p.ID
	}
	if err := as.SaveAd(r.Context(), a, s.cfg.BaseURL, time.Now()); err != nil {
		refuse(err)
		return
	}
	s.Changed()
	detail := a.Kind + " " + a.Link + a.FrameURL
	s.audit(r.Context(), sessionOf(r).User, "ad.save", "ad slot "+slot, detail)
	http.Redirect(w, r, "/newsroom/ads?done=saved", http.StatusSeeOther)
}

func (s *Server) handleClearAd(w http.ResponseWriter, r *http.Request) {
	as, err := s.adStore()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	slot := r.PathValue("slot")
	if err := as.ClearAd(r.Context(), slot); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Changed()
	s.audit(r.Context(), sessionOf(r).User, "ad.clear", "ad slot "+slot, "")
	http.Redirect(w, r, "/newsroom/ads?done=deleted", http.StatusSeeOther)
}

// handleAdsSwitch turns every ad off or back on, on every node.
func (s *Server) handleAdsSwitch(w http.ResponseWriter, r *http.Request) {
	as, err := s.adStore()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var off bool
	switch r.PostFormValue("ads") {
	case "off":
		off = true
	case "on":
	default:
		s.renderAds(w, r, http.StatusBadRequest, "Turn ads on or off with the buttons of the form.", nil)
		return
	}
	if err := as.SetAdsOff(r.Context(), off, time.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.Changed()
	s.audit(r.Context(), sessionOf(r).User, "ad.switch", "ads", r.PostFormValue("ads"))
	http.Redirect(w, r, "/newsroom/ads?done=saved", http.StatusSeeOther)
}

// --- labels of partner material and advertising ---

// commercialLabel is the label readers see on a marked story, in lang;
// "" for news.
func commercialLabel(lang, mark string) string {
	switch mark {
	case dateline.CommercialPartner:
		return i18n.T(i18n.Lang(lang), "Partner material")
	case dateline.CommercialAdvertising:
		return i18n.T(i18n.Lang(lang), "Advertisement")
	}
	return ""
}

// labelFeedItem marks a feed item of partner material or advertising.
// Feed readers show titles above all else, so the label leads the title
// ("Advertisement: …"); a category names it for programs.
func labelFeedItem(it *feed.Item, a *dateline.Article) {
	if label := commercialLabel(a.Lang, a.Commercial); label != "" {
		it.Commercial = label
		it.Title = label + ": " + it.Title
	}
}

// commercialMark is the label of a marked story as the "commercial"
// template writes it, for lists made in Go ("Read also").
func commercialMark(lang, mark string) string {
	if label := commercialLabel(lang, mark); label != "" {
		return `<span class="mark mark-commercial">` + escape(label) + `</span>`
	}
	return ""
}
