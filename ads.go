package dateline

import (
	"context"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Commercial marks of an article: readers see a label wherever it appears.
const (
	CommercialNone        = ""
	CommercialPartner     = "partner"     // "Partner material"
	CommercialAdvertising = "advertising" // "Advertisement"
)

// ValidCommercial reports whether c is one of the three marks.
func ValidCommercial(c string) bool {
	return c == CommercialNone || c == CommercialPartner || c == CommercialAdvertising
}

// Ad slots: where on the page an ad goes.
const (
	SlotHeader  = "header"  // under the masthead of every page
	SlotArticle = "article" // inside an article's body
	SlotSidebar = "sidebar" // in the side column of the home and article pages
)

// AdSlots are the slots in the order the admin page lists them.
var AdSlots = []string{SlotHeader, SlotArticle, SlotSidebar}

// Ad kinds.
const (
	AdImage = "image" // a photo of the media library and a link
	AdFrame = "frame" // a sandboxed iframe from another origin
)

// Ad fills one slot.
type Ad struct {
	Slot string
	Kind string // AdImage or AdFrame
	// For AdImage: the photo (Photo is filled when read), where it links
	// and its alternative text.
	PhotoID int64
	Photo   *Photo
	Link    string
	Alt     string
	// For AdFrame: an https URL on another origin, and the frame's size
	// in CSS pixels.
	FrameURL      string
	Width, Height int
	// From and Until limit when the ad shows; zero means no limit.
	From, Until time.Time
	UpdatedAt   time.Time
}

// AdSettings are every filled slot and the switch that turns all ads off.
type AdSettings struct {
	Off bool
	Ads []Ad // by slot
}

// Live returns the ads that show at now: none when ads are off, and each
// only within its dates.
func (s *AdSettings) Live(now time.Time) map[string]*Ad {
	out := map[string]*Ad{}
	if s == nil || s.Off {
		return out
	}
	for i := range s.Ads {
		a := &s.Ads[i]
		if a.ShowsAt(now) {
			out[a.Slot] = a
		}
	}
	return out
}

// ShowsAt reports whether the ad is within its dates at now.
func (a *Ad) ShowsAt(now time.Time) bool {
	if !a.From.IsZero() && now.Before(a.From) {
		return false
	}
	if !a.Until.IsZero() && !now.Before(a.Until) {
		return false
	}
	return a.Kind != AdImage || a.Photo != nil
}

// Limits of an ad's fields.
const (
	AdMaxURL     = 2000
	AdMaxAlt     = 300
	AdMaxFrameWH = 2000
)

// Validate checks an ad for its slot. site is the site's own absolute URL:
// a frame may not come from its host (whatever the scheme or port), since
// a frame of the site's own origin could reach into its pages, and one of
// its host shares its cookies. Returns EINVALID with a message for the
// admin.
func (a *Ad) Validate(site string) error {
	if !ValidAdSlot(a.Slot) {
		return NoSlot(a.Slot)
	}
	a.Link, a.Alt, a.FrameURL = strings.TrimSpace(a.Link), strings.TrimSpace(a.Alt), strings.TrimSpace(a.FrameURL)
	if !a.From.IsZero() && !a.Until.IsZero() && !a.Until.After(a.From) {
		return Errorf(EINVALID, "The ad's end date must come after its start date.")
	}
	switch a.Kind {
	case AdImage:
		if a.PhotoID <= 0 {
			return Errorf(EINVALID, "Choose an image from the media library or upload one.")
		}
		if a.Alt == "" || utf8.RuneCountInString(a.Alt) > AdMaxAlt || !validLine(a.Alt) {
			return Errorf(EINVALID, "Describe the image in its alternative text: one line of at most %d characters.", AdMaxAlt)
		}
		if _, err := adURL(a.Link, "The link", false); err != nil {
			return err
		}
		a.FrameURL, a.Width, a.Height = "", 0, 0
	case AdFrame:
		u, err := adURL(a.FrameURL, "The frame's address", true)
		if err != nil {
			return err
		}
		if s, err := url.Parse(site); err == nil && s.Host != "" && strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), s.Hostname()) {
			return Errorf(EINVALID, "The frame's address is on this site's own host; a frame must come from another site, so that nothing in it can run script on this one.")
		}
		if a.Width < 50 || a.Width > AdMaxFrameWH || a.Height < 50 || a.Height > AdMaxFrameWH {
			return Errorf(EINVALID, "The frame's width and height must be whole numbers of pixels from 50 to %d.", AdMaxFrameWH)
		}
		a.PhotoID, a.Photo, a.Link = 0, nil, ""
	default:
		return Errorf(EINVALID, "An ad is an image with a link (image) or a frame from another site (frame), not %q.", truncateText(a.Kind, 40))
	}
	return nil
}

// ValidAdSlot reports whether s names a slot.
func ValidAdSlot(s string) bool {
	for _, x := range AdSlots {
		if s == x {
			return true
		}
	}
	return false
}

// validLine is text without control characters or line breaks.
func validLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// adURL checks an absolute http or https URL (https only when httpsOnly).
func adURL(s, what string, httpsOnly bool) (*url.URL, error) {
	if s == "" {
		return nil, Errorf(EINVALID, "%s is missing.", what)
	}
	if len(s) > AdMaxURL || !validLine(s) {
		return nil, Errorf(EINVALID, "%s must be one line of at most %d characters.", what, AdMaxURL)
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		if httpsOnly {
			return nil, Errorf(EINVALID, "%s must be a full https:// URL.", what)
		}
		return nil, Errorf(EINVALID, "%s must be a full http:// or https:// URL.", what)
	}
	scheme := strings.ToLower(u.Scheme)
	if httpsOnly && scheme != "https" {
		return nil, Errorf(EINVALID, "%s must be a full https:// URL.", what)
	}
	if scheme != "https" && scheme != "http" {
		return nil, Errorf(EINVALID, "%s must be a full http:// or https:// URL.", what)
	}
	if u.User != nil {
		return nil, Errorf(EINVALID, "%s may not carry a user name or password.", what)
	}
	if AdOrigin(u) == "" {
		return nil, Errorf(EINVALID, "%s must name its host as a domain name or an IP address, with a port from 1 to 65535 if any.", what)
	}
	return u, nil
}

// hostLabel is one label of a domain name, in the ASCII (punycode) form.
var hostLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// AdOrigin is the origin of an ad's URL as a Content-Security-Policy
// source ("https://ads.example:8443"), or "" when its host is not a plain
// domain name or IP address or its port is out of range: nothing from an
// address can then reach the policy but a checked host and port.
func AdOrigin(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	switch ip := net.ParseIP(host); {
	case ip != nil && strings.Contains(host, ":"):
		host = "[" + host + "]"
	case ip != nil:
	default:
		if len(host) > 253 {
			return ""
		}
		for _, l := range strings.Split(host, ".") {
			if !hostLabel.MatchString(l) {
				return ""
			}
		}
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port {
			return ""
		}
		host += ":" + port
	}
	return strings.ToLower(u.Scheme) + "://" + host
}

// Ads stores the ad slots and the switch. Both engines implement it; a
// change is announced like any content change, so every node re-reads it.
type Ads interface {
	// AdSettings returns the switch and every filled slot, by slot, with
	// image ads' photos.
	AdSettings(ctx context.Context) (*AdSettings, error)
	// SaveAd fills the ad's slot, replacing what was there. Returns
	// EINVALID (see Validate; site is the site's URL) and ENOTFOUND for
	// an unknown photo.
	SaveAd(ctx context.Context, a *Ad, site string, now time.Time) error
	// ClearAd empties a slot; an empty slot stays empty. Returns EINVALID
	// for an unknown slot.
	ClearAd(ctx context.Context, slot string) error
	// SetAdsOff turns every ad off (true) or back on.
	SetAdsOff(ctx context.Context, off bool, now time.Time) error
}

// NoSlot is the error for an unknown slot.
func NoSlot(slot string) error {
	return Errorf(EINVALID, "There is no ad slot %q; the slots are header, article and sidebar.", truncateText(slot, 40))
}
