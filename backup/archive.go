// Package backup reads and writes the archive "dateline backup" makes and
// "dateline restore" reads: the database as an SQLite file, the media and a
// manifest with every file's size and SHA-256.
package backup

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"dateline"
)

// A backup archive is a tar file, gzipped when its name ends in .gz or
// .tgz, holding the database as an SQLite file (DBEntry), the media files
// under media/, then the Manifest (ManifestEntry) and the SHA-256 of the
// Manifest's bytes (ManifestSumEntry). The Manifest comes last so the
// archive is written in one pass; a reader extracts into a staging folder
// and trusts nothing before the end.
const (
	Format           = 1
	DBEntry          = "dateline.db"
	MediaPrefix      = "media/"
	ManifestEntry    = "manifest.json"
	ManifestSumEntry = "manifest.json.sha256"
)

// Manifest describes a backup.
type Manifest struct {
	Format   int              `json:"format"`
	Dateline string           `json:"dateline"`
	Engine   string           `json:"engine"` // the engine backed up: sqlite or postgres
	Created  time.Time        `json:"created"`
	Tables   map[string]int64 `json:"tables"` // rows per table
	Files    []File           `json:"files"`
}

// File is one file of the archive with its size and SHA-256.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Writer writes the entries of a backup and notes their checksums.
type Writer struct {
	tw    *tar.Writer
	gz    *gzip.Writer
	files []File
	done  func(n int64) // called with the bytes of each chunk written
}

func NewWriter(w io.Writer, gz bool, done func(int64)) *Writer {
	a := &Writer{done: done}
	if gz {
		a.gz = gzip.NewWriter(w)
		w = a.gz
	}
	a.tw = tar.NewWriter(w)
	return a
}

// AddFile copies the file at src into the archive as name, size bytes of
// it: a file that changed size meanwhile is an error, not a short entry.
func (a *Writer) AddFile(name, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := a.AddReader(name, f, st.Size(), st.ModTime()); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	return nil
}

// AddReader copies size bytes of r into the archive as name: fewer is an
// error, not a short entry.
func (a *Writer) AddReader(name string, r io.Reader, size int64, mod time.Time) error {
	hdr := &tar.Header{Name: name, Mode: 0o644, Size: size, ModTime: mod, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.CopyN(io.MultiWriter(a.tw, h, progressWriter(a.done)), r, size)
	if err != nil {
		return fmt.Errorf("%w (%d of %d bytes)", err, n, size)
	}
	a.files = append(a.files, File{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
	return nil
}

// AddBytes writes b as the entry name without listing it in the manifest
// (the manifest and its sum are such entries); List lists one.
func (a *Writer) AddBytes(name string, b []byte) error {
	if err := a.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: time.Now(), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
		return err
	}
	_, err := a.tw.Write(b)
	return err
}

// List adds f to the files the manifest lists.
func (a *Writer) List(f File) { a.files = append(a.files, f) }

// Finish writes the Manifest, with the files added so far, and its sum.
func (a *Writer) Finish(m Manifest) error {
	m.Files = a.files
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	if err := a.AddBytes(ManifestEntry, b); err != nil {
		return err
	}
	if err := a.AddBytes(ManifestSumEntry, []byte(hex.EncodeToString(sum[:])+"\n")); err != nil {
		return err
	}
	if err := a.tw.Close(); err != nil {
		return err
	}
	if a.gz != nil {
		return a.gz.Close()
	}
	return nil
}

type progressWriter func(int64)

func (p progressWriter) Write(b []byte) (int, error) {
	if p != nil {
		p(int64(len(b)))
	}
	return len(b), nil
}

// Errorf is every fault of an archive's content: one line, and the
// restore stops before the target is touched.
func Errorf(format string, args ...any) error {
	return dateline.Errorf(dateline.EINVALID, "The archive is damaged or not a dateline backup: "+format+".", args...)
}

// Read extracts an archive into the folder stage (which must
// exist), the database to stage/dateline.db and media files under
// stage/media, verifying as it goes that every entry is a plain file with
// a safe name, listed once, and at the end that the Manifest is intact, of
// a format this dateline reads, and that every file it lists was seen with
// its size and SHA-256 and no other. Nothing outside stage is written.
func Read(r io.Reader, stage string) (*Manifest, error) {
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, Errorf("%v", err)
		}
		defer gz.Close()
		r = gz
	} else {
		r = br
	}
	tr := tar.NewReader(r)
	seen := map[string]File{}
	var mb, sumLine []byte
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, Errorf("%v", err)
		}
		name := hdr.Name
		if hdr.Typeflag != tar.TypeReg {
			return nil, Errorf("%q is not a plain file", name)
		}
		if hdr.Size < 0 {
			return nil, Errorf("%q has a negative size", name)
		}
		if mb != nil && name != ManifestSumEntry || sumLine != nil {
			return nil, Errorf("%q comes after the Manifest", name)
		}
		switch {
		case name == ManifestEntry || name == ManifestSumEntry:
			if hdr.Size > 64<<20 {
				return nil, Errorf("the Manifest is %d bytes", hdr.Size)
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, Errorf("%s: %v", name, err)
			}
			if name == ManifestEntry {
				mb = b
			} else {
				if mb == nil {
					return nil, Errorf("the Manifest's checksum comes before it")
				}
				sumLine = b
			}
			continue
		case name == DBEntry, strings.HasPrefix(name, MediaPrefix) && safeName(strings.TrimPrefix(name, MediaPrefix)):
		default:
			return nil, Errorf("unexpected entry %q", name)
		}
		if _, dup := seen[name]; dup {
			return nil, Errorf("%q is in the archive twice", name)
		}
		dst := filepath.Join(stage, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, h), tr)
		if cerr := f.Close(); err == nil && cerr != nil {
			return nil, cerr
		}
		if err != nil {
			return nil, Errorf("%s: %v", name, err)
		}
		seen[name] = File{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	}
	if mb == nil || sumLine == nil {
		return nil, Errorf("it has no Manifest (is it cut short?)")
	}
	sum := sha256.Sum256(mb)
	if strings.TrimSpace(string(sumLine)) != hex.EncodeToString(sum[:]) {
		return nil, Errorf("the Manifest does not match its checksum")
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, Errorf("Manifest: %v", err)
	}
	if m.Format != Format {
		return nil, dateline.Errorf(dateline.EINVALID, "The archive is backup format %d; this dateline reads format %d.", m.Format, Format)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		got, ok := seen[f.Path]
		if !ok || listed[f.Path] {
			return nil, Errorf("%q is missing", f.Path)
		}
		listed[f.Path] = true
		if got.Size != f.Size || got.SHA256 != f.SHA256 {
			return nil, Errorf("%q does not match its checksum", f.Path)
		}
	}
	if len(listed) != len(seen) {
		return nil, Errorf("it holds files its Manifest does not list")
	}
	if !listed[DBEntry] {
		return nil, Errorf("it has no database")
	}
	return &m, nil
}

// safeName reports whether a media path is relative, clean and stays
// inside the folder.
func safeName(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && path.Clean(p) == p && p != "." && !strings.HasPrefix(p, "../") && p != ".." &&
		!strings.Contains(p, "\\") && !strings.Contains(p, "\x00")
}
