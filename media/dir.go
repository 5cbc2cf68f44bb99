// Package media keeps photo files in a folder, which the nodes of a
// cluster may share.
package media

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"dateline"
)

// Dir is a folder of media files. It implements dateline.Media.
type Dir struct{ Root string }

var _ dateline.Media = Dir{}

func (d Dir) path(p string) (string, error) {
	if !dateline.ValidMediaPath(p) {
		return "", dateline.Errorf(dateline.EINVALID, "The media path %q is not allowed.", p)
	}
	return filepath.Join(d.Root, filepath.FromSlash(p)), nil
}

// Put writes the file beside its final name and renames it into place, so
// that no node ever serves half a file.
func (d Dir) Put(ctx context.Context, p string, r io.Reader) error {
	full, err := d.path(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(full), ".put-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	os.Chmod(f.Name(), 0o644)
	return os.Rename(f.Name(), full)
}

type file struct {
	*os.File
	mod time.Time
}

func (f file) ModTime() time.Time { return f.mod }

// Get opens the file. Returns ENOTFOUND when there is none.
func (d Dir) Get(ctx context.Context, p string) (dateline.MediaFile, error) {
	full, err := d.path(p)
	if err != nil {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No such file.")
	}
	f, err := os.Open(full)
	if err != nil {
		if requestMade(err) {
			return nil, dateline.Errorf(dateline.ENOTFOUND, "No such file.")
		}
		return nil, err
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No such file.")
	}
	return file{f, st.ModTime()}, nil
}

// Exists reports whether a file is stored at p.
func (d Dir) Exists(ctx context.Context, p string) (bool, error) {
	full, err := d.path(p)
	if err != nil {
		return false, err
	}
	st, err := os.Stat(full)
	if requestMade(err) {
		return false, nil
	}
	return err == nil && !st.IsDir(), err
}

// requestMade reports whether opening a file failed because of the path
// asked for, which a reader may write as they like, rather than because of
// the server: the name does not exist, a segment of it is a file and not a
// folder ("demo/a.jpg/x"), a segment is longer than the file system allows
// (most allow 255 bytes), or the path is otherwise not one the system can
// name. All of these mean there is no such file. A permission or I/O error
// is the server's and stays an error.
func requestMade(err error) bool {
	return errors.Is(err, fs.ErrNotExist) ||
		errors.Is(err, syscall.ENOTDIR) ||
		errors.Is(err, syscall.ENAMETOOLONG) ||
		errors.Is(err, syscall.EISDIR) ||
		errors.Is(err, syscall.ELOOP) ||
		errors.Is(err, syscall.EINVAL)
}

// List calls fn with the path and size of every file in the folder, in
// lexical order, and stops at fn's first error. Files of a Put under way
// are not listed, nor files under paths Put refuses (put there by other
// hands: dateline can neither have stored nor serve them). A folder that
// does not exist holds no files.
func (d Dir) List(ctx context.Context, fn func(p string, size int64) error) error {
	return filepath.WalkDir(d.Root, func(full string, e fs.DirEntry, err error) error {
		if err != nil {
			if full == d.Root && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".put-") {
			return ctx.Err()
		}
		rel, err := filepath.Rel(d.Root, full)
		if err != nil {
			return err
		}
		p := filepath.ToSlash(rel)
		if !dateline.ValidMediaPath(p) {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		return fn(p, info.Size())
	})
}

// Remove deletes the file at p; a missing one is no error.
func (d Dir) Remove(ctx context.Context, p string) error {
	full, err := d.path(p)
	if err != nil {
		return err
	}
	if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
