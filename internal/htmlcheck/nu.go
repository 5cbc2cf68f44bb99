package htmlcheck

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Nu validates pages (name: HTML) with the Nu Html Checker, vnu-jar from
// npm in e2e/node_modules (test.sh installs it and java): every error
// fails the test. Without java or the jar the check is skipped with a
// log line, and fails with CI=true.
func Nu(t testing.TB, pages map[string][]byte) {
	t.Helper()
	jar := filepath.Join(moduleRoot(), "e2e", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	java, err := exec.LookPath("java")
	_, jerr := os.Stat(jar)
	if err != nil || jerr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Nu Html Checker needs java and %s (./test.sh installs both)", jar)
		}
		t.Log("java or vnu-jar is missing; the HTML is not validated (./test.sh installs them)")
		return
	}
	dir := t.TempDir()
	args := []string{"-jar", jar, "--errors-only", "--format", "json"}
	names := map[string]string{}
	for name, b := range pages {
		f := filepath.Join(dir, "page"+string(rune('a'+len(names)))+".html")
		if err := os.WriteFile(f, b, 0o644); err != nil {
			t.Fatal(err)
		}
		names["file:"+f] = name
		args = append(args, f)
	}
	out, _ := exec.Command(java, args...).CombinedOutput() // exit 1 when there are errors
	var report struct {
		Messages []struct{ Type, URL, Message, Extract string }
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, out)
	}
	for _, m := range report.Messages {
		t.Errorf("Nu Html Checker, %s: %s: %s (%q)", names[m.URL], m.Type, m.Message, m.Extract)
	}
}

// moduleRoot is the folder of go.mod above the working directory (a
// test's package folder).
func moduleRoot() string {
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}
