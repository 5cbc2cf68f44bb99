package demo

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"dateline"
)

// Photo sizes: the full width and the smaller renditions beside it.
const (
	photoW, photoH = 960, 640
	chartW, chartH = 960, 720
)

var renditionWidths = []int{480}

// photoMaker draws the demo's pictures in the background, a few at a time,
// and reports the first error from wait.
type photoMaker struct {
	ctx   context.Context
	media dateline.Media
	sem   chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
}

func newPhotoMaker(ctx context.Context, media dateline.Media) *photoMaker {
	return &photoMaker{ctx: ctx, media: media, sem: make(chan struct{}, runtime.NumCPU())}
}

func (m *photoMaker) wait() error {
	m.wg.Wait()
	return m.err
}

func (m *photoMaker) run(job func() error) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.sem <- struct{}{}
		defer func() { <-m.sem }()
		if err := job(); err != nil {
			m.mu.Lock()
			if m.err == nil {
				m.err = err
			}
			m.mu.Unlock()
		}
	}()
}

func seed(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

// sectionHue gives each section its own colours.
var sectionHue = map[string]float64{
	"politics": 215, "world": 195, "economy": 145, "defense": 95,
	"science": 265, "society": 25, "sport": 5, "pressreview": 45,
}

// photo queues a generated landscape for key and returns its record.
func (m *photoMaker) photo(key, caption, credit, section string) (*dateline.Photo, error) {
	rel := "demo/" + key + ".jpg"
	p := &dateline.Photo{URI: uri("photo:" + key), Path: rel, Width: photoW, Height: photoH,
		Widths: renditionWidths, Caption: caption, Credit: credit, Alt: caption}
	m.run(func() error { return m.writeJPEG(rel, landscape(key, sectionHue[section])) })
	return p, nil
}

// chart queues a generated bar chart with a title for an infographic.
func (m *photoMaker) chart(key, title string) (*dateline.Photo, error) {
	rel := "demo/" + key + ".png"
	p := &dateline.Photo{URI: uri("chart:" + key), Path: rel, Width: chartW, Height: chartH,
		Widths: renditionWidths, Caption: title, Alt: "Chart: " + title}
	m.run(func() error { return m.writePNG(rel, barChart(key, title)) })
	return p, nil
}

func (m *photoMaker) writeJPEG(rel string, img image.Image) error {
	return m.write(rel, img, func(w io.Writer, img image.Image) error {
		return jpeg.Encode(w, img, &jpeg.Options{Quality: 78})
	})
}

func (m *photoMaker) writePNG(rel string, img image.Image) error {
	return m.write(rel, img, func(w io.Writer, img image.Image) error {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		return enc.Encode(w, img)
	})
}

// write stores the image and its smaller renditions, unless they exist.
func (m *photoMaker) write(rel string, img image.Image, encode func(io.Writer, image.Image) error) error {
	if ok, err := m.media.Exists(m.ctx, rel); err != nil || ok {
		return err
	}
	p := dateline.Photo{Path: rel, Width: img.Bounds().Dx()}
	for _, w := range renditionWidths {
		b := img.Bounds()
		small := image.NewRGBA(image.Rect(0, 0, w, b.Dy()*w/b.Dx()))
		draw.CatmullRom.Scale(small, small.Bounds(), img, b, draw.Src, nil)
		if err := m.put(p.Rendition(w), small, encode); err != nil {
			return err
		}
	}
	// The full size is stored last, so its presence means all are there.
	return m.put(rel, img, encode)
}

func (m *photoMaker) put(rel string, img image.Image, encode func(io.Writer, image.Image) error) error {
	var buf bytes.Buffer
	if err := encode(&buf, img); err != nil {
		return fmt.Errorf("demo: encode %s: %w", rel, err)
	}
	return m.media.Put(m.ctx, rel, &buf)
}

func hsl(h, s, l float64) color.RGBA {
	h = math.Mod(h+360, 360) / 360
	q := l * (1 + s)
	if l >= 0.5 {
		q = l + s - l*s
	}
	p := 2*l - q
	conv := func(t float64) uint8 {
		t = math.Mod(t+1, 1)
		var v float64
		switch {
		case t < 1.0/6:
			v = p + (q-p)*6*t
		case t < 0.5:
			v = q
		case t < 2.0/3:
			v = p + (q-p)*(2.0/3-t)*6
		default:
			v = p
		}
		return uint8(math.Round(v * 255))
	}
	return color.RGBA{conv(h + 1.0/3), conv(h), conv(h - 1.0/3), 255}
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 255}
}

// landscape draws a sky, a sun and layered hills or a skyline, different
// for every key and tinted by the section.
func landscape(key string, hue float64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed(key), 1))
	hue += r.Float64()*50 - 25
	img := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	top, bottom := hsl(hue, 0.55, 0.35+r.Float64()*0.2), hsl(hue+30, 0.6, 0.75+r.Float64()*0.15)
	sunX, sunY, sunR := r.Float64()*photoW, photoH*(0.2+r.Float64()*0.3), 30+r.Float64()*60
	sun := hsl(hue+180, 0.7, 0.85)
	layers := 3 + r.IntN(3)
	type wave struct {
		base, amp, freq, phase float64
		col                    color.RGBA
		city                   bool
	}
	ws := make([]wave, layers)
	for i := range ws {
		depth := float64(i+1) / float64(layers)
		ws[i] = wave{
			base:  photoH * (0.45 + 0.45*depth),
			amp:   20 + r.Float64()*60*(1-depth/2),
			freq:  0.004 + r.Float64()*0.01,
			phase: r.Float64() * 10,
			col:   hsl(hue+float64(i)*8, 0.35, 0.55-0.4*depth),
			city:  r.IntN(4) == 0,
		}
	}
	// The outline of each layer depends only on x: work it out once.
	heights := make([][]float64, len(ws))
	for i, w := range ws {
		heights[i] = make([]float64, photoW)
		for x := range photoW {
			h := w.base - w.amp*math.Sin(float64(x)*w.freq+w.phase)
			if w.city {
				// A skyline: blocks whose height steps every 40 pixels.
				h = w.base - w.amp - float64((x/40*7919)%97)
			}
			heights[i][x] = h
		}
	}
	for y := 0; y < photoH; y++ {
		sky := mix(top, bottom, float64(y)/photoH)
		for x := 0; x < photoW; x++ {
			c := sky
			dx, dy := float64(x)-sunX, float64(y)-sunY
			if dx*dx+dy*dy < sunR*sunR {
				c = sun
			}
			for i := len(ws) - 1; i >= 0; i-- {
				if float64(y) > heights[i][x] {
					c = ws[i].col
					break
				}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// barChart draws a titled bar chart.
func barChart(key, title string) *image.RGBA {
	r := rand.New(rand.NewPCG(seed(key), 2))
	img := image.NewRGBA(image.Rect(0, 0, chartW, chartH))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{247, 248, 250, 255}}, image.Point{}, draw.Src)
	brand := color.RGBA{10, 61, 122, 255}
	draw.Draw(img, image.Rect(0, 0, chartW, 110), &image.Uniform{brand}, image.Point{}, draw.Src)
	drawText(img, title, 30, 30, 3, color.RGBA{255, 255, 255, 255}, chartW-60)
	axis := color.RGBA{60, 64, 70, 255}
	x0, y0, x1, y1 := 80, 170, chartW-50, chartH-70
	draw.Draw(img, image.Rect(x0, y1, x1, y1+3), &image.Uniform{axis}, image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(x0-3, y0, x0, y1+3), &image.Uniform{axis}, image.Point{}, draw.Src)
	for i := 1; i <= 4; i++ {
		y := y1 - (y1-y0)*i/4
		draw.Draw(img, image.Rect(x0, y, x1, y+1), &image.Uniform{color.RGBA{210, 214, 220, 255}}, image.Point{}, draw.Src)
	}
	n := 5 + r.IntN(5)
	gap := 14
	bw := (x1 - x0 - gap*(n+1)) / n
	hue := r.Float64() * 360
	for i := range n {
		h := int(float64(y1-y0) * (0.2 + 0.8*r.Float64()))
		bx := x0 + gap + i*(bw+gap)
		draw.Draw(img, image.Rect(bx, y1-h, bx+bw, y1), &image.Uniform{hsl(hue+float64(i)*25, 0.55, 0.45)}, image.Point{}, draw.Src)
		drawText(img, fmt.Sprint(2010+i), bx+bw/2-28, y1+14, 2, axis, bw+gap)
	}
	return img
}

// drawText writes s with the basic bitmap font, scaled up, wrapping at
// width pixels.
func drawText(dst *image.RGBA, s string, x, y, scale int, col color.RGBA, width int) {
	face := basicfont.Face7x13
	perLine := max(1, width/(7*scale))
	var lines []string
	line := ""
	for _, word := range splitWords(s) {
		if len(line)+len(word)+1 > perLine && line != "" {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	lines = append(lines, line)
	for i, l := range lines {
		small := image.NewRGBA(image.Rect(0, 0, 7*len(l)+2, 16))
		d := font.Drawer{Dst: small, Src: &image.Uniform{col}, Face: face, Dot: fixed.P(1, 12)}
		d.DrawString(asciiOnly(l))
		dr := image.Rect(x, y+i*16*scale, x+small.Bounds().Dx()*scale, y+(i+1)*16*scale)
		draw.NearestNeighbor.Scale(dst, dr, small, small.Bounds(), draw.Over, nil)
	}
}

func splitWords(s string) []string {
	var ws []string
	word := ""
	for _, r := range s {
		if r == ' ' {
			if word != "" {
				ws = append(ws, word)
			}
			word = ""
			continue
		}
		word += string(r)
	}
	if word != "" {
		ws = append(ws, word)
	}
	return ws
}

// asciiOnly replaces what the bitmap font cannot draw.
func asciiOnly(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '’' || r == '‘':
			r = '\''
		case r == '—' || r == '–':
			r = '-'
		case r > 126:
			r = '?'
		}
		out = append(out, r)
	}
	return string(out)
}
