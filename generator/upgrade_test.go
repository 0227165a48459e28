package generator

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// upgradeFixture installs the minimal templates as release 0.0.9 (whose user.go said "one
// account" and which had a gone.go that 0.1.0 dropped) and returns the host files it wrote,
// with its manifest.
func upgradeFixture(t *testing.T) map[string]string {
	t.Helper()
	old := miniTemplates(map[string]string{
		"core/internal/__context__/user.go.tmpl": "{{.Provenance}}\npackage {{.Pkg}}\n\n// User is one account.\ntype User struct{}\n\n// Name is shown.\nfunc (User) Name() string { return \"\" }\n",
		"core/internal/__context__/gone.go.tmpl": "{{.Provenance}}\npackage {{.Pkg}}\n\n// Gone is dropped by 0.1.0.\ntype Gone struct{}\n",
	})
	p, err := buildWith(miniOptions(false), hostWith(t, nil), old)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{ManifestPath: string(NewManifest(p, "0.0.9").Marshal())}
	for _, f := range p.Files {
		files[f.Path] = string(f.Data)
	}
	return files
}

// newTemplates is release 0.1.0 of the minimal templates: user.go's comment reworded, an
// extra.go added, gone.go dropped.
func newTemplates() map[string]string {
	return map[string]string{
		"core/internal/__context__/user.go.tmpl":  "{{.Provenance}}\npackage {{.Pkg}}\n\n// User is one account of the app.\ntype User struct{}\n\n// Name is shown.\nfunc (User) Name() string { return \"\" }\n",
		"core/internal/__context__/extra.go.tmpl": "{{.Provenance}}\npackage {{.Pkg}}\n\n// Extra is new in 0.1.0.\ntype Extra struct{}\n",
	}
}

func planUpgrade(t *testing.T, files map[string]string, history func(string, string) ([]byte, bool)) *Upgrade {
	t.Helper()
	h := hostWith(t, files)
	p, err := buildWith(h.Manifest.InstallOptions(testNow), h, miniTemplates(newTemplates()))
	if err != nil {
		t.Fatal(err)
	}
	u, err := PlanUpgrade(p, h, UpgradeOptions{Version: "0.1.0", History: history})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func item(items []UpgradeItem, path string) (UpgradeItem, bool) {
	for _, it := range items {
		if it.Path == path {
			return it, true
		}
	}
	return UpgradeItem{}, false
}

func written(u *Upgrade, path string) (string, bool) {
	for _, a := range u.Writes {
		if a.Path == path {
			return string(a.Data), true
		}
	}
	return "", false
}

// TestPlanUpgradeBaseFromHistory: the owner's edit of user.go merges with the release's
// change when the history holds the base, which must hash to what the manifest records.
func TestPlanUpgradeBaseFromHistory(t *testing.T) {
	files := upgradeFixture(t)
	const user = "internal/accounts/user.go"
	base := files[user]
	files[user] = strings.Replace(base, "// Name is shown.", "// Name is shown on the owner's pages.", 1)
	asked := 0
	history := func(path, sum string) ([]byte, bool) {
		asked++
		if path != user {
			t.Errorf("history asked for %s", path)
		}
		return []byte(base), true
	}
	u := planUpgrade(t, files, history)
	if _, ok := item(u.Merged, user); !ok || asked != 1 {
		t.Fatalf("user.go not merged (history asked %d times): %+v", asked, u)
	}
	got, _ := written(u, user)
	if !strings.Contains(got, "// User is one account of the app.") || !strings.Contains(got, "on the owner's pages") || HasConflictMarkers([]byte(got)) {
		t.Errorf("merged user.go:\n%s", got)
	}
	// The base of the next upgrade is what 0.1.0 generated, kept beside the manifest.
	if kept, ok := written(u, BaseDir+"/"+user); !ok || strings.Contains(kept, "owner") || !strings.Contains(kept, "one account of the app") {
		t.Errorf("base copy: %q, %v", kept, ok)
	}
	if u.Blocked() {
		t.Errorf("blocked: %+v", u.Attention)
	}

	// A history that returns other bytes (a different revision) is not taken for the base.
	u = planUpgrade(t, files, func(string, string) ([]byte, bool) { return []byte("something else\n"), true })
	if it, ok := item(u.Attention, user); !ok || !it.Blocking || !strings.Contains(it.Note, "neither in .sigra-install/base nor in git history") {
		t.Errorf("with a wrong base: %+v", u.Attention)
	}
}

// TestPlanUpgradeWithoutBase: with no base anywhere, each difference is a conflict, and both
// the owner's lines and the release's are in the file.
func TestPlanUpgradeWithoutBase(t *testing.T) {
	files := upgradeFixture(t)
	const user = "internal/accounts/user.go"
	files[user] = strings.Replace(files[user], "// Name is shown.", "// Name is shown on the owner's pages.", 1)
	u := planUpgrade(t, files, nil)
	it, ok := item(u.Attention, user)
	if !ok || !it.Blocking || !strings.Contains(it.Note, "each of the 2 difference(s) is marked") {
		t.Fatalf("attention: %+v", u.Attention)
	}
	got, _ := written(u, user)
	for _, want := range []string{"<<<<<<< yours\n", "// User is one account.\n", "// User is one account of the app.\n", "on the owner's pages", ">>>>>>> sigra-install 0.1.0\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("conflicted user.go lacks %q:\n%s", want, got)
		}
	}
}

// TestPlanUpgradeLeavesAlone: a file the owner deleted, a file of the owner's where the new
// release puts one, an edited migration, and a file the release no longer generates are all
// left as they are and listed; only the owner's file at a new path blocks.
func TestPlanUpgradeLeavesAlone(t *testing.T) {
	files := upgradeFixture(t)
	delete(files, "internal/accounts/totp.go")
	// (It carries the provenance line, as a file copied from another install would.)
	files["internal/accounts/extra.go"] = Provenance + "\npackage accounts\n\n// Extra is the owner's own.\ntype Extra int\n"
	const migration = "migrations/sqlite/20260102030405_create_users_auth.sql"
	files[migration] += "-- the owner's note\n"
	u := planUpgrade(t, files, nil)

	for path, want := range map[string]string{
		"internal/accounts/totp.go":  "deleted by you: not restored",
		"internal/accounts/extra.go": "not written by sigra-install",
		migration:                    "a migration may have run, so it is never edited",
		"internal/accounts/gone.go":  "no longer generates it: left in place",
	} {
		it, ok := item(u.Attention, path)
		if !ok || !strings.Contains(it.Note, want) {
			t.Errorf("%s: %+v, want a note with %q", path, it, want)
		}
		if it.Blocking != (path == "internal/accounts/extra.go") {
			t.Errorf("%s: blocking = %v", path, it.Blocking)
		}
		if _, ok := written(u, path); ok {
			t.Errorf("%s is written", path)
		}
	}
	if !u.Blocked() {
		t.Error("an owner's file where the release writes one must block")
	}
	m, err := ParseManifest(u.Manifest.Data)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Files["internal/accounts/extra.go"]; ok {
		t.Error("the owner's extra.go is recorded as generated")
	}
	if _, ok := m.Files["internal/accounts/gone.go"]; ok {
		t.Error("gone.go is still recorded")
	}
	if _, ok := m.Files["internal/accounts/totp.go"]; !ok {
		t.Error("the deleted totp.go is no longer recorded, so a later run would create it again")
	}
}

func TestCheckUpgradeVersion(t *testing.T) {
	if err := CheckUpgradeVersion("0.0.9", "0.1.0"); err != nil {
		t.Errorf("0.0.9 -> 0.1.0: %v", err)
	}
	if err := CheckUpgradeVersion("0.1.0", "0.1.0"); err != nil {
		t.Errorf("0.1.0 -> 0.1.0: %v", err)
	}
	var de *DowngradeError
	if err := CheckUpgradeVersion("0.10.0", "0.9.0"); !errors.As(err, &de) {
		t.Errorf("0.10.0 -> 0.9.0: %v, want a DowngradeError", err)
	}
	var he *HostError
	if err := CheckUpgradeVersion("latest", "0.1.0"); !errors.As(err, &he) {
		t.Errorf("latest -> 0.1.0: %v, want a HostError", err)
	}
}

// TestInstallOptionsRoundTrip: every option a run records in the manifest comes back out of
// InstallOptions, so upgrade regenerates the install that was made. It sets every field of
// Options by reflection, so a field added later (a feature's flag) fails it until both
// NewManifest and InstallOptions carry it. The operation flags are not recorded.
func TestInstallOptionsRoundTrip(t *testing.T) {
	notRecorded := map[string]bool{"BumpGo": true, "Main": true, "Now": true}
	var o Options
	v := reflect.ValueOf(&o).Elem()
	for i := range v.NumField() {
		name, f := v.Type().Field(i).Name, v.Field(i)
		if notRecorded[name] {
			continue
		}
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
		case reflect.String:
			f.SetString(name + "Value")
		case reflect.Slice:
			if f.Type().Elem().Kind() != reflect.String {
				t.Fatalf("Options.%s: a %s; teach this test to fill it", name, f.Type())
			}
			f.Set(reflect.ValueOf([]string{"google", "github"}))
		default:
			t.Fatalf("Options.%s: a %s; teach this test to fill it", name, f.Type())
		}
	}
	m := NewManifest(&Plan{Model: &Model{Options: o}}, "0.1.0")
	parsed, err := ParseManifest(m.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	got := parsed.InstallOptions(testNow)
	o.Now = testNow
	if !reflect.DeepEqual(got, o) {
		t.Errorf("InstallOptions(NewManifest(o)) =\n%+v\nwant\n%+v", got, o)
	}
}

// TestPlanUpgradeInterrupted: an upgrade whose files were written but whose manifest was not
// (the process died between the two steps) is simply run again: the merged files merge to
// themselves (the base copy written the first time does not match the old record, so the
// history's base is used), nothing conflicts, and the second run writes the manifest.
func TestPlanUpgradeInterrupted(t *testing.T) {
	files := upgradeFixture(t)
	const user = "internal/accounts/user.go"
	base := files[user]
	files[user] = strings.Replace(base, "// Name is shown.", "// Name is shown on the owner's pages.", 1)
	history := func(string, string) ([]byte, bool) { return []byte(base), true }
	dir := t.TempDir()
	writeHostFile(t, dir, "go.mod", hostGoMod)
	for p, s := range files {
		writeHostFile(t, dir, p, s)
	}
	plan := func() *Upgrade {
		h, err := LoadHost(os.DirFS(dir))
		if err != nil {
			t.Fatal(err)
		}
		p, err := buildWith(h.Manifest.InstallOptions(testNow), h, miniTemplates(newTemplates()))
		if err != nil {
			t.Fatal(err)
		}
		u, err := PlanUpgrade(p, h, UpgradeOptions{Version: "0.1.0", History: history})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	first := plan()
	if err := Apply(first.Writes, dir); err != nil { // and then the process dies
		t.Fatal(err)
	}
	merged, _ := os.ReadFile(filepath.Join(dir, user))
	second := plan()
	if second.Blocked() {
		t.Fatalf("the re-run is blocked: %+v", second.Attention)
	}
	if again, ok := written(second, user); ok && again != string(merged) {
		t.Errorf("the re-run merged user.go differently:\n%s", UnifiedDiff(user, merged, []byte(again)))
	}
	if err := Apply(append(second.Writes, second.Manifest), dir); err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(filepath.Join(dir, ManifestPath))
	if err != nil || !strings.Contains(string(m), `"version": "0.1.0"`) {
		t.Fatalf("manifest after the re-run: %v\n%s", err, m)
	}
	if third := plan(); len(third.Writes) != 0 || third.Manifest.Writes() || third.Blocked() {
		t.Errorf("a third run still has work: %+v", third)
	}
}
