package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"dateline"
)

// Media is a photo store that a backup reads whole and a restore fills: a
// folder (media.Dir) or a bucket (s3media.Store).
type Media interface {
	dateline.Media
	// List calls fn with the path and size of every file, stopping at
	// fn's first error.
	List(ctx context.Context, fn func(p string, size int64) error) error
	// Remove deletes a file; a missing one is no error.
	Remove(ctx context.Context, p string) error
}

// ListMedia returns every file of m with its size (SHA256 empty).
func ListMedia(ctx context.Context, m Media) ([]File, error) {
	var files []File
	err := m.List(ctx, func(p string, size int64) error {
		files = append(files, File{Path: p, Size: size})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	return files, nil
}

// AddMedia copies the files of m, as ListMedia listed them, into the
// archive under media/. A file whose size changed since is an error.
func (a *Writer) AddMedia(ctx context.Context, m Media, files []File) error {
	for _, f := range files {
		r, err := m.Get(ctx, f.Path)
		if err != nil {
			return fmt.Errorf("media %s: %w", f.Path, err)
		}
		err = a.AddReader(MediaPrefix+f.Path, r, f.Size, r.ModTime())
		r.Close()
		if err != nil {
			return fmt.Errorf("media %s: %w", f.Path, err)
		}
	}
	return nil
}

// CheckEmpty refuses a store that holds any file, as a restore's target.
func CheckEmpty(ctx context.Context, m Media, name string) error {
	errFull := dateline.Errorf(dateline.ECONFLICT, "The media store %s is not empty; restore into an empty one.", name)
	err := m.List(ctx, func(string, int64) error { return errFull })
	if errors.Is(err, errFull) {
		return err
	}
	if err != nil {
		return fmt.Errorf("--media %s: %w", name, err)
	}
	return nil
}

// PutMedia stores every file under dir (a restore's staged media folder)
// in m, calling done with the bytes of each, and returns their paths.
// When one fails, the files stored before it are removed again, so the
// store is as empty as it was.
func PutMedia(ctx context.Context, dir string, m Media, done func(int64)) (put []string, err error) {
	defer func() {
		if err != nil {
			RemoveMedia(context.WithoutCancel(ctx), m, put)
			put = nil
		}
	}()
	err = filepath.WalkDir(dir, func(full string, e fs.DirEntry, err error) error {
		if err != nil {
			if full == dir && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir // an archive without photos
			}
			return err
		}
		if !e.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, full)
		if err != nil {
			return err
		}
		f, err := os.Open(full)
		if err != nil {
			return err
		}
		defer f.Close()
		p := filepath.ToSlash(rel)
		if err := m.Put(ctx, p, f); err != nil {
			return fmt.Errorf("media %s: %w", p, err)
		}
		put = append(put, p)
		if info, err := e.Info(); err == nil && done != nil {
			done(info.Size())
		}
		return nil
	})
	return put, err
}

// RemoveMedia removes the files of paths from m, as far as it can.
func RemoveMedia(ctx context.Context, m Media, paths []string) {
	for _, p := range paths {
		m.Remove(ctx, p)
	}
}

// MediaSize is the bytes of the media files the Manifest lists.
func (m *Manifest) MediaSize() int64 {
	var n int64
	for _, f := range m.Files {
		if strings.HasPrefix(f.Path, MediaPrefix) {
			n += f.Size
		}
	}
	return n
}
