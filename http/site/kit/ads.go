package kit

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"dateline"
	"dateline/http/web"
)

// adsEvery is how often a node re-reads the ads and checks their dates,
// besides re-reading them on every change it hears of.
const adsEvery = 15 * time.Second

// Ads is this node's copy of the ad slots and the ads that show now.
type Ads struct {
	store interface {
		AdSettings(ctx context.Context) (*dateline.AdSettings, error)
	}
	noAds    bool // show none whatever the newsroom set
	now      func() time.Time
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

// loadAds re-reads the ads from the store and works out which show now. It
// reports whether that changed what pages show.
func (s *Ads) load(ctx context.Context) (bool, error) {
	if !s.noAds {
		st, err := s.store.AdSettings(ctx)
		if err != nil {
			return false, err
		}
		s.settings.Store(st)
	}
	return s.settle(), nil
}

// settleAds works out the ads that show at this moment from the settings
// read last. It reports whether they differ from those pages show.
func (s *Ads) settle() bool {
	la := &liveAds{slots: map[string]*dateline.Ad{}}
	if !s.noAds {
		la.slots = s.settings.Load().Live(s.now())
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
	old := s.live.Swap(la)
	return old == nil || old.key != la.key
}

// currentAds are the ads pages show now.
func (s *Ads) current() *liveAds {
	if la := s.live.Load(); la != nil {
		return la
	}
	return &liveAds{}
}

// RunAds re-reads the ads every adsEvery until ctx ends, so a node that
// missed a change, and an ad whose dates begin or end, shows the right
// ads soon; when what shows changed, cached pages are dropped.
func (s *Kit) RunAds(ctx context.Context) {
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
func (s *Kit) RefreshAds(ctx context.Context) error {
	changed, err := s.ads.load(ctx)
	if err != nil {
		return err
	}
	if changed {
		s.changed()
	}
	return nil
}
