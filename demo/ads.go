package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"golang.org/x/image/draw"

	"dateline"
	"dateline/media"
)

// The house ad is a medium rectangle, the common sidebar size.
const houseAdW, houseAdH = 300, 250

// LoadAds fills every slot with the demo's house ads: generated images,
// checked and stored like any upload, that link to the site's own pages.
// site is the site's absolute URL.
func LoadAds(ctx context.Context, store dateline.Store, files dateline.Media, site string) error {
	for _, h := range []struct {
		slot, key, alt, link string
		img                  *image.RGBA
	}{
		{dateline.SlotSidebar, "ad:house", "Every story as it is published: the news feed, newest first", "/news", houseAd()},
		{dateline.SlotHeader, "ad:header", "Today's exchange rates and a converter", "/currency", bannerAd("TODAY'S RATES", "Official rates and a converter", 728, 90)},
		{dateline.SlotArticle, "ad:article", "Choose your city: the time and weather where you are", "/city", bannerAd("YOUR CITY", "Times and weather where you are", 600, 120)},
	} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, h.img); err != nil {
			return fmt.Errorf("demo: house ad: %w", err)
		}
		p, err := media.Prepare(ctx, files, "demo/ads", &buf, media.DefaultLimits)
		if err != nil {
			return fmt.Errorf("demo: house ad: %w", err)
		}
		p.URI, p.Caption, p.Alt = uri(h.key), "House ad", h.alt
		if err := store.SavePhoto(ctx, p, time.Now()); err != nil {
			return fmt.Errorf("demo: house ad: %w", err)
		}
		ad := &dateline.Ad{Slot: h.slot, Kind: dateline.AdImage, PhotoID: p.ID, Link: site + h.link, Alt: p.Alt}
		if err := store.SaveAd(ctx, ad, site, time.Now()); err != nil {
			return fmt.Errorf("demo: house ad: %w", err)
		}
	}
	return nil
}

// bannerAd draws a wide house ad with a title and a line.
func bannerAd(title, line string, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	brand, white := color.RGBA{10, 61, 122, 255}, color.RGBA{255, 255, 255, 255}
	draw.Draw(img, img.Bounds(), &image.Uniform{brand}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, 10, h), &image.Uniform{color.RGBA{230, 57, 70, 255}}, image.Point{}, draw.Src)
	drawText(img, title, 28, h/2-22, 3, white, w-56)
	drawText(img, line, 28, h/2+14, 2, color.RGBA{255, 214, 102, 255}, w-56)
	return img
}

// houseAd draws the house ad: the news feed, promoted on the site's colours.
func houseAd() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, houseAdW, houseAdH))
	brand, white := color.RGBA{10, 61, 122, 255}, color.RGBA{255, 255, 255, 255}
	draw.Draw(img, img.Bounds(), &image.Uniform{brand}, image.Point{}, draw.Src)
	accent := color.RGBA{230, 57, 70, 255}
	draw.Draw(img, image.Rect(0, houseAdH-14, houseAdW, houseAdH), &image.Uniform{accent}, image.Point{}, draw.Src)
	drawText(img, "NEWS FEED", 24, 28, 3, white, houseAdW-48)
	drawText(img, "Every story as it is published, newest first", 24, 100, 2, white, houseAdW-48)
	drawText(img, "Read now >", 24, 190, 2, color.RGBA{255, 214, 102, 255}, houseAdW-48)
	return img
}
