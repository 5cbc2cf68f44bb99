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

// LoadAds fills the sidebar slot with the demo's house ad: a generated
// image, checked and stored like any upload, that links to the site's own
// news feed. site is the site's absolute URL.
func LoadAds(ctx context.Context, store dateline.Store, files dateline.Media, site string) error {
	as := store
	var buf bytes.Buffer
	if err := png.Encode(&buf, houseAd()); err != nil {
		return fmt.Errorf("demo: house ad: %w", err)
	}
	p, err := media.Prepare(ctx, files, "demo/ads", &buf, media.DefaultLimits)
	if err != nil {
		return fmt.Errorf("demo: house ad: %w", err)
	}
	p.URI, p.Caption, p.Alt = uri("ad:house"), "House ad", "Every story as it is published: the news feed, newest first"
	if err := store.SavePhoto(ctx, p, time.Now()); err != nil {
		return fmt.Errorf("demo: house ad: %w", err)
	}
	ad := &dateline.Ad{Slot: dateline.SlotSidebar, Kind: dateline.AdImage, PhotoID: p.ID, Link: site + "/news", Alt: p.Alt}
	if err := as.SaveAd(ctx, ad, site, time.Now()); err != nil {
		return fmt.Errorf("demo: house ad: %w", err)
	}
	return nil
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
