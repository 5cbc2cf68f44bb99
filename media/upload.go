package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"dateline"
)

// Limits bound what Prepare accepts. A field that is zero or less takes
// its value from DefaultLimits.
type Limits struct {
	MaxBytes  int64 // size of the upload
	MaxPixels int64 // width × height
	MaxSide   int   // width and height each
}

// DefaultLimits fit the photos of any current camera.
var DefaultLimits = Limits{MaxBytes: 20 << 20, MaxPixels: 40_000_000, MaxSide: 12000}

// RenditionWidths are the widths Prepare makes of each photo, when the photo
// is wider.
var RenditionWidths = []int{320, 640, 960, 1280, 1920}

// jpegQuality is the quality of every JPEG that Prepare writes.
const jpegQuality = 85

// Prepare checks and decodes an upload (JPEG, PNG or WebP, told apart by
// content, never by name), applies the EXIF orientation of a JPEG, and stores
// the photo at its own size plus the RenditionWidths smaller than it under
// dir (such as "uploads/2026/11") in m. Files are named by the SHA-256 of the
// upload, so the same upload twice makes the same files.
//
// Every file is encoded anew, which drops all metadata: EXIF with its GPS
// position, XMP, comments, and also colour profiles. JPEG and opaque WebP
// become JPEG; PNG and WebP with transparency become PNG.
//
// It returns a Photo with Path, Width, Height and Widths filled. Errors are
// ETOOLARGE, EINVALID or EUNPROCESSABLE for a bad upload, and nothing is
// stored then. When m.Put fails, the renditions written before may stay; the
// full-size file is written last, so the Photo's Path never exists without
// its renditions.
func Prepare(ctx context.Context, m dateline.Media, dir string, r io.Reader, lim Limits) (*dateline.Photo, error) {
	lim = lim.withDefaults()
	if dir != "" && !dateline.ValidMediaPath(dir) {
		return nil, dateline.Errorf(dateline.EINVALID, "The media folder %q is not allowed.", dir)
	}
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("media: reading the upload: %w", err)
	}
	if len(data) == 0 {
		return nil, dateline.Errorf(dateline.EINVALID, "The file is empty.")
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, dateline.Errorf(dateline.ETOOLARGE, "The file is larger than %s; please send a smaller image.", megabytes(lim.MaxBytes))
	}
	format, cfg, err := header(data, lim)
	if err != nil {
		return nil, err
	}
	orientation := 1
	if format == "jpeg" {
		orientation = jpegOrientation(data)
	}
	// Wait for this image's share of the process's memory for image work
	// (see SetWorkBudget) before a pixel is decoded.
	cost := workBytes(format, cfg, data, orientation > 1)
	release, err := acquire(ctx, cost)
	if err != nil {
		return nil, err
	}
	defer release()
	img, err := decodePixels(format, data, cfg)
	if err != nil {
		return nil, err
	}
	collect(cost) // the decoder's buffers
	if format == "jpeg" {
		// CMYK becomes RGBA now, before it is turned, so that the CMYK
		// pixels can go before the turned copy is made.
		img = forJPEG(img)
		collect(cost)
	}
	img = orient(img, orientation)
	collect(cost) // the image as it was stored
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	sum := sha256.Sum256(data)
	b := img.Bounds()
	p := &dateline.Photo{Width: b.Dx(), Height: b.Dy()}
	asPNG := format == "png" || format == "webp" && !opaque(img)
	p.Path = hex.EncodeToString(sum[:8]) + ".jpg"
	if asPNG {
		p.Path = p.Path[:16] + ".png"
	} else {
		img = forJPEG(img)
	}
	if dir != "" {
		p.Path = dir + "/" + p.Path
	}

	// Encode everything before storing anything, so that a failure here
	// leaves nothing behind. The full size is encoded on a CPU of its own
	// while the renditions are drawn.
	type file struct {
		path string
		data []byte
		err  error
	}
	full := make(chan file, 1)
	go func(path string) {
		out, err := encode(img, asPNG)
		full <- file{path, out, err}
	}(p.Path)
	var files []file
	widths := slices.Clone(RenditionWidths)
	slices.Sort(widths)
	widths = slices.Compact(widths)
	sc := newScaler(img)
	for _, w := range slices.Backward(widths) {
		if w <= 0 || w >= p.Width {
			continue
		}
		if err := ctx.Err(); err != nil {
			<-full // the full size's pixels are the budget's until it is done
			return nil, err
		}
		h := max(1, int((int64(p.Height)*int64(w)+int64(p.Width)/2)/int64(p.Width)))
		out, err := encode(sc.scale(w, h), asPNG)
		if err != nil {
			<-full
			return nil, err
		}
		files = append(files, file{p.Rendition(w), out, nil})
		p.Widths = append(p.Widths, w)
	}
	slices.Reverse(p.Widths)
	slices.Reverse(files)
	f := <-full
	if f.err != nil {
		return nil, f.err
	}
	files = append(files, f)
	// Only encoded files are left: the pixels are garbage, and the next
	// photo need not wait while these are stored (on a network mount,
	// perhaps slowly).
	release()

	for _, f := range files {
		if err := m.Put(ctx, f.path, bytes.NewReader(f.data)); err != nil {
			return nil, fmt.Errorf("media: storing %s: %w", f.path, err)
		}
	}
	return p, nil
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultLimits.MaxPixels
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultLimits.MaxSide
	}
	return l
}

// header tells the format from the first bytes and checks the size that
// the header declares against lim, before any pixel is decoded. The
// decoders are called by name rather than through image.Decode, so that a
// format registered elsewhere in the program (GIF, say) is never accepted.
func header(data []byte, lim Limits) (string, image.Config, error) {
	var (
		format       string
		decodeConfig func(io.Reader) (image.Config, error)
	)
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		format, decodeConfig = "jpeg", jpeg.DecodeConfig
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		format, decodeConfig = "png", png.DecodeConfig
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		format, decodeConfig = "webp", webp.DecodeConfig
	default:
		return "", image.Config{}, dateline.Errorf(dateline.EUNPROCESSABLE, "This is not a JPEG, PNG or WebP image.")
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", image.Config{}, damaged(err)
	}
	w, h := cfg.Width, cfg.Height
	switch {
	case w <= 0 || h <= 0:
		return "", image.Config{}, dateline.Errorf(dateline.EUNPROCESSABLE, "The image is damaged or incomplete (it has no pixels).")
	case int64(w)*int64(h) > lim.MaxPixels:
		return "", image.Config{}, dateline.Errorf(dateline.EUNPROCESSABLE, "%d × %d pixels is more than the %s megapixels allowed.", w, h, megapixels(lim.MaxPixels))
	case w > lim.MaxSide || h > lim.MaxSide:
		return "", image.Config{}, dateline.Errorf(dateline.EUNPROCESSABLE, "%d × %d pixels is more than the %d pixels allowed on a side.", w, h, lim.MaxSide)
	}
	return format, cfg, nil
}

// decodePixels decodes an image whose header has passed header.
func decodePixels(format string, data []byte, cfg image.Config) (image.Image, error) {
	var decode func(io.Reader) (image.Image, error)
	switch format {
	case "jpeg":
		decode = jpeg.Decode
	case "png":
		decode = png.Decode
	case "webp":
		decode = webp.Decode
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, damaged(err)
	}
	// The decoders allocate from the header just checked; this guards
	// against one that would not.
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, dateline.Errorf(dateline.EUNPROCESSABLE, "The image is damaged or incomplete (its size does not match its header).")
	}
	return img, nil
}

// damaged turns a decoder's error into one that can be shown: the
// decoders' messages, such as "invalid JPEG format: missing SOI marker", say
// nothing about the server.
func damaged(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return dateline.Errorf(dateline.EUNPROCESSABLE, "The image is damaged or incomplete (the file ends too early).")
	}
	msg := err.Error()
	if len(msg) > 100 {
		msg = msg[:100] + "…"
	}
	if errors.As(err, new(jpeg.UnsupportedError)) || errors.As(err, new(png.UnsupportedError)) {
		return dateline.Errorf(dateline.EUNPROCESSABLE, "The image uses a feature that cannot be read here (%s).", msg)
	}
	return dateline.Errorf(dateline.EUNPROCESSABLE, "The image is damaged or incomplete (%s).", msg)
}

// megabytes writes n bytes as "20 MB" or "1.5 MB" (in units of 2^20, as
// people expect of file sizes), or below a megabyte as "500 KB".
func megabytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// megapixels writes 40_000_000 as "40" and 2_500_000 as "2.5".
func megapixels(n int64) string {
	return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64)
}

// opaque reports whether every pixel of m is fully opaque. Images without
// an alpha channel answer at once; others are scanned.
func opaque(m image.Image) bool {
	if o, ok := m.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// encode writes m as a PNG, or as a JPEG of jpegQuality.
func encode(m image.Image, asPNG bool) ([]byte, error) {
	var buf bytes.Buffer
	if asPNG {
		// BestSpeed: at the default level, a 4000 × 3000 photograph takes
		// 4 s instead of 0.75 s to write, for a file 20% smaller.
		// Drawings and screenshots compress well at either.
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(&buf, m); err != nil {
			return nil, fmt.Errorf("media: encoding PNG: %w", err)
		}
		return buf.Bytes(), nil
	}
	if err := jpeg.Encode(&buf, forJPEG(m), &jpeg.Options{Quality: jpegQuality}); err != nil {
		return nil, fmt.Errorf("media: encoding JPEG: %w", err)
	}
	return buf.Bytes(), nil
}

// forJPEG returns an opaque m as one of the three types that image/jpeg
// encodes quickly (it is slow for the others) and x/image/draw scales
// quickly.
func forJPEG(m image.Image) image.Image {
	switch t := m.(type) {
	case *image.YCbCr, *image.Gray, *image.RGBA:
		return m
	case *image.NYCbCrA: // a WebP whose alpha channel is all opaque
		return &t.YCbCr
	}
	return toRGBA(m)
}

// toRGBA returns m as an *image.RGBA at the origin, converting it when it
// is another type.
func toRGBA(m image.Image) *image.RGBA {
	if r, ok := m.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := m.Bounds()
	r := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	if c, ok := m.(*image.CMYK); ok {
		// image/draw reads a CMYK image a pixel at a time through At,
		// which allocates for every pixel: 40 million allocations and
		// seconds for a large CMYK photo.
		for y := range b.Dy() {
			src := c.Pix[c.PixOffset(b.Min.X, b.Min.Y+y):]
			dst := r.Pix[y*r.Stride : y*r.Stride+4*b.Dx()]
			for i := 0; i < len(dst); i += 4 {
				dst[i], dst[i+1], dst[i+2] = color.CMYKToRGB(src[i], src[i+1], src[i+2], src[i+3])
				dst[i+3] = 0xff
			}
		}
		return r
	}
	stddraw.Draw(r, r.Rect, m, b.Min, stddraw.Src)
	return r
}

// A scaler makes ever smaller copies of one image. Each is drawn with the
// Catmull-Rom kernel from the smallest image at least as wide, after
// halving that image with a 2×2 box filter while it is twice as wide as
// needed. The halving is cheap and keeps each kernel pass under a 2:1
// ratio, where Catmull-Rom is both sharp and quick.
type scaler struct {
	levels []image.Image // the image, then its halvings, widest first
}

func newScaler(m image.Image) *scaler {
	switch m.(type) {
	case *image.YCbCr, *image.Gray, *image.RGBA, *image.NRGBA:
		// x/image/draw has fast paths for these.
	default:
		m = toRGBA(m)
	}
	return &scaler{levels: []image.Image{m}}
}

func (s *scaler) scale(w, h int) *image.RGBA {
	// The smallest level at least w wide. When widths come widest first,
	// as Prepare asks for them, that is the last level.
	i := len(s.levels) - 1
	for i > 0 && s.levels[i].Bounds().Dx() < w {
		i--
	}
	src := s.levels[i]
	for i == len(s.levels)-1 && src.Bounds().Dx() >= 2*w && src.Bounds().Dy() >= 2 {
		src = halveAny(src)
		s.levels = append(s.levels, src)
		i++
	}
	// Widths come widest first, so the levels between the image itself
	// (which the full-size encoder may still be reading) and this one are
	// not drawn from again: keep only their size, and let their pixels go.
	for j := 1; j < i; j++ {
		s.levels[j] = s.levels[j].Bounds()
	}
	return catmullRom(src, w, h)
}

// band is the number of rows, then of columns, that catmullRom draws at
// once.
const band = 64

// catmullRom draws src at w × h, one axis at a time and in bands, the
// bands spread over the CPUs.
//
// x/image/draw's Scale keeps a scratch buffer of 32 bytes per destination
// column per source row: 235 MiB to draw a 3000 × 4000 photo 1920 wide.
// In bands it needs 64 × 12000 × 32 bytes (24 MiB) at most per CPU, plus
// the 8-bit image between the passes. Within a band one axis keeps its
// size, and Catmull-Rom at 1:1 copies pixels unchanged, so the bands join
// without seams; like most resizers, it rounds to 8 bits between the
// passes. The 1:1 axis is work wasted, which the CPUs more than make up.
func catmullRom(src image.Image, w, h int) *image.RGBA {
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	mid := image.NewRGBA(image.Rect(0, 0, w, sh))
	// A Scaler made for the full band's size reuses its weights and
	// scratch buffer; it handles the last, smaller band by itself.
	across := draw.CatmullRom.NewScaler(w, band, sw, band)
	inParallel((sh+band-1)/band, func(i int) {
		y0, y1 := i*band, min(i*band+band, sh)
		sr := image.Rect(sb.Min.X, sb.Min.Y+y0, sb.Max.X, sb.Min.Y+y1)
		across.Scale(mid, image.Rect(0, y0, w, y1), src, sr, draw.Src, nil)
	})
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	down := draw.CatmullRom.NewScaler(band, h, band, sh)
	inParallel((w+band-1)/band, func(i int) {
		x0, x1 := i*band, min(i*band+band, w)
		down.Scale(dst, image.Rect(x0, 0, x1, h), mid, image.Rect(x0, 0, x1, sh), draw.Src, nil)
	})
	return dst
}

// inParallel calls f(0) to f(n-1), on as many goroutines as there are
// CPUs to run them.
func inParallel(n int, f func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		})
	}
	wg.Wait()
}

// halveAny returns m at half its width and height. YCbCr (in the common
// subsamplings) and gray images are halved plane by plane and keep their
// type, at a quarter of their bytes; others are halved as RGBA.
func halveAny(m image.Image) image.Image {
	switch m := m.(type) {
	case *image.Gray:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		d := image.NewGray(image.Rect(0, 0, w/2, h/2))
		halvePlane(d.Pix, d.Stride, w/2, h/2, m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], m.Stride, w, h)
		return d
	case *image.YCbCr:
		if m.Rect.Min != (image.Point{}) {
			break
		}
		switch m.SubsampleRatio {
		case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440:
			w, h := m.Rect.Dx(), m.Rect.Dy()
			d := image.NewYCbCr(image.Rect(0, 0, w/2, h/2), m.SubsampleRatio)
			halvePlane(d.Y, d.YStride, w/2, h/2, m.Y, m.YStride, w, h)
			cw, ch := chromaSize(m)
			cdw, cdh := chromaSize(d)
			halvePlane(d.Cb, d.CStride, cdw, cdh, m.Cb, m.CStride, cw, ch)
			halvePlane(d.Cr, d.CStride, cdw, cdh, m.Cr, m.CStride, cw, ch)
			return d
		}
	}
	return halve(toRGBA(m))
}

// halvePlane writes into the dw × dh plane dst the means of 2 × 2 pixels
// of the w × h plane src. Where src has no second row or column (an odd
// size rounded up, as a colour plane's may be), the last one counts twice.
func halvePlane(dst []byte, dstStride, dw, dh int, src []byte, srcStride, w, h int) {
	for y := range dh {
		a := src[min(2*y, h-1)*srcStride:]
		b := src[min(2*y+1, h-1)*srcStride:]
		o := dst[y*dstStride : y*dstStride+dw]
		for x := range o {
			i, j := min(2*x, w-1), min(2*x+1, w-1)
			o[x] = uint8((uint(a[i]) + uint(a[j]) + uint(b[i]) + uint(b[j]) + 2) / 4)
		}
	}
}

// halve returns m at half its width and height, each pixel the mean of four.
// Colours are premultiplied by alpha, so averaging them is correct.
func halve(m *image.RGBA) *image.RGBA {
	w, h := m.Rect.Dx()/2, m.Rect.Dy()/2
	d := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		a := m.Pix[2*y*m.Stride:]
		b := m.Pix[(2*y+1)*m.Stride:]
		o := d.Pix[y*d.Stride : y*d.Stride+4*w]
		for x := 0; x < len(o); x += 4 {
			i := 2 * x
			for c := range 4 {
				o[x+c] = uint8((uint(a[i+c]) + uint(a[i+c+4]) + uint(b[i+c]) + uint(b[i+c+4]) + 2) / 4)
			}
		}
	}
	return d
}
