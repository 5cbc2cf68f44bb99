package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"dateline"
	"dateline/backup"
	"dateline/media"
	"dateline/media/s3media"
)

// mediaHelp is the --media flag's text, the same in every command.
const mediaHelp = "where photo files are kept: a folder, which nodes of a cluster share (default DATA/media), or an S3-compatible bucket, s3://BUCKET/PREFIX?endpoint=HOST:PORT&region=REGION&insecure=1 (endpoint default s3.amazonaws.com; https unless insecure=1), with the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (env DATELINE_MEDIA)"

// openMedia opens the store --media names: an s3:// URL or a folder, by
// default DATA/media. A bad URL or missing credentials are a usage error;
// nothing is sent to a bucket yet.
func openMedia(spec, data string) (backup.Media, error) {
	if strings.HasPrefix(spec, "s3:") {
		s, err := s3media.Open(spec, os.Getenv)
		if err != nil {
			return nil, usagef("%s", dateline.ErrorMessage(err))
		}
		return s, nil
	}
	if strings.Contains(spec, "://") {
		return nil, usagef("--media must be a folder or s3://BUCKET/PREFIX?endpoint=HOST:PORT, not %q", spec)
	}
	if spec == "" {
		spec = filepath.Join(data, "media")
	}
	return media.Dir{Root: spec}, nil
}

// checkMedia asks a bucket whether it is there when a node starts: a
// missing bucket or refused credentials stop the start, with the reason;
// a store that does not answer only warns, since pages are served
// without their photos until it is back.
func checkMedia(ctx context.Context, m dateline.Media, log *slog.Logger) error {
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
