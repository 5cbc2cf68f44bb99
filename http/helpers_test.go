package http_test

import (
	"os"
	"testing"

	"dateline/internal/htmlcheck"
)

var (
	tempDirs      []string
	finalCleanups []func()
)

func osMkdirTemp() (string, error) {
	dir, err := os.MkdirTemp("", "dateline-http-test-")
	if err == nil {
		tempDirs = append(tempDirs, dir)
	}
	return dir, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(finalCleanups) - 1; i >= 0; i-- {
		finalCleanups[i]()
	}
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

func parse(b []byte) *htmlcheck.Doc { return htmlcheck.Parse(b) }
