package mail

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// checkHTML validates an HTML body with the Nu Html Checker (vnu-jar from
// npm in e2e/node_modules, which test.sh installs): no errors allowed.
func checkHTML(t *testing.T, html string) {
	t.Helper()
	jar := filepath.Join("..", "e2e", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	java, err := exec.LookPath("java")
	_, jerr := os.Stat(jar)
	if err != nil || jerr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Nu Html Checker needs java and %s (./test.sh installs both)", jar)
		}
		t.Log("java or vnu-jar is missing; the HTML is not validated (./test.sh installs them)")
		return
	}
	f := filepath.Join(t.TempDir(), "message.html")
	if err := os.WriteFile(f, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(java, "-jar", jar, "--errors-only", "--format", "json", f).CombinedOutput()
	var report struct {
		Messages []struct{ Type, Message, Extract string }
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, out)
	}
	for _, m := range report.Messages {
		t.Errorf("Nu Html Checker: %s: %s (%q)", m.Type, m.Message, m.Extract)
	}
}
