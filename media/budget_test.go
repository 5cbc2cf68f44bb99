package media

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	stddraw "image/draw"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"dateline"
)

// ycbcrImage is a w × h YCbCr image of the ratio with varied planes.
func ycbcrImage(w, h int, r image.YCbCrSubsampleRatio) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), r)
	for i := range m.Y {
		m.Y[i] = uint8(16 + i*7%220)
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = uint8(60+i*5%130), uint8(200-i*3%120)
	}
	return m
}

// TestOrientPlanes turns YCbCr and gray images plane by plane and checks
// every pixel against the same image turned as RGBA: they are equal, and
// the type is kept, at a byte or a byte and a half a pixel.
func TestOrientPlanes(t *testing.T) {
	ratios := []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440,
		image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	}
	for _, r := range ratios {
		for o := 1; o <= 8; o++ {
			src := ycbcrImage(48, 32, r)
			got := orient(src, o)
			want := orient(toRGBA(src), o)
			if got.Bounds() != want.Bounds() {
				t.Fatalf("%v, orientation %d: %v, want %v", r, o, got.Bounds(), want.Bounds())
			}
			if _, ok := got.(*image.YCbCr); !ok && r != image.YCbCrSubsampleRatio411 && r != image.YCbCrSubsampleRatio410 {
				t.Errorf("%v, orientation %d: turned into %T", r, o, got)
			}
			if d := worstDiff(got, want); d > 0 {
				t.Errorf("%v, orientation %d: differs from the RGBA turn by %d", r, o, d)
			}
		}
	}
	// Odd sizes keep their shape (the colour planes round up).
	for _, r := range ratios[:4] {
		for o := 1; o <= 8; o++ {
			got := orient(ycbcrImage(37, 23, r), o)
			w, h := turnedSize(37, 23, o)
			if got.Bounds() != image.Rect(0, 0, w, h) {
				t.Errorf("%v, orientation %d, 37 × 23: %v", r, o, got.Bounds())
			}
		}
	}
	g := image.NewGray(image.Rect(0, 0, 5, 3))
	for i := range g.Pix {
		g.Pix[i] = uint8(i * 10)
	}
	for o := 1; o <= 8; o++ {
		got := orient(g, o)
		if _, ok := got.(*image.Gray); !ok && o > 1 {
			t.Errorf("gray, orientation %d: turned into %T", o, got)
		}
		if d := worstDiff(got, orient(toRGBA(g), o)); d > 0 {
			t.Errorf("gray, orientation %d: differs by %d", o, d)
		}
	}
}

func worstDiff(a, b image.Image) int {
	worst := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c1 := color.RGBAModel.Convert(a.At(x, y)).(color.RGBA)
			c2 := color.RGBAModel.Convert(b.At(x, y)).(color.RGBA)
			for _, d := range []int{int(c1.R) - int(c2.R), int(c1.G) - int(c2.G), int(c1.B) - int(c2.B)} {
				worst = max(worst, d, -d)
			}
		}
	}
	return worst
}

// TestHalvePlanes: a YCbCr image halved plane by plane keeps its type and
// is close to the same image halved as RGBA (the means are taken before
// or after the colour conversion, which differs by rounding and where
// colour is subsampled).
func TestHalvePlanes(t *testing.T) {
	for _, r := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440} {
		src := ycbcrImage(64, 40, r)
		// Smooth, as photographs are at this scale, and without clipping
		// in the conversion to RGB.
		for y := range 40 {
			for x := range 64 {
				src.Y[y*src.YStride+x] = uint8(60 + x + y)
			}
		}
		for i := range src.Cb {
			src.Cb[i], src.Cr[i] = 100, 150
		}
		got := halveAny(src)
		if _, ok := got.(*image.YCbCr); !ok || got.Bounds() != image.Rect(0, 0, 32, 20) {
			t.Fatalf("%v: %T %v", r, got, got.Bounds())
		}
		if d := worstDiff(got, halve(toRGBA(src))); d > 3 {
			t.Errorf("%v: differs from the RGBA halving by %d", r, d)
		}
		odd := halveAny(ycbcrImage(37, 23, r))
		if odd.Bounds() != image.Rect(0, 0, 18, 11) {
			t.Errorf("%v, 37 × 23: %v", r, odd.Bounds())
		}
	}
}

func TestJPEGFrame(t *testing.T) {
	gray := jpegOf(t, image.NewGray(image.Rect(0, 0, 100, 50)))
	if f := jpegFrame(gray, 100, 50); f.components != 1 || f.progressive || f.samples != 5000 {
		t.Errorf("gray: %+v", f)
	}
	color := jpegOf(t, photoImage(100, 50)) // image/jpeg writes 4:2:0
	if f := jpegFrame(color, 100, 50); f.components != 3 || f.progressive || f.samples != 5000+2*50*25 || f.padded != 112*64+2*56*32 {
		t.Errorf("4:2:0: %+v", f)
	}
	// A progressive frame header (SOF2) after an APP1.
	sof2 := []byte{0xff, 0xd8, 0xff, 0xe1, 0, 4, 'x', 'y', 0xff, 0xc2, 0, 17, 8, 0, 50, 0, 100, 3, 1, 0x21, 0, 2, 0x11, 0, 3, 0x11, 0}
	if f := jpegFrame(sof2, 100, 50); f.components != 3 || !f.progressive || f.samples != 5000+2*50*50 {
		t.Errorf("progressive 4:2:2: %+v", f)
	}
	for _, bad := range [][]byte{nil, {0xff, 0xd8}, {0xff, 0xd8, 0xff, 0xc2, 0, 3, 8}, {0xff, 0xd8, 0xff, 0xc0, 0xff, 0xff}} {
		if f := jpegFrame(bad, 10, 10); f.components != 3 || f.samples != 300 {
			t.Errorf("%x: %+v, want the guess of three planes", bad, f)
		}
	}
}

// withBudget sets the work budget for one test.
func withBudget(t *testing.T, n int64, wait time.Duration) {
	SetWorkBudget(n, wait)
	t.Cleanup(func() { SetWorkBudget(DefaultWorkBudget, DefaultWorkWait) })
}

// TestPrepareBudget: an image whose work needs more than the whole budget
// is refused with the figures, and one that finds the budget taken waits
// within the bound and is then answered busy; once the budget is free it
// goes through.
func TestPrepareBudget(t *testing.T) {
	ctx := context.Background()
	data := jpegOf(t, photoImage(1200, 800))
	withBudget(t, 100<<20, 200*time.Millisecond)
	// A gray JPEG of 10000 × 6000, to be turned: 60 MB of pixels, twice
	// while it is turned. Refused before a pixel is read.
	big := withExif(jpegSized(t, 10000, 6000), exifTIFF(binary.LittleEndian, 6, false))
	_, err := Prepare(ctx, Dir{Root: t.TempDir()}, "", bytes.NewReader(big), Limits{MaxPixels: 100_000_000})
	if dateline.ErrorCode(err) != dateline.EUNPROCESSABLE || !strings.Contains(dateline.ErrorMessage(err), "needs about 145 MB of memory to prepare, more than this server allows for one image (105 MB)") {
		t.Errorf("over the budget: %v", err)
	}

	release, err := acquire(ctx, 90<<20)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Prepare(ctx, Dir{Root: t.TempDir()}, "", bytes.NewReader(data), Limits{})
	if dateline.ErrorCode(err) != dateline.EUNAVAILABLE || time.Since(start) < 200*time.Millisecond {
		t.Errorf("budget taken: %v after %v", err, time.Since(start))
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Prepare(cctx, Dir{Root: t.TempDir()}, "", bytes.NewReader(data), Limits{}); err != context.Canceled {
		t.Errorf("cancelled while waiting: %v", err)
	}
	release()
	if _, err := Prepare(ctx, Dir{Root: t.TempDir()}, "", bytes.NewReader(data), Limits{}); err != nil {
		t.Errorf("budget free again: %v", err)
	}
}

// TestBigWorkPace: while big image work is under way the collector runs
// at bigGCPercent, and at the pace from before once the last is done; a
// pace already shorter is left alone.
func TestBigWorkPace(t *testing.T) {
	ctx := context.Background()
	withBudget(t, 1<<30, time.Second)
	gcPercent := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	a, err := acquire(ctx, bigWork)
	if err != nil {
		t.Fatal(err)
	}
	b, err := acquire(ctx, bigWork*2)
	if err != nil {
		t.Fatal(err)
	}
	small, err := acquire(ctx, bigWork/2)
	if err != nil {
		t.Fatal(err)
	}
	if p := gcPercent(); p != bigGCPercent {
		t.Errorf("during big work: GOGC %d, want %d", p, bigGCPercent)
	}
	a()
	a() // twice: given back once
	small()
	if p := gcPercent(); p != bigGCPercent {
		t.Errorf("one big image left: GOGC %d, want %d", p, bigGCPercent)
	}
	b()
	if p := gcPercent(); p != 100 {
		t.Errorf("after the big work: GOGC %d, want 100 again", p)
	}
	debug.SetGCPercent(10)
	c, err := acquire(ctx, bigWork)
	if err != nil {
		t.Fatal(err)
	}
	if p := gcPercent(); p != 10 {
		t.Errorf("GOGC 10 before: %d during big work, want it kept", p)
	}
	c()
	if p := gcPercent(); p != 10 {
		t.Errorf("GOGC 10 before: %d after, want it kept", p)
	}
}

// TestWorkBytes checks the estimates that decide the waits and refusals
// against what the decoders hold.
func TestWorkBytes(t *testing.T) {
	const w, h = 7296, 5472
	px := int64(w * h)
	cfg := image.Config{Width: w, Height: h, ColorModel: color.YCbCrModel}
	frameOf := func(marker byte, sampling ...byte) []byte {
		b := []byte{0xff, 0xd8, 0xff, marker, 0, byte(8 + 3*len(sampling)), 8}
		b = binary.BigEndian.AppendUint16(b, h)
		b = binary.BigEndian.AppendUint16(b, w)
		b = append(b, byte(len(sampling)))
		for i, s := range sampling {
			b = append(b, byte(i+1), s, 0)
		}
		return b
	}
	mb := func(n int64) int64 { return n / 1e6 }
	for _, tc := range []struct {
		name   string
		data   []byte
		turned bool
		want   int64 // MB
	}{
		// 1.5 bytes a pixel, turned: twice that.
		{"camera 4:2:0, turned", frameOf(0xc0, 0x22, 0x11, 0x11), true, mb(3*px + workFixed)},
		{"camera 4:2:0", frameOf(0xc0, 0x22, 0x11, 0x11), false, mb(3*px/2 + 3*px/8 + px/2 + workFixed)},
		// Progressive: 4 bytes of coefficients a sample besides the pixels.
		{"progressive 4:2:2", frameOf(0xc2, 0x21, 0x11, 0x11), true, mb(2*px + 8*px + workFixed)},
		{"progressive 4:4:4", frameOf(0xc2, 0x11, 0x11, 0x11), false, mb(3*px + 12*px + workFixed)},
		// CMYK: the CMYK image and its RGBA copy.
		{"CMYK", frameOf(0xc0, 0x11, 0x11, 0x11, 0x11), true, mb(8*px + workFixed)},
	} {
		if got := mb(workBytes("jpeg", cfg, tc.data, tc.turned)); got < tc.want-1 || got > tc.want+1 {
			t.Errorf("%s: %d MB, want %d MB", tc.name, got, tc.want)
		}
	}
	if got := workBytes("png", image.Config{Width: 1000, Height: 1000, ColorModel: color.NRGBAModel}, nil, false); got != 13_000_000+workFixed {
		t.Errorf("PNG: %d", got)
	}
}

// FuzzJPEGFrame: any bytes give a frame without a panic.
func FuzzJPEGFrame(f *testing.F) {
	f.Add(jpegOf(f, photoImage(40, 30)))
	f.Add([]byte{0xff, 0xd8, 0xff, 0xc2, 0, 17, 8, 0, 50, 0, 100, 3, 1, 0x21, 0, 2, 0x11, 0, 3, 0x11, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		if fr := jpegFrame(b, 100, 50); fr.samples < 0 || fr.padded < 0 {
			t.Errorf("%+v", fr)
		}
	})
}

// TestCMYKToRGBA: the direct conversion matches image/draw's.
func TestCMYKToRGBA(t *testing.T) {
	c := image.NewCMYK(image.Rect(3, 2, 40, 30))
	for i := range c.Pix {
		c.Pix[i] = uint8(i * 37)
	}
	want := image.NewRGBA(image.Rect(0, 0, 37, 28))
	stddraw.Draw(want, want.Rect, c, c.Rect.Min, stddraw.Src)
	if got := toRGBA(c); !bytes.Equal(got.Pix, want.Pix) || got.Rect != want.Rect {
		t.Error("CMYK converts differently from image/draw")
	}
}
