package newsroom

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/http/web"
)

// adsAdmin is the admins' page of the ad slots and the switch.
type adsAdmin struct {
	*kit
	store   dateline.Ads
	lib     *library // an image ad's upload joins the library
	baseURL string
	noAds   bool // serve --no-ads
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

func (s *adsAdmin) handleAdsAdmin(w http.ResponseWriter, r *http.Request) error {
	s.renderAds(w, r, http.StatusOK, "", nil)
	return nil
}

// renderAds shows the switch and each slot's form; refused, when not nil,
// is an ad that was not saved, shown again in its slot's form with msg.
func (s *adsAdmin) renderAds(w http.ResponseWriter, r *http.Request, code int, msg string, refused *dateline.Ad) {
	as := s.store
	st, err := as.AdSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	z := s.site.Zone(r)
	live := st.Live(s.now())
	d := adsPage{Off: st.Off, NoAds: s.noAds, MaxFile: maxUploadBytes >> 20}
	for _, slot := range dateline.AdSlots {
		f := adSlotForm{Slot: slot, Name: adSlotNames[slot], Ad: dateline.Ad{Slot: slot, Kind: dateline.AdImage}}
		for _, a := range st.Ads {
			if a.Slot == slot {
				f.Ad, f.Filled, f.Showing = a, true, live[slot] != nil && !s.noAds
			}
		}
		if refused != nil && refused.Slot == slot {
			f.Ad = *refused
			f.Ad.Photo = nil
			d.Failed = slot
		}
		f.From, f.Until = localInput(f.Ad.From, z.Location()), localInput(f.Ad.Until, z.Location())
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
func (s *adsAdmin) formAd(r *http.Request, slot string) (*dateline.Ad, error) {
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
	loc := s.loc(r)
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
func (s *adsAdmin) handleSaveAd(w http.ResponseWriter, r *http.Request) error {
	as := s.store
	slot := r.PathValue("slot")
	if !dateline.ValidAdSlot(slot) {
		return dateline.NoSlot(slot)
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
		return nil
	}
	if a.Kind == dateline.AdImage && r.MultipartForm != nil && len(r.MultipartForm.File["photo"]) > 0 {
		// Check the rest of the form before keeping the upload.
		probe := *a
		probe.PhotoID = 1
		if err := probe.Validate(s.baseURL); err != nil {
			refuse(err)
			return nil
		}
		p, err := s.lib.uploadPhoto(r, "photo", "Advertisement", "")
		if err != nil {
			refuse(err)
			return nil
		}
		p.Alt = a.Alt
		a.PhotoID = p.ID
	}
	if err := as.SaveAd(r.Context(), a, s.baseURL, time.Now()); err != nil {
		refuse(err)
		return nil
	}
	s.site.Changed()
	detail := a.Kind + " " + a.Link + a.FrameURL
	s.audit(r.Context(), sessionOf(r).User, "ad.save", "ad slot "+slot, detail)
	http.Redirect(w, r, "/newsroom/ads?done=saved", http.StatusSeeOther)
	return nil
}

func (s *adsAdmin) handleClearAd(w http.ResponseWriter, r *http.Request) error {
	as := s.store
	slot := r.PathValue("slot")
	if err := as.ClearAd(r.Context(), slot); err != nil {
		return err
	}
	s.site.Changed()
	s.audit(r.Context(), sessionOf(r).User, "ad.clear", "ad slot "+slot, "")
	http.Redirect(w, r, "/newsroom/ads?done=deleted", http.StatusSeeOther)
	return nil
}

// handleAdsSwitch turns every ad off or back on, on every node.
func (s *adsAdmin) handleAdsSwitch(w http.ResponseWriter, r *http.Request) error {
	as := s.store
	var off bool
	switch r.PostFormValue("ads") {
	case "off":
		off = true
	case "on":
	default:
		s.renderAds(w, r, http.StatusBadRequest, "Turn ads on or off with the buttons of the form.", nil)
		return nil
	}
	if err := as.SetAdsOff(r.Context(), off, time.Now()); err != nil {
		return err
	}
	s.site.Changed()
	s.audit(r.Context(), sessionOf(r).User, "ad.switch", "ads", r.PostFormValue("ads"))
	http.Redirect(w, r, "/newsroom/ads?done=saved", http.StatusSeeOther)
	return nil
}
