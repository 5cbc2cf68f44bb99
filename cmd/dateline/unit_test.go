package main

import (
	"os"
	"strings"
	"testing"
)

// TestSystemdUnit: docs/dateline.service parses as an INI-style unit
// and has the keys the README's production section names.
func TestSystemdUnit(t *testing.T) {
	b, err := os.ReadFile("../../docs/dateline.service")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{} // "Section.Key" → the last value
	section := ""
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[':
			if !strings.HasSuffix(line, "]") {
				t.Fatalf("line %d: %q is not a section", i+1, line)
			}
			section = line[1 : len(line)-1]
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" || strings.TrimSpace(k) == "" {
				t.Fatalf("line %d: %q is not KEY=VALUE in a section", i+1, line)
			}
			keys[section+"."+strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for k, want := range map[string]string{
		"Service.DynamicUser":     "yes",
		"Service.ProtectSystem":   "strict",
		"Service.ReadWritePaths":  "/var/lib/dateline",
		"Service.NoNewPrivileges": "yes",
		"Service.StateDirectory":  "dateline",
		"Service.PrivateTmp":      "yes",
		"Install.WantedBy":        "multi-user.target",
	} {
		if keys[k] != want {
			t.Errorf("%s = %q, want %q", k, keys[k], want)
		}
	}
	if !strings.Contains(keys["Service.ExecStart"], "dateline serve") || !strings.Contains(keys["Service.ExecStart"], "--log-format json") {
		t.Errorf("ExecStart = %q", keys["Service.ExecStart"])
	}
}
