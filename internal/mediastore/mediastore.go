// Package mediastore opens the photo store a --media flag names: a folder
// (media.Dir) or an S3-compatible bucket (s3media.Store).
package mediastore

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"

	"dateline"
	"dateline/backup"
	"dateline/media"
	"dateline/media/s3media"
)

// FlagHelp is the --media flag's text, the same in every command.
const FlagHelp = "where photo files are kept: a folder, which nodes of a cluster share (default DATA/media), or an S3-compatible bucket, s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=REGION&insecure=1 (endpoint default s3.amazonaws.com; https unless insecure=1), with the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (env DATELINE_MEDIA)"

// Open opens the store spec names: an s3:// URL, with the credentials
// getenv gives (see s3media.Open), or a folder, by default DATA/media.
// Returns EINVALID with a one-line message for a bad URL or missing
// credentials; nothing is sent to a bucket yet.
func Open(spec, data string, getenv func(string) string) (backup.Media, error) {
	if strings.HasPrefix(spec, "s3:") {
		return s3media.Open(spec, getenv)
	}
	if strings.Contains(spec, "://") {
		return nil, dateline.Errorf(dateline.EINVALID, "--media must be a folder or s3://BUCKET/PREFIX?endpoint=HOST:PORT, not %q", spec)
	}
	if spec == "" {
		spec = filepath.Join(data, "media")
	}
	return media.Dir{Root: spec}, nil
}

// Check asks a bucket whether it is there when a node starts: a missing
// bucket or refused credentials are an error, with the reason; a store
// that does not answer only warns, since pages are served without their
// photos until it is back. A folder is not checked.
func Check(ctx context.Context, m dateline.Media, log *slog.Logger) error {
	s, ok := m.(*s3media.Store)
	if !ok {
		return nil
	}
	err := s.Check(ctx)
	switch dateline.ErrorCode(err) {
	case "":
		log.Info("photos in an S3 bucket", "media", s.String())
		return nil
	case dateline.EUNAVAILABLE:
		log.Warn("the photo store is not answering; pages are served without photos until it is", "media", s.String(), "err", err)
		return nil
	}
	return err
}
