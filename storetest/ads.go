package storetest

import (
	"strings"
	"testing"
	"time"

	"dateline"
)

const adSite = "https://news.example"

// testAds checks dateline.Ads: filling slots with an image or a frame,
// replacing and clearing them, refusing bad ads with nothing stored, the
// dates, and the switch.
func testAds(t *testing.T, s dateline.Store) {
	as := s
	st, err := as.AdSettings(ctx)
	if err != nil || st.Off || len(st.Ads) != 0 {
		t.Fatalf("empty AdSettings = %+v, %v; want on and no ads", st, err)
	}
	photo := &dateline.Photo{Path: "ads/house.png", Width: 300, Height: 250, Alt: "House"}
	if err := s.SavePhoto(ctx, photo, time.Now()); err != nil {
		t.Fatal(err)
	}
	img := &dateline.Ad{Slot: dateline.SlotSidebar, Kind: dateline.AdImage, PhotoID: photo.ID, Link: " https://shop.example/offer ", Alt: "Our offer",
		From: base, Until: base.Add(48 * time.Hour)}
	if err := as.SaveAd(ctx, img, adSite, time.Now()); err != nil {
		t.Fatalf("SaveAd(image) = %v", err)
	}
	if img.Link != "https://shop.example/offer" {
		t.Errorf("link kept as %q, want it trimmed", img.Link)
	}
	frame := &dateline.Ad{Slot: dateline.SlotHeader, Kind: dateline.AdFrame, FrameURL: "https://ads.example/slot?id=1", Width: 728, Height: 90}
	if err := as.SaveAd(ctx, frame, adSite, time.Now()); err != nil {
		t.Fatalf("SaveAd(frame) = %v", err)
	}
	for name, bad := range map[string]dateline.Ad{
		"unknown slot":      {Slot: "footer", Kind: dateline.AdFrame, FrameURL: "https://ads.example/", Width: 100, Height: 100},
		"unknown kind":      {Slot: dateline.SlotArticle, Kind: "video"},
		"javascript link":   {Slot: dateline.SlotArticle, Kind: dateline.AdImage, PhotoID: photo.ID, Link: "javascript:alert(1)", Alt: "x"},
		"no alt":            {Slot: dateline.SlotArticle, Kind: dateline.AdImage, PhotoID: photo.ID, Link: "https://shop.example/"},
		"no photo":          {Slot: dateline.SlotArticle, Kind: dateline.AdImage, Link: "https://shop.example/", Alt: "x"},
		"same-origin frame": {Slot: dateline.SlotArticle, Kind: dateline.AdFrame, FrameURL: "https://NEWS.example:443/x", Width: 300, Height: 250},
		"http frame":        {Slot: dateline.SlotArticle, Kind: dateline.AdFrame, FrameURL: "http://ads.example/x", Width: 300, Height: 250},
		"tiny frame":        {Slot: dateline.SlotArticle, Kind: dateline.AdFrame, FrameURL: "https://ads.example/x", Width: 10, Height: 250},
		"huge link":         {Slot: dateline.SlotArticle, Kind: dateline.AdImage, PhotoID: photo.ID, Link: "https://shop.example/" + strings.Repeat("a", 3000), Alt: "x"},
		"dates reversed":    {Slot: dateline.SlotArticle, Kind: dateline.AdFrame, FrameURL: "https://ads.example/x", Width: 300, Height: 250, From: base, Until: base},
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, as.SaveAd(ctx, &bad, adSite, time.Now()), dateline.EINVALID) })
	}
	wantCode(t, as.SaveAd(ctx, &dateline.Ad{Slot: dateline.SlotArticle, Kind: dateline.AdImage, PhotoID: 99999, Link: "https://shop.example/", Alt: "x"}, adSite, time.Now()), dateline.ENOTFOUND)
	wantCode(t, as.ClearAd(ctx, "footer"), dateline.EINVALID)

	st, err = as.AdSettings(ctx)
	if err != nil || len(st.Ads) != 2 {
		t.Fatalf("AdSettings = %+v, %v; want two ads", st, err)
	}
	h, sb := st.Ads[0], st.Ads[1]
	if h.Slot != dateline.SlotHeader || h.Kind != dateline.AdFrame || h.FrameURL != frame.FrameURL || h.Width != 728 || h.Height != 90 || h.Photo != nil {
		t.Errorf("header ad = %+v", h)
	}
	if sb.Slot != dateline.SlotSidebar || sb.Photo == nil || sb.Photo.Path != "ads/house.png" || sb.Alt != "Our offer" ||
		!sb.From.Equal(base) || !sb.Until.Equal(base.Add(48*time.Hour)) {
		t.Errorf("sidebar ad = %+v", sb)
	}
	if live := st.Live(base.Add(-time.Minute)); live[dateline.SlotSidebar] != nil || live[dateline.SlotHeader] == nil {
		t.Errorf("before its start the sidebar ad shows: %v", live)
	}
	if live := st.Live(base.Add(48 * time.Hour)); live[dateline.SlotSidebar] != nil {
		t.Errorf("at its end the sidebar ad still shows")
	}
	if live := st.Live(base.Add(time.Hour)); len(live) != 2 {
		t.Errorf("within its dates: %d ads live, want 2", len(live))
	}

	// A frame replaces the image in its slot.
	if err := as.SaveAd(ctx, &dateline.Ad{Slot: dateline.SlotSidebar, Kind: dateline.AdFrame, FrameURL: "https://ads.example/side", Width: 300, Height: 600}, adSite, time.Now()); err != nil {
		t.Fatal(err)
	}
	st, _ = as.AdSettings(ctx)
	if len(st.Ads) != 2 || st.Ads[1].Kind != dateline.AdFrame || st.Ads[1].PhotoID != 0 || st.Ads[1].Photo != nil || !st.Ads[1].From.IsZero() {
		t.Errorf("replaced sidebar = %+v", st.Ads[1])
	}

	// The switch hides every ad and keeps them for later.
	if err := as.SetAdsOff(ctx, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	st, _ = as.AdSettings(ctx)
	if !st.Off || len(st.Ads) != 2 || len(st.Live(base)) != 0 {
		t.Errorf("switched off: %+v, live %v", st, st.Live(base))
	}
	if err := as.SetAdsOff(ctx, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := as.ClearAd(ctx, dateline.SlotHeader); err != nil {
		t.Fatal(err)
	}
	if err := as.ClearAd(ctx, dateline.SlotHeader); err != nil {
		t.Fatalf("clearing an empty slot = %v", err)
	}
	st, _ = as.AdSettings(ctx)
	if st.Off || len(st.Ads) != 1 || st.Ads[0].Slot != dateline.SlotSidebar {
		t.Errorf("after clearing the header: %+v", st)
	}
}

// testCommercial checks that an article's commercial mark is stored, read
// in lists and refused when unknown.
func testCommercial(t *testing.T, s dateline.Store) {
	a := article("urn:ad:1", "economy", base)
	a.Commercial = dateline.CommercialPartner
	b := article("urn:ad:2", "economy", base.Add(time.Minute))
	b.Commercial = dateline.CommercialAdvertising
	upsert(t, s, base.Add(time.Hour), a, b, article("urn:ad:3", "economy", base.Add(2*time.Minute)))
	got, err := s.ArticleByURI(ctx, "urn:ad:1")
	if err != nil || got.Commercial != dateline.CommercialPartner {
		t.Fatalf("ArticleByURI = %v, %v; want partner", got, err)
	}
	list, err := s.Articles(ctx, dateline.ArticleFilter{Sections: []string{"economy"}})
	if err != nil || len(list) != 3 {
		t.Fatalf("Articles = %d, %v", len(list), err)
	}
	want := []string{"", dateline.CommercialAdvertising, dateline.CommercialPartner}
	for i, x := range list {
		if x.Commercial != want[i] {
			t.Errorf("list[%d] (%s) commercial = %q, want %q", i, x.URI, x.Commercial, want[i])
		}
	}
	// A "Read also" link carries its target's mark.
	d := article("urn:ad:5", "economy", base.Add(3*time.Minute))
	d.ReadAlso = []dateline.ArticleRef{{URI: "urn:ad:2"}, {URI: "urn:ad:3"}}
	upsert(t, s, base.Add(time.Hour), d)
	if got, err := s.ArticleByURI(ctx, "urn:ad:5"); err != nil || len(got.ReadAlso) != 2 ||
		got.ReadAlso[0].Commercial != dateline.CommercialAdvertising || got.ReadAlso[0].Lang != "en" || got.ReadAlso[1].Commercial != "" {
		t.Errorf("read also = %+v, %v", got.ReadAlso, err)
	}
	// An update can clear the mark.
	a.Commercial, a.SourceVersion = "", base.Add(time.Hour)
	upsert(t, s, base.Add(2*time.Hour), a)
	if got, _ := s.ArticleByURI(ctx, "urn:ad:1"); got.Commercial != "" {
		t.Errorf("after clearing: %q", got.Commercial)
	}
	c := article("urn:ad:4", "economy", base)
	c.Commercial = "sponsored"
	if _, err := s.UpsertArticles(ctx, []*dateline.Article{c}, base); dateline.ErrorCode(err) != dateline.EINVALID {
		t.Errorf("unknown mark: %v, want EINVALID", err)
	}
}
