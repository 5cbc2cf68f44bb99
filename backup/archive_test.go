package backup

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadArchive feeds the archive reader anything: it returns an error
// or a manifest, never panics, and writes only inside its folder.
func FuzzReadArchive(f *testing.F) {
	var buf bytes.Buffer
	aw := NewWriter(&buf, false, nil)
	aw.AddBytes(DBEntry, []byte("db"))
	aw.AddBytes(MediaPrefix+"a/b.jpg", []byte("jpeg"))
	aw.files = []File{
		{Path: DBEntry, Size: 2, SHA256: "9d2ae5ec4ab4a6c7b4d3d3d3fd4b45e1fd1b0a1b5b3b5b5b3a4b1c1c4d4e5f60"},
	}
	aw.Finish(Manifest{Format: Format})
	f.Add(buf.Bytes())
	var gz bytes.Buffer
	aw = NewWriter(&gz, true, nil)
	aw.AddBytes(DBEntry, []byte("db"))
	aw.Finish(Manifest{Format: Format})
	f.Add(gz.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		outer := t.TempDir()
		stage := filepath.Join(outer, "stage")
		os.Mkdir(stage, 0o755)
		Read(bytes.NewReader(data), stage)
		entries, _ := os.ReadDir(outer)
		if len(entries) != 1 {
			t.Errorf("wrote outside the stage: %v", entries)
		}
	})
}
