package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// vnuJar is the Nu Html Checker from the npm package vnu-jar.
func vnuJar(t *testing.T) (java, jar string) {
	jar = "node_modules/vnu-jar/build/dist/vnu.jar"
	java, err := exec.LookPath("java")
	_, jerr := os.Stat(jar)
	if err != nil || jerr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Nu Html Checker needs java and e2e/%s (./test.sh installs both)", jar)
		}
		t.Skip("java or vnu-jar is missing; ./test.sh installs them")
	}
	return java, jar
}

// TestNuHtmlChecker validates the reader's pages and the newsroom's with
// the Nu Html Checker: no errors allowed.
func TestNuHtmlChecker(t *testing.T) {
	java, jar := vnuJar(t)
	dir := t.TempDir()
	reader := newClient(t, baseURL)
	_, politics := reader.get("/politics")
	article := regexp.MustCompile(`href="(/politics/\d+)"`).FindStringSubmatch(politics)
	if article == nil {
		t.Fatal("no article on /politics")
	}
	pages := map[string]*client{"/": reader, "/news": reader, "/politics": reader, article[1]: reader, "/topics/syrian-conflict": reader,
		"/search?q=Syria": reader, "/search?q=nothingatallhere": reader, "/stories/conflict-in-syria": reader, "/photo/": reader, "/city": reader,
		"/newsroom/login": reader, "/ru/": reader, "/ru/news": reader, "/ru/politika": reader,
		"/currency": reader, "/currency?source=ecb&chart=JPY&days=90": reader}
	editor := newClient(t, baseURL)
	editor.login("editor@example.org", demoPassword)
	for _, p := range []string{"/newsroom/", "/newsroom/articles/new", "/newsroom/articles/1", "/newsroom/articles/1/history",
		"/newsroom/photos", "/newsroom/top", "/newsroom/stories", "/newsroom/galleries", "/newsroom/account"} {
		pages[p] = editor
	}
	admin := newClient(t, baseURL)
	admin.login("admin@example.org", demoPassword)
	for _, p := range []string{"/newsroom/users", "/newsroom/sections", "/newsroom/tokens", "/newsroom/audit"} {
		pages[p] = admin
	}
	files := map[string]string{}
	i := 0
	for p, c := range pages {
		res, body := c.get(p)
		if res.StatusCode != 200 {
			t.Errorf("GET %s: %d", p, res.StatusCode)
			continue
		}
		i++
		f := filepath.Join(dir, fmt.Sprintf("page%02d.html", i))
		os.WriteFile(f, []byte(body), 0o644)
		files[f] = p
	}
	args := []string{"-jar", jar, "--errors-only", "--format", "json"}
	for f := range files {
		args = append(args, f)
	}
	out, _ := exec.Command(java, args...).CombinedOutput() // exit 1 when there are errors
	var report struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int
		}
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu output: %v\n%s", err, out)
	}
	for _, m := range report.Messages {
		if m.Type != "error" {
			continue
		}
		page := files[strings.TrimPrefix(m.URL, "file:")]
		t.Errorf("%s line %d: %s\n  %s", page, m.LastLine, m.Message, m.Extract)
	}
	t.Logf("checked %d pages", len(files))
}
