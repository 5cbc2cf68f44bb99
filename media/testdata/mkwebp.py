# mkwebp.py makes the WebP test files with the system's libwebp (libwebp.so.7,
# Debian package libwebp7), called through ctypes, since Go has no WebP encoder.
#
#   python3 mkwebp.py   # writes photo.webp and alpha.webp here
import ctypes

lib = ctypes.CDLL("libwebp.so.7")
out = ctypes.POINTER(ctypes.c_uint8)


def encode(name, fn, w, h, px, stride, *quality):
    p = out()
    n = fn(px, w, h, stride, *quality, ctypes.byref(p))
    if n == 0:
        raise SystemExit("encoding failed: " + name)
    with open(name, "wb") as f:
        f.write(ctypes.string_at(p, n))
    lib.WebPFree(p)


# photo.webp: 64 x 48, lossy (VP8), quality 90, an opaque gradient.
w, h = 64, 48
rgb = bytes(v for y in range(h) for x in range(w) for v in (x * 4, y * 5, 128))
lib.WebPEncodeRGB.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_float, ctypes.POINTER(out)]
encode("photo.webp", lib.WebPEncodeRGB, w, h, rgb, w * 3, ctypes.c_float(90))

# alpha.webp: 32 x 24, lossless (VP8L), left half opaque red, right half
# half-transparent blue.
w, h = 32, 24
rgba = bytes(v for y in range(h) for x in range(w) for v in ((255, 0, 0, 255) if x < w // 2 else (0, 0, 255, 128)))
lib.WebPEncodeLosslessRGBA.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.POINTER(out)]
encode("alpha.webp", lib.WebPEncodeLosslessRGBA, w, h, rgba, w * 4)
