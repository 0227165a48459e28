package generator

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestNoOAuthLeavesNoTrace checks that a bundle without --oauth has no OAuth code, route,
// table or dependency: no file path or line mentions OAuth, OpenID Connect or identities, and
// go.mod requires neither x/oauth2 nor an OIDC module.
func TestNoOAuthLeavesNoTrace(t *testing.T) {
	mention := regexp.MustCompile(`(?i)oauth|oidc|openid|identit(y|ies)_|zitadel|go-jose`)
	for _, passkeys := range []bool{true, false} {
		o := DefaultOptions("Accounts", "User", "users")
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		o.Passkeys = passkeys
		p, err := Build(o, hostWith(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Files {
			if mention.MatchString(f.Path) {
				t.Errorf("without --oauth: writes %s", f.Path)
				continue
			}
			for i, line := range strings.Split(string(f.Data), "\n") {
				if mention.MatchString(line) {
					t.Errorf("without --oauth: %s:%d mentions OAuth: %s", f.Path, i+1, strings.TrimSpace(line))
				}
			}
		}
		if mention.Match(p.GoMod) {
			t.Errorf("without --oauth, go.mod mentions OAuth:\n%s", p.GoMod)
		}
	}
}

// TestOAuthProviders checks --oauth's list: each provider adds its own file, the others are
// not written, and the feature, its tables and modules come with any list.
func TestOAuthProviders(t *testing.T) {
	for _, list := range [][]string{{"github"}, {"google", "oidc"}, {"google", "github", "oidc"}} {
		o := DefaultOptions("Accounts", "User", "users")
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		o.OAuth = list
		p, err := Build(o, hostWith(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(p.Features, "oauth") {
			t.Fatalf("%v: features %v lack oauth", list, p.Features)
		}
		paths := map[string]bool{}
		for _, f := range p.Files {
			paths[f.Path] = true
		}
		for _, name := range OAuthProviders {
			want := slices.Contains(list, name)
			if got := paths["internal/accountsweb/oauth_"+name+".go"]; got != want {
				t.Errorf("%v: writes oauth_%s.go = %v, want %v", list, name, got, want)
			}
		}
		for _, want := range []string{"internal/accounts/oauth.go", "internal/accountsweb/oauth.go", "internal/accountsweb/oauth_op_test.go"} {
			if !paths[want] {
				t.Errorf("%v: %s not written", list, want)
			}
		}
		var migrations int
		for path := range paths {
			if strings.HasSuffix(path, "_create_identities.sql") {
				migrations++
			}
		}
		if migrations != 2 {
			t.Errorf("%v: %d identities migrations, want one per dialect", list, migrations)
		}
		for _, mod := range []string{"golang.org/x/oauth2", "github.com/coreos/go-oidc/v3", "github.com/zitadel/oidc/v3"} {
			if !strings.Contains(string(p.GoMod), mod+" ") {
				t.Errorf("%v: go.mod lacks %s", list, mod)
			}
		}
	}
}

// TestParseOAuthProviders checks the provider list's spelling rules.
func TestParseOAuthProviders(t *testing.T) {
	got, err := ParseOAuthProviders(" oidc,GitHub ")
	if err != nil || strings.Join(got, ",") != "github,oidc" {
		t.Errorf("ParseOAuthProviders: %v, %v; want github,oidc in offering order", got, err)
	}
	for _, bad := range []string{"", ",", "facebook", "github,github"} {
		if _, err := ParseOAuthProviders(bad); err == nil {
			t.Errorf("ParseOAuthProviders(%q) accepted", bad)
		}
	}
}

// TestAddingOAuthOnlyAddsFiles checks that OAuth added to an installed bundle (the default
// one and the one without passkeys) only adds files and changes the feature registry: every
// other file is byte-identical, so gen oauth never rewrites a file the owner may have edited.
func TestAddingOAuthOnlyAddsFiles(t *testing.T) {
	h := hostWith(t, nil)
	for _, passkeys := range []bool{true, false} {
		o := DefaultOptions("Accounts", "User", "users")
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		o.Passkeys = passkeys
		before, err := Build(o, h)
		if err != nil {
			t.Fatal(err)
		}
		o.OAuth = []string{"google", "github", "oidc"}
		after, err := Build(o, h)
		if err != nil {
			t.Fatal(err)
		}
		with := map[string][]byte{}
		for _, f := range after.Files {
			with[f.Path] = f.Data
		}
		for _, f := range before.Files {
			data, ok := with[f.Path]
			switch {
			case !ok:
				t.Errorf("passkeys=%v: %s is gone with OAuth", passkeys, f.Path)
			case f.Path == "internal/accountsweb/features.go":
				if !bytes.Contains(data, []byte("newOAuth(s)")) {
					t.Errorf("passkeys=%v: the registry does not build the OAuth feature", passkeys)
				}
			case !bytes.Equal(data, f.Data):
				t.Errorf("passkeys=%v: %s changes when OAuth is added", passkeys, f.Path)
			}
		}
		if len(after.Files) <= len(before.Files) {
			t.Errorf("passkeys=%v: OAuth adds no files", passkeys)
		}
	}
}
