package generator

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sigra-go/sigra-install/templates"
)

// TestFeaturesInDependencyOrder checks that every feature comes after the features it
// requires, so the registry lists each after the ones it builds on.
func TestFeaturesInDependencyOrder(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range Features {
		if r, ok := f.(Requirer); ok {
			for _, dep := range r.Requires() {
				if !seen[dep] {
					t.Errorf("feature %s requires %s, which does not come before it in Features", f.Name(), dep)
				}
			}
		}
		seen[f.Name()] = true
	}
}

// TestCoreTemplatesTestNoFeatureFlag keeps the extension-point rule: the templates of the
// always-on units (core, mfa, server) never test an optional feature's flag; an optional
// feature reaches them only through seams. The key type (.BinaryID) is a type choice and may
// be tested anywhere.
func TestCoreTemplatesTestNoFeatureFlag(t *testing.T) {
	flag := regexp.MustCompile(`\.(Passkeys|Orgs|Admin|API|JWT|OAuth)\b`)
	for _, dir := range []string{"core", "mfa", "server"} {
		err := fs.WalkDir(templates.FS, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			src, err := fs.ReadFile(templates.FS, p)
			if err != nil {
				return err
			}
			for i, line := range strings.Split(string(src), "\n") {
				if flag.MatchString(line) {
					t.Errorf("%s:%d tests a feature flag: %s", p, i+1, strings.TrimSpace(line))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestAddingAFeatureOnlyAddsFiles builds the minimal and the default bundle against the same
// host: every file of the minimal plan must be byte-identical in the default plan, except the
// feature registry, so that turning a feature on later creates files and rewrites only the
// registry, never a file the owner may have edited.
func TestAddingAFeatureOnlyAddsFiles(t *testing.T) {
	h := hostWith(t, nil)
	o := DefaultOptions("Accounts", "User", "users")
	o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	full, err := Build(o, h)
	if err != nil {
		t.Fatal(err)
	}
	o.Passkeys, o.Orgs, o.Admin = false, false, false
	minimal, err := Build(o, h)
	if err != nil {
		t.Fatal(err)
	}
	inFull := map[string][]byte{}
	for _, f := range full.Files {
		inFull[f.Path] = f.Data
	}
	registry := "internal/accountsweb/features.go"
	added := len(full.Files) - len(minimal.Files)
	for _, f := range minimal.Files {
		data, ok := inFull[f.Path]
		switch {
		case !ok:
			t.Errorf("%s is in the minimal bundle but not in the default one", f.Path)
		case f.Path == registry:
			if bytes.Equal(data, f.Data) {
				t.Errorf("the registry is the same with and without passkeys")
			}
		case !bytes.Equal(data, f.Data):
			t.Errorf("%s differs between the minimal and the default bundle: enabling a feature would rewrite it", f.Path)
		}
	}
	if added <= 0 {
		t.Errorf("the default bundle adds no files to the minimal one")
	}
}

// TestRegistryListsEnabledFeatures checks the generated registry: the constructors of the
// enabled web features, in dependency order, and nothing else.
func TestRegistryListsEnabledFeatures(t *testing.T) {
	h := hostWith(t, nil)
	o := DefaultOptions("Identity", "Member", "members")
	for _, c := range []struct {
		passkeys, admin bool
		want            []string
	}{
		{true, true, []string{"newMFA(s)", "newPasskeys(s)", "newOrgs(s)", "newAdmin(s)"}},
		{false, true, []string{"newMFA(s)", "newOrgs(s)", "newAdmin(s)"}},
		{false, false, []string{"newMFA(s)", "newOrgs(s)"}},
	} {
		o.Passkeys, o.Admin = c.passkeys, c.admin
		p, err := Build(o, h)
		if err != nil {
			t.Fatal(err)
		}
		var reg []byte
		for _, f := range p.Files {
			if f.Path == "internal/identityweb/features.go" {
				reg = f.Data
			}
		}
		if !bytes.HasPrefix(reg, []byte(RegistryProvenance)) || !bytes.Contains(reg, []byte("package identityweb")) {
			t.Fatalf("registry header or package wrong:\n%s", reg)
		}
		got := regexp.MustCompile(`new[A-Za-z]+\(s\)`).FindAllString(string(reg), -1)
		if strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("passkeys=%v admin=%v: registry calls %v, want %v", c.passkeys, c.admin, got, c.want)
		}
	}
}

// TestMissingRequiredFeatureIsRefused swaps in a feature list where passkeys come without
// MFA: the plan must be refused rather than generate code that cannot compile.
func TestMissingRequiredFeatureIsRefused(t *testing.T) {
	saved := Features
	t.Cleanup(func() { Features = saved })
	Features = []Feature{coreFeature{}, passkeysFeature{}, serverFeature{}}
	_, err := Build(DefaultOptions("Accounts", "User", "users"), hostWith(t, nil))
	if err == nil || !strings.Contains(err.Error(), "passkeys needs mfa") {
		t.Fatalf("want a refusal naming the missing feature, got %v", err)
	}
}
