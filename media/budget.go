package media

import (
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"

	"dateline"
)

// The work budget bounds the memory that Prepare's image work takes at
// once in the whole process. Each upload asks for what its pixels will
// take (workBytes, from the header, before a pixel is decoded) and waits
// until that much is free, so a big photo is prepared while others wait,
// and small ones go side by side. Memory is the process's, so the budget
// is too: it is one value per process, like runtime/debug's memory limit,
// set once by the program (SetWorkBudget) rather than passed to every
// caller of Prepare.
var work = struct {
	sync.Mutex
	sem  *semaphore.Weighted
	size int64
	wait time.Duration
}{sem: semaphore.NewWeighted(DefaultWorkBudget), size: DefaultWorkBudget, wait: DefaultWorkWait}

const (
	// DefaultWorkBudget is the budget until SetWorkBudget is called.
	DefaultWorkBudget = 1 << 30
	// DefaultWorkWait is how long an upload waits for its share of the
	// budget before it is answered "busy".
	DefaultWorkWait = 30 * time.Second
	// workFixed is what any image's work takes besides its pixels: the
	// encoders' buffers and the renditions' scratch images. The upload's
	// own bytes (at most Limits.MaxBytes) are read before the budget is
	// asked for and are not counted.
	workFixed = 24 << 20
)

// SetWorkBudget sets how many bytes image work may take at once in this
// process, and how long an upload waits for its share before Prepare
// answers EUNAVAILABLE. An image whose work alone needs more than the
// whole budget is refused with EUNPROCESSABLE. Work under way keeps the
// budget it started with.
func SetWorkBudget(bytes int64, wait time.Duration) {
	bytes = max(bytes, workFixed*4)
	if wait <= 0 {
		wait = DefaultWorkWait
	}
	work.Lock()
	work.sem, work.size, work.wait = semaphore.NewWeighted(bytes), bytes, wait
	work.Unlock()
}

// acquire waits for n bytes of the budget and returns the function that
// gives them back, which may be called more than once. Returns EUNPROCESSABLE when n is more than the whole
// budget, EUNAVAILABLE when the wait is over, and ctx's error when ctx
// ends first.
func acquire(ctx context.Context, n int64) (release func(), err error) {
	work.Lock()
	sem, size, wait := work.sem, work.size, work.wait
	work.Unlock()
	if n > size {
		return nil, dateline.Errorf(dateline.EUNPROCESSABLE,
			"This image needs about %s of memory to prepare, more than this server allows for one image (%s). A standard (baseline) JPEG of the same size needs far less; or send fewer pixels.",
			roundMB(n), roundMB(size))
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	if err := sem.Acquire(wctx, n); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, dateline.Errorf(dateline.EUNAVAILABLE, "The server is busy preparing other photos; please try again in a minute.")
	}
	if n >= bigWork {
		paceUp()
	}
	var once sync.Once
	return func() { once.Do(func() { giveBack(sem, n) }) }, nil
}

// bigWork is the work from which an image's garbage is collected between
// phases (collect), its pages handed back when it is done (giveBack), and
// the collector kept on a short leash while it runs (paceUp).
const bigWork = 128 << 20

// bigGCPercent is the collector's pace (GOGC) while big image work is
// under way. At the usual 100 the heap may grow to twice what is live
// before a collection ends: with 320 MB of pixels live, 640 MB, and more
// when the machine is busy and the collector's share of the CPU comes
// late. At 20 it stays within a fifth of what is live. Pixels hold no
// pointers, so the extra collections cost little.
const bigGCPercent = 20

// pace counts the big images being prepared, and keeps the collector's
// pace from before the first, to be set back when the last is done.
var pace struct {
	sync.Mutex
	big int
	old int
}

// paceUp has the collector run at bigGCPercent while big image work is
// under way, unless the operator set a pace as short or turned the
// collector off (GOGC=off; the memory limit then governs).
func paceUp() {
	pace.Lock()
	defer pace.Unlock()
	if pace.big == 0 {
		pace.old = debug.SetGCPercent(bigGCPercent)
		if pace.old <= bigGCPercent {
			debug.SetGCPercent(pace.old)
		}
	}
	pace.big++
}

// paceDown sets the collector's pace back once the last big image is done.
func paceDown() {
	pace.Lock()
	defer pace.Unlock()
	pace.big--
	if pace.big == 0 {
		debug.SetGCPercent(pace.old)
	}
}

// giveBack returns n bytes to the budget sem.
func giveBack(sem *semaphore.Weighted, n int64) {
	// The pixels of a big photo are garbage now. Collect them before the
	// next photo may start, so that its pixels do not come on top of
	// them, and hand the pages back to the system, so that the node's
	// resident size falls back instead of staying at its peak until the
	// runtime's scavenger gets round to it.
	if n >= bigWork {
		debug.FreeOSMemory()
		paceDown()
	}
	sem.Release(n)
}

// collect has the garbage of the phase just ended collected at once when
// the work is big, before the next phase allocates: a progressive JPEG's
// coefficients or an image's unturned pixels are then freed before the
// turned copy is made, and the peak is the larger phase rather than the
// sum of both. Left to itself, the collector would let the garbage grow
// to the memory limit first. Pixels hold no pointers, so a collection
// costs milliseconds; preparing such an image takes seconds.
func collect(cost int64) {
	if cost >= bigWork {
		runtime.GC()
	}
}

// roundMB writes n bytes as "600 MB" (units of 10^6, as memory limits are
// usually written in this message's readers' tools).
func roundMB(n int64) string {
	return strconv.FormatInt((n+500_000)/1_000_000, 10) + " MB"
}

// workBytes estimates the most memory that Prepare's work on an image of
// the format and size holds at one time. The work goes in phases, and
// Prepare has the garbage of each collected before the next when the
// image is big (see collect), so the estimate is the largest phase:
// decoding (the decoder's own buffers and the pixels), turning (the image
// and its turned copy) and drawing (the image, its first halving and the
// encoded full-size file). data is the upload, from which a JPEG's frame
// header is read.
func workBytes(format string, cfg image.Config, data []byte, turned bool) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	var decode, turn, draw int64
	switch format {
	case "jpeg":
		f := jpegFrame(data, int64(cfg.Width), int64(cfg.Height))
		if f.components == 4 {
			// CMYK: three planes and the black one, then the CMYK image;
			// then an RGBA copy for the encoder and the scaler, and a
			// turned RGBA copy of that.
			decode = f.samples + 4*px
			turn = 8 * px
			draw = 4*px + px + px/2
		} else {
			// YCbCr or gray, turned plane by plane.
			decode = f.samples
			if turned {
				turn = 2 * f.samples
			}
			draw = f.samples + f.samples/4 + px/2 // the full size at quality 85: at most about half a byte a pixel
		}
		if f.progressive {
			// image/jpeg keeps every coefficient of a progressive image
			// until its last scan: 64 int32s for each 8 × 8 block.
			decode += 4 * f.padded
		}
	case "png":
		bpp := int64(4)
		switch cfg.ColorModel {
		case color.GrayModel, color.AlphaModel:
			bpp = 1
		case color.Gray16Model, color.Alpha16Model:
			bpp = 2
		case color.RGBA64Model, color.NRGBA64Model:
			bpp = 8
		default:
			if _, ok := cfg.ColorModel.(color.Palette); ok {
				bpp = 1
			}
		}
		// The scaler halves an RGBA copy, and the encoded file is at
		// most about the raw size.
		decode = bpp * px
		draw = bpp*px + 4*px + px + 4*px
	case "webp":
		decode = 5 * px / 2 // YCbCr 4:2:0 and, with transparency, alpha
		draw = decode + 4*px + px + 4*px
	default:
		decode, draw = 4*px, 10*px
	}
	return max(decode, turn, draw) + workFixed
}

// frame is what jpegFrame reads of a JPEG's frame header.
type frame struct {
	progressive bool
	components  int
	samples     int64 // of all components, after subsampling
	padded      int64 // the same, padded to whole blocks of whole MCUs
}

// jpegFrame reads the SOF marker of a JPEG of w × h pixels (as its header
// said): whether it is progressive, its components and how many samples
// each holds. It guesses three full-size planes when it finds no frame
// header that it can read (the decoder refuses such a file anyway). Every
// offset is checked: the bytes are the uploader's.
func jpegFrame(b []byte, w, h int64) frame {
	guess := frame{components: 3, samples: 3 * w * h, padded: 3 * (w + 15) * (h + 15)}
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return guess
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return guess
		}
		marker := b[i+1]
		switch {
		case marker == 0xff:
			i++
			continue
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd8:
			i += 2
			continue
		case marker == 0xd9 || marker == 0xda:
			return guess
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return guess
		}
		seg := b[i+4 : i+2+n]
		// SOF0 to SOF15, except DHT (c4), JPG (c8) and DAC (cc).
		if marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc {
			nc := 0
			if len(seg) >= 6 {
				nc = int(seg[5])
			}
			if nc < 1 || len(seg) < 6+3*nc {
				return guess
			}
			f := frame{progressive: marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce, components: nc}
			hmax, vmax := int64(1), int64(1)
			for c := range nc {
				s := seg[6+3*c+1]
				hmax, vmax = max(hmax, int64(s>>4)), max(vmax, int64(s&15))
			}
			mcux, mcuy := (w+8*hmax-1)/(8*hmax), (h+8*vmax-1)/(8*vmax)
			for c := range nc {
				s := seg[6+3*c+1]
				hc, vc := max(1, int64(s>>4)), max(1, int64(s&15))
				f.samples += ((w*hc + hmax - 1) / hmax) * ((h*vc + vmax - 1) / vmax)
				f.padded += mcux * hc * 8 * mcuy * vc * 8
			}
			return f
		}
		i += 2 + n
	}
	return guess
}
