package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this binary as the dateline command: with
// DATELINE_TEST_AS_MAIN=1 in its environment it is main, with its
// arguments. TestUploadMemory starts "dateline serve" so, to read the
// memory of a real node from outside.
func TestMain(m *testing.M) {
	if os.Getenv("DATELINE_TEST_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// uploadPeak is the peak resident memory (VmHWM) that the node in
// TestUploadMemory, run with --memory-limit 768MiB as in a container of
// 1 GiB, must stay under while it prepares the heaviest photos it accepts,
// one after another and four at once. Before the work budget it reached
// 1,167 MB one at a time and 1,673 MB four at once (see the README's
// "Memory").
const uploadPeak = 600 << 20

// TestUploadMemory uploads, to a real "dateline serve" process with
// --memory-limit 768MiB, the photos that take the most memory to prepare
// among those it accepts: 39.9 megapixels each, turned by EXIF, as a
// camera's baseline JPEG, as a progressive JPEG (whose coefficients
// image/jpeg holds until its last scan) and as a CMYK JPEG. It reads the
// process's peak resident memory from /proc after each and after four
// uploads at once, and checks it against uploadPeak. A progressive JPEG
// with full-resolution colour, which would need more than the image
// budget, is refused with a reason.
func TestUploadMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("prepares 40-megapixel photos in a child process")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/PID/status")
	}
	const w, h = 7296, 5472 // 39.9 megapixels
	camera := cameraJPEG(t, w, h)
	heavy := []struct {
		name string
		data []byte
	}{
		{"camera JPEG, 4:2:0, turned", camera},
		{"progressive JPEG, 4:2:2, turned", syntheticJPEG(w, h, [][2]int{{2, 1}, {1, 1}, {1, 1}}, true, -1, 6)},
		{"CMYK JPEG, turned", syntheticJPEG(w, h, [][2]int{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, false, 0, 6)},
	}
	refused := syntheticJPEG(w, h, [][2]int{{1, 1}, {1, 1}, {1, 1}}, true, -1, 6)

	dir := t.TempDir()
	db := dbArgs(t, dir)
	n := startNode(t, dir, db, "--memory-limit", "768MiB")
	t.Logf("at rest: %s", mb(n.peak(t)))
	for _, im := range heavy {
		start := time.Now()
		code, body := n.upload(t, im.data)
		if code != http.StatusCreated {
			t.Fatalf("%s: %d %s", im.name, code, body)
		}
		t.Logf("%s (%s): prepared in %v, peak so far %s", im.name, kb(len(im.data)), time.Since(start).Round(time.Millisecond), mb(n.peak(t)))
	}
	code, body := n.upload(t, refused)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "memory to prepare") {
		t.Errorf("progressive 4:4:4: %d %s, want 422 with the reason", code, body)
	}
	one := n.peak(t)
	t.Logf("peak after one at a time: %s", mb(one))
	if one > uploadPeak {
		t.Errorf("peak %s preparing one photo at a time, want under %s", mb(one), mb(uploadPeak))
	}
	n.stop(t)

	// Four at once, on a new node so that its peak is their own.
	dir = t.TempDir()
	n = startNode(t, dir, dbArgs(t, dir), "--memory-limit", "768MiB")
	for _, im := range heavy[1:] {
		var wg sync.WaitGroup
		codes := make([]int, 4)
		start := time.Now()
		for i := range 4 {
			wg.Go(func() {
				// Four different files, so that none is stored already.
				data := bytes.Clone(im.data)
				data = append(data[:len(data)-2], byte(i), 0xff, 0xd9)
				var body string
				codes[i], body = n.upload(t, data)
				// A photo that waits longer than the bound for its turn is
				// answered busy, to be sent again: on a slow machine the
				// fourth may.
				if codes[i] != http.StatusCreated && (codes[i] != http.StatusServiceUnavailable || !strings.Contains(body, "try again")) {
					t.Errorf("%s, four at once, #%d: %d %s", im.name, i, codes[i], body)
				}
			})
		}
		wg.Wait()
		if !slices.Contains(codes, http.StatusCreated) {
			t.Errorf("four %s at once: %v, none stored", im.name, codes)
		}
		t.Logf("four %s at once: %v in %v, peak so far %s", im.name, codes, time.Since(start).Round(time.Millisecond), mb(n.peak(t)))
	}
	four := n.peak(t)
	t.Logf("peak with four at once: %s", mb(four))
	if four > uploadPeak {
		t.Errorf("peak %s preparing four photos at once, want under %s", mb(four), mb(uploadPeak))
	}
	// The memory goes back to the system once the photos are done (it
	// stayed above 1 GB for minutes before).
	if rss := n.status(t, "VmRSS"); rss > 250<<20 {
		t.Errorf("resident %s after the uploads, want under %s", mb(rss), mb(250<<20))
	} else {
		t.Logf("resident after the uploads: %s", mb(rss))
	}
}

func mb(n int64) string { return fmt.Sprintf("%d MB", n/1e6) }
func kb(n int) string   { return fmt.Sprintf("%d KB", n/1000) }

// node is a "dateline serve" child process with a signed-in admin.
type node struct {
	cmd    *exec.Cmd
	base   string
	client *http.Client
	csrf   string
	done   chan error
}

const nodePassword = "memory-test-password"

// startNode makes an admin in the database db names, starts "dateline
// serve" on it with the extra flags, and signs in.
func startNode(t *testing.T, dir string, db []string, flags ...string) *node {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), append([]string{"user", "add", "--email", "admin@example.org", "--name", "Admin", "--role", "admin"}, db...),
		strings.NewReader(nodePassword+"\n"), &out, &errb); err != nil {
		t.Fatalf("user add: %v %s", err, errb.String())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append([]string{"serve", "--addr", addr, "--log-level", "warn"}, db...)
	cmd := exec.Command(os.Args[0], append(args, flags...)...)
	cmd.Env = append(os.Environ(), "DATELINE_TEST_AS_MAIN=1", "GOMEMLIMIT=", "GOGC=")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	n := &node{cmd: cmd, base: "http://" + addr, done: make(chan error, 1),
		client: &http.Client{Jar: jar, Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	go func() { n.done <- cmd.Wait() }()
	t.Cleanup(func() { n.stop(t) })
	waitUp(t, n.base)

	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	form := n.get(t, "/newsroom/login")
	m := token.FindStringSubmatch(form)
	if m == nil {
		t.Fatalf("login form without token: %s", form)
	}
	resp, err := n.client.PostForm(n.base+"/newsroom/login", url.Values{"email": {"admin@example.org"}, "password": {nodePassword}, "csrf": {m[1]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	if m = token.FindStringSubmatch(n.get(t, "/newsroom/photos")); m == nil {
		t.Fatal("photos page without a CSRF token")
	}
	n.csrf = m[1]
	return n
}

func (n *node) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := n.client.Get(n.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// upload sends a photo as the newsroom's upload form does, asking for
// JSON, and returns the status and body.
func (n *node) upload(t *testing.T, data []byte) (int, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", n.csrf)
	mw.WriteField("caption", "A test photo")
	mw.WriteField("credit", "Test")
	fw, _ := mw.CreateFormFile("photo", "photo.jpg")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, n.base+"/newsroom/photos", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// peak is the process's peak resident memory so far: VmHWM.
func (n *node) peak(t *testing.T) int64 {
	t.Helper()
	return n.status(t, "VmHWM")
}

// status reads a size in kB from /proc/PID/status, such as VmRSS.
func (n *node) status(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", n.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/PID/status", field)
	return 0
}

// stop ends the node as an operator does, with SIGTERM, once.
func (n *node) stop(t *testing.T) {
	if n.cmd.ProcessState != nil || n.done == nil {
		return
	}
	n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-n.done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		n.cmd.Process.Kill()
		<-n.done
		t.Error("serve did not stop within 20 s of SIGTERM")
	}
	n.done = nil
}

// cameraJPEG is a w × h photo as a camera writes it, baseline 4:2:0, with
// EXIF saying it is to be turned a quarter clockwise. It is smooth, so
// the file is small, as the one that showed the problem was (468 KB).
func cameraJPEG(t *testing.T, w, h int) []byte {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := range h {
		row := m.Y[y*m.YStride : y*m.YStride+w]
		for x := range row {
			row[x] = uint8(16 + (x*200/w+y*20/h)%220)
		}
	}
	for i := range m.Cb {
		m.Cb[i], m.Cr[i] = uint8(110+i%7), uint8(140-i%5)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return insertAfterSOI(buf.Bytes(), exifSegment(6))
}

// syntheticJPEG writes a w × h JPEG with a component for each sampling
// factor pair (h, v), baseline or progressive, whose every block is one
// flat colour: only the DC coefficients are coded, each a difference of
// zero, so a 40-megapixel file is a few hundred kilobytes while the
// decoder allocates for every pixel as for any photo. adobe ≥ 0 adds an
// Adobe segment with that colour transform (0: CMYK); orientation > 1 adds
// EXIF.
func syntheticJPEG(w, h int, sampling [][2]int, progressive bool, adobe, orientation int) []byte {
	var b []byte
	seg := func(marker byte, data []byte) {
		b = append(b, 0xff, marker, byte((len(data)+2)>>8), byte(len(data)+2))
		b = append(b, data...)
	}
	b = append(b, 0xff, 0xd8)
	if orientation > 1 {
		b = append(b, exifSegment(orientation)...)
	}
	if adobe >= 0 {
		seg(0xee, []byte{'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, byte(adobe)})
	}
	dqt := make([]byte, 65)
	for i := 1; i < 65; i++ {
		dqt[i] = 1
	}
	seg(0xdb, dqt)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(sampling))}
	hmax, vmax, perMCU := 1, 1, 0
	for i, s := range sampling {
		sof = append(sof, byte(i+1), byte(s[0]<<4|s[1]), 0)
		hmax, vmax, perMCU = max(hmax, s[0]), max(vmax, s[1]), perMCU+s[0]*s[1]
	}
	if progressive {
		seg(0xc2, sof)
	} else {
		seg(0xc0, sof)
	}
	// One code, "0", in each table: DC difference category 0, and for
	// baseline the AC table's end of block.
	one := append([]byte{1}, make([]byte, 15)...)
	seg(0xc4, append(append([]byte{0x00}, one...), 0))
	bitsPerBlock := 1
	if !progressive {
		seg(0xc4, append(append([]byte{0x10}, one...), 0))
		bitsPerBlock = 2
	}
	sos := []byte{byte(len(sampling))}
	for i := range sampling {
		sos = append(sos, byte(i+1), 0)
	}
	if progressive {
		sos = append(sos, 0, 0, 0) // the DC scan: Ss = Se = 0
	} else {
		sos = append(sos, 0, 63, 0)
	}
	seg(0xda, sos)
	mcus := ((w + 8*hmax - 1) / (8 * hmax)) * ((h + 8*vmax - 1) / (8 * vmax))
	bits := mcus * perMCU * bitsPerBlock
	b = append(b, make([]byte, (bits+7)/8)...)
	return append(b, 0xff, 0xd9)
}

// exifSegment is an APP1 Exif segment whose only tag is the orientation.
func exifSegment(orientation int) []byte {
	tiff := []byte("II*\x00")
	tiff = binary.LittleEndian.AppendUint32(tiff, 8)
	tiff = binary.LittleEndian.AppendUint16(tiff, 1)
	tiff = binary.LittleEndian.AppendUint16(tiff, 0x0112)
	tiff = binary.LittleEndian.AppendUint16(tiff, 3)
	tiff = binary.LittleEndian.AppendUint32(tiff, 1)
	tiff = binary.LittleEndian.AppendUint16(tiff, uint16(orientation))
	tiff = append(tiff, 0, 0, 0, 0, 0, 0) // the value's padding, no next IFD
	data := append([]byte("Exif\x00\x00"), tiff...)
	return append([]byte{0xff, 0xe1, byte((len(data) + 2) >> 8), byte(len(data) + 2)}, data...)
}

func insertAfterSOI(j, seg []byte) []byte {
	return append(append(append([]byte{}, j[:2]...), seg...), j[2:]...)
}

// TestSyntheticJPEG checks that image/jpeg reads the test's synthetic
// files as the size and kind they claim.
func TestSyntheticJPEG(t *testing.T) {
	for _, tc := range []struct {
		sampling    [][2]int
		progressive bool
		adobe       int
		model       color.Model
	}{
		{[][2]int{{2, 2}, {1, 1}, {1, 1}}, false, -1, color.YCbCrModel},
		{[][2]int{{2, 1}, {1, 1}, {1, 1}}, true, -1, color.YCbCrModel},
		{[][2]int{{1, 1}, {1, 1}, {1, 1}}, true, -1, color.YCbCrModel},
		{[][2]int{{1, 1}, {1, 1}, {1, 1}, {1, 1}}, false, 0, color.CMYKModel},
	} {
		data := syntheticJPEG(333, 250, tc.sampling, tc.progressive, tc.adobe, 6)
		m, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%v progressive=%v: %v", tc.sampling, tc.progressive, err)
			continue
		}
		if m.Bounds() != image.Rect(0, 0, 333, 250) || m.ColorModel() != tc.model {
			t.Errorf("%v progressive=%v: %v %T", tc.sampling, tc.progressive, m.Bounds(), m)
		}
	}
}
