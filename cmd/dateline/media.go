package main

import (
	"os"

	"dateline"
	"dateline/backup"
	"dateline/internal/mediastore"
)

// openMedia opens the store --media names (mediastore.Open); a bad URL or
// missing credentials are a usage error.
func openMedia(spec, data string) (backup.Media, error) {
	m, err := mediastore.Open(spec, data, os.Getenv)
	if err != nil {
		return nil, usagef("%s", dateline.ErrorMessage(err))
	}
	return m, nil
}
