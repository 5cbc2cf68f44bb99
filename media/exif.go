package media

import (
	"bytes"
	"encoding/binary"
	"image"
)

// jpegOrientation returns the EXIF orientation (1 to 8) of a JPEG file, or
// 1 when it has none or it cannot be read. It looks only at the first Exif
// APP1 segment before the image data, and only at IFD0's tag 0x0112. Every
// offset in b is checked before use: the bytes come from the uploader.
func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xff || b[1] != 0xd8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return 1
		}
		marker := b[i+1]
		switch {
		case marker == 0xff: // fill byte before a marker
			i++
			continue
		case marker == 0x01 || marker >= 0xd0 && marker <= 0xd8: // no length
			i += 2
			continue
		case marker == 0xd9 || marker == 0xda: // end of image, start of scan
			return 1
		}
		n := int(binary.BigEndian.Uint16(b[i+2:])) // counts its own 2 bytes
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads the Orientation tag of IFD0 in the TIFF structure
// that an Exif segment holds, in either byte order.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return 1
	}
	ifd := uint64(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > uint64(len(t)) {
		return 1
	}
	count := uint64(bo.Uint16(t[ifd:]))
	for k := range count {
		e := ifd + 2 + 12*k
		if e+12 > uint64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		var v uint32
		switch typ, n := bo.Uint16(t[e+2:]), bo.Uint32(t[e+4:]); {
		case typ == 3 && n == 1: // SHORT, the value in the entry itself
			v = uint32(bo.Uint16(t[e+8:]))
		case typ == 4 && n == 1: // LONG, written by a few tools
			v = bo.Uint32(t[e+8:])
		}
		if v >= 1 && v <= 8 {
			return int(v)
		}
		return 1
	}
	return 1
}

// orient returns m turned as EXIF orientation o says it should be shown:
// 2 mirrors it, 3 turns it half a turn, 4 flips it upside down, 5 mirrors
// it along the top-left to bottom-right diagonal, 6 turns it a quarter
// clockwise, 7 mirrors it along the other diagonal and 8 turns it a quarter
// anticlockwise. For 5 to 8 width and height swap.
//
// A JPEG's YCbCr or gray image is turned plane by plane and stays what it
// is (4:2:2 becomes 4:4:0 when turned a quarter), at a byte or a byte and
// a half a pixel instead of the four of RGBA. With subsampled colour and an
// odd width or height, the colour planes of a mirrored image may sit one
// pixel off at the far edge, which nobody sees.
func orient(m image.Image, o int) image.Image {
	if o < 2 || o > 8 {
		return m
	}
	switch m := m.(type) {
	case *image.Gray:
		w, h := m.Rect.Dx(), m.Rect.Dy()
		dw, dh := turnedSize(w, h, o)
		d := image.NewGray(image.Rect(0, 0, dw, dh))
		turnPlane(d.Pix, d.Stride, dw, dh, m.Pix[m.PixOffset(m.Rect.Min.X, m.Rect.Min.Y):], m.Stride, w, h, 1, o)
		return d
	case *image.YCbCr:
		ratio, ok := turnedRatio(m.SubsampleRatio, o)
		if !ok || m.Rect.Min != (image.Point{}) {
			break
		}
		w, h := m.Rect.Dx(), m.Rect.Dy()
		dw, dh := turnedSize(w, h, o)
		d := image.NewYCbCr(image.Rect(0, 0, dw, dh), ratio)
		turnPlane(d.Y, d.YStride, dw, dh, m.Y, m.YStride, w, h, 1, o)
		cw, ch := chromaSize(m)
		cdw, cdh := chromaSize(d)
		if tw, th := turnedSize(cw, ch, o); tw != cdw || th != cdh {
			break // not a layout turnPlane can map; RGBA below
		}
		turnPlane(d.Cb, d.CStride, cdw, cdh, m.Cb, m.CStride, cw, ch, 1, o)
		turnPlane(d.Cr, d.CStride, cdw, cdh, m.Cr, m.CStride, cw, ch, 1, o)
		return d
	}
	src := toRGBA(m)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := turnedSize(w, h, o)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	turnPlane(dst.Pix, dst.Stride, dw, dh, src.Pix, src.Stride, w, h, 4, o)
	return dst
}

// turnedSize is the size of a w × h picture under orientation o.
func turnedSize(w, h, o int) (int, int) {
	if o >= 5 {
		return h, w
	}
	return w, h
}

// turnedRatio is the subsampling of a YCbCr image under orientation o:
// a quarter turn swaps horizontal and vertical subsampling.
func turnedRatio(r image.YCbCrSubsampleRatio, o int) (image.YCbCrSubsampleRatio, bool) {
	if o < 5 {
		return r, true
	}
	switch r {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420:
		return r, true
	case image.YCbCrSubsampleRatio422:
		return image.YCbCrSubsampleRatio440, true
	case image.YCbCrSubsampleRatio440:
		return image.YCbCrSubsampleRatio422, true
	}
	return r, false
}

// chromaSize is the width and height of m's Cb and Cr planes.
func chromaSize(m *image.YCbCr) (int, int) {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// turnPlane writes the w × h plane src (n bytes a pixel) into dst, which
// is dw × dh, as orientation o shows it. The stored pixel shown at (x, y)
// is src's (sx, sy), whose offset moves by a fixed step along a row of
// dst: base + x·ax + y·ay.
func turnPlane(dst []byte, dstStride, dw, dh int, src []byte, srcStride, w, h, n, o int) {
	S, W, H := srcStride, (w-1)*n, (h-1)*srcStride
	var base, ax, ay int
	switch o {
	case 2: // (w-1-x, y)
		base, ax, ay = W, -n, S
	case 3: // (w-1-x, h-1-y)
		base, ax, ay = H+W, -n, -S
	case 4: // (x, h-1-y)
		base, ax, ay = H, n, -S
	case 5: // (y, x)
		base, ax, ay = 0, S, n
	case 6: // (y, h-1-x)
		base, ax, ay = H, -S, n
	case 7: // (w-1-y, h-1-x)
		base, ax, ay = H+W, -S, -n
	case 8: // (w-1-y, x)
		base, ax, ay = W, S, -n
	default:
		base, ax, ay = 0, n, S
	}
	// In tiles, so that a quarter turn, which reads src down its
	// columns, finds the rows it reads still in the CPU's cache.
	const tile = 64
	for ty := 0; ty < dh; ty += tile {
		for tx := 0; tx < dw; tx += tile {
			for y := ty; y < min(ty+tile, dh); y++ {
				row := dst[y*dstStride+tx*n : y*dstStride+min(tx+tile, dw)*n]
				i := base + y*ay + tx*ax
				if n == 1 {
					for x := range row {
						row[x] = src[i]
						i += ax
					}
					continue
				}
				for x := 0; x < len(row); x += n {
					copy(row[x:x+n], src[i:i+n])
					i += ax
				}
			}
		}
	}
}
