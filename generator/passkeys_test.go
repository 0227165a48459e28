package generator

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNoPasskeysLeavesNoTrace checks that --no-passkeys output has no passkey code, route,
// table, script or dependency: no file path or line mentions passkeys or WebAuthn, and go.mod
// does not require go-webauthn.
func TestNoPasskeysLeavesNoTrace(t *testing.T) {
	mention := regexp.MustCompile(`(?i)passkey|webauthn`)
	for _, args := range [][3]string{{"Accounts", "User", "users"}, {"Identity", "Member", "members"}} {
		o := DefaultOptions(args[0], args[1], args[2])
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		o.Passkeys = false
		p, err := Build(o, hostWith(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Files {
			if mention.MatchString(f.Path) {
				t.Errorf("--no-passkeys writes %s", f.Path)
				continue
			}
			for i, line := range strings.Split(string(f.Data), "\n") {
				if mention.MatchString(line) {
					t.Errorf("--no-passkeys: %s:%d mentions passkeys: %s", f.Path, i+1, strings.TrimSpace(line))
				}
			}
		}
		for _, r := range p.Requires {
			if mention.MatchString(r.Path) {
				t.Errorf("--no-passkeys requires %s", r.Path)
			}
		}
		if mention.Match(p.GoMod) {
			t.Errorf("--no-passkeys go.mod mentions WebAuthn:\n%s", p.GoMod)
		}
	}
}

// TestPasskeysByDefault checks the default bundle carries the passkey feature: its routes,
// tables in both dialects, the script, and the go-webauthn requirement.
func TestPasskeysByDefault(t *testing.T) {
	o := DefaultOptions("Accounts", "User", "users")
	o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p, err := Build(o, hostWith(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range p.Files {
		files[f.Path] = string(f.Data)
	}
	for _, want := range []string{
		"internal/accounts/passkey_webauthn.go",
		"internal/accountsweb/passkeys.go",
		"internal/accountsweb/assets/passkeys.js",
		"internal/accountsweb/templates/passkeys.html",
		"migrations/sqlite/20260102030445_create_passkeys.sql",
		"migrations/postgres/20260102030445_create_passkeys.sql",
	} {
		if _, ok := files[want]; !ok {
			t.Errorf("default bundle lacks %s", want)
		}
	}
	if !strings.Contains(files["internal/accountsweb/features.go"], "newPasskeys(s)") {
		t.Error("the feature registry does not build the passkeys feature")
	}
	if !strings.Contains(string(p.GoMod), "github.com/go-webauthn/webauthn v0.18.2") {
		t.Errorf("go.mod does not require go-webauthn v0.18.2:\n%s", p.GoMod)
	}
}
