package dateline

import (
	"context"
	"io"
	"strings"
	"time"
)

// Media stores photo files by a relative path such as "demo/3f2a.jpg". On
// one machine it is a folder; nodes of a cluster share one folder (a network
// mount), and an S3-compatible bucket can implement it the same way.
type Media interface {
	// Put stores the file at path whole, replacing any: readers never see
	// half a file. Returns EINVALID for a path that is not allowed.
	Put(ctx context.Context, path string, r io.Reader) error
	// Get opens the file. Returns ENOTFOUND when there is none.
	Get(ctx context.Context, path string) (MediaFile, error)
	// Exists reports whether a file is stored at path.
	Exists(ctx context.Context, path string) (bool, error)
}

// MediaFile is an open stored file.
type MediaFile interface {
	io.ReadSeekCloser
	ModTime() time.Time
}

// ValidMediaPath reports whether p is a relative path of plain segments:
// no "..", no leading slash, no empty segment, no NUL or backslash.
func ValidMediaPath(p string) bool {
	if p == "" || len(p) > 512 || strings.ContainsAny(p, "\x00\\") || strings.HasPrefix(p, "/") {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
