package generator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func writeHostFile(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readHostFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// check runs one sigra-install pass against dir up to Check, as the CLI does.
func check(t *testing.T, dir string, tmpl fs.FS, o Options, copts CheckOptions) (*Host, []Action, error) {
	t.Helper()
	h, err := LoadHost(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	p, err := buildWith(o, h, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	actions, err := Check(p, h, copts)
	return h, actions, err
}

// run is one successful pass: Check, then Apply.
func run(t *testing.T, dir string, tmpl fs.FS, o Options, copts CheckOptions) []Action {
	t.Helper()
	_, actions, err := check(t, dir, tmpl, o, copts)
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(actions, dir); err != nil {
		t.Fatal(err)
	}
	return actions
}

func kinds(actions []Action) map[string]ActionKind {
	out := map[string]ActionKind{}
	for _, a := range actions {
		out[a.Path] = a.Kind
	}
	return out
}

func loadManifest(t *testing.T, dir string) *Manifest {
	t.Helper()
	m, err := ParseManifest([]byte(readHostFile(t, dir, ManifestPath)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newMiniHost(t *testing.T) string {
	dir := t.TempDir()
	writeHostFile(t, dir, "go.mod", hostGoMod)
	return dir
}

const userGo = "internal/accounts/user.go"

func TestManifestRecordsTheRun(t *testing.T) {
	dir := newMiniHost(t)
	actions := run(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{Version: "1.2.3"})
	if k := kinds(actions)[ManifestPath]; k != ActCreate {
		t.Errorf("first run: manifest is %q, want creating", k)
	}
	m := loadManifest(t, dir)
	if m.Generator != "sigra-install" || m.Version != "1.2.3" {
		t.Errorf("generator %q version %q", m.Generator, m.Version)
	}
	want := ManifestOptions{Context: "Accounts", Schema: "User", Table: "users", BinaryID: true, Orgs: false, Admin: true, Passkeys: true}
	if m.Options != want {
		t.Errorf("options %+v, want %+v", m.Options, want)
	}
	if got := strings.Join(m.Features, ","); got != "core,mfa,passkeys,admin,server" {
		t.Errorf("features %s, want core,mfa,passkeys,admin,server", got)
	}
	for p, feature := range map[string]string{
		userGo:                         "core",
		"internal/accounts/passkey.go": "passkeys",
		"cmd/server/main.go":           "server",
		"migrations/sqlite/20260102030445_create_passkeys.sql": "passkeys",
	} {
		rec, ok := m.Files[p]
		if !ok {
			t.Errorf("%s not recorded", p)
			continue
		}
		if rec.Feature != feature || rec.SHA256 != fileHash([]byte(readHostFile(t, dir, p))) {
			t.Errorf("%s recorded as %+v, want feature %s and the hash of the file", p, rec, feature)
		}
	}
	for _, p := range []string{"go.mod", ManifestPath} {
		if _, ok := m.Files[p]; ok {
			t.Errorf("%s is recorded, but the host owns it", p)
		}
	}
	if len(m.Files) != 12 {
		t.Errorf("%d files recorded, want the 12 planned", len(m.Files))
	}
}

func TestManifestEncodingIsStable(t *testing.T) {
	m := &Manifest{Generator: "sigra-install", Version: "0.1.0", Features: []string{"core"}, Files: map[string]ManifestFile{
		"b.go": {SHA256: strings.Repeat("b", 64), Feature: "core"},
		"a.go": {SHA256: strings.Repeat("a", 64), Feature: "core"},
	}}
	data := m.Marshal()
	want := `{
  "generator": "sigra-install",
  "version": "0.1.0",
  "options": {
    "context": "",
    "schema": "",
    "table": "",
    "binary_id": false,
    "orgs": false,
    "admin": false,
    "passkeys": false,
    "api": false,
    "jwt": false
  },
  "features": [
    "core"
  ],
  "files": {
    "a.go": {
      "sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "feature": "core"
    },
    "b.go": {
      "sha256": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
      "feature": "core"
    }
  }
}
`
	if string(data) != want {
		t.Errorf("encoding:\n%s\nwant:\n%s", data, want)
	}
	back, err := ParseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Marshal(), data) {
		t.Error("parse + marshal does not give the same bytes")
	}
}

func TestMalformedManifestIsAHostError(t *testing.T) {
	for name, text := range map[string]string{
		"not JSON":        "{",
		"not ours":        `{"generator": "other", "files": {}}`,
		"bad hash":        `{"generator": "sigra-install", "files": {"a.go": {"sha256": "abc", "feature": "core"}}}`,
		"files not a map": `{"generator": "sigra-install", "files": []}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := LoadHost(fstest.MapFS{
				"go.mod":     {Data: []byte(hostGoMod)},
				ManifestPath: {Data: []byte(text)},
			})
			var he *HostError
			if !errors.As(err, &he) || !strings.Contains(err.Error(), "sigra-install.json is not a valid install manifest") {
				t.Fatalf("got %v, want a HostError about sigra-install.json", err)
			}
		})
	}
}

func TestSecondRunIsIdentical(t *testing.T) {
	dir := newMiniHost(t)
	run(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{Version: "0.1.0"})
	_, actions, err := check(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{Version: "0.1.0"})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range actions {
		if a.Kind != ActIdentical {
			t.Errorf("second run: %s %s, want identical", a.Kind, a.Path)
		}
	}
}

// TestPristineFileIsUpdated simulates a new sigra-install release whose template output
// changed: a file nobody edited is updated without --force, and the manifest follows.
func TestPristineFileIsUpdated(t *testing.T) {
	dir := newMiniHost(t)
	run(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{Version: "0.1.0"})
	v2 := miniTemplates(map[string]string{
		"core/internal/__context__/user.go.tmpl": "{{.Provenance}}\npackage {{.Pkg}}\n\n// User is one account, now with a name.\ntype User struct{ Name string }\n",
	})
	actions := run(t, dir, v2, miniOptions(true), CheckOptions{Version: "0.2.0"})
	k := kinds(actions)
	if k[userGo] != ActUpdate || k[ManifestPath] != ActUpdate || k["internal/accounts/passkey.go"] != ActIdentical {
		t.Errorf("user.go %s, manifest %s, passkey.go %s; want updating, updating, identical", k[userGo], k[ManifestPath], k["internal/accounts/passkey.go"])
	}
	if !strings.Contains(readHostFile(t, dir, userGo), "Name string") {
		t.Error("user.go was not updated")
	}
	m := loadManifest(t, dir)
	if m.Version != "0.2.0" || m.Files[userGo].SHA256 != fileHash([]byte(readHostFile(t, dir, userGo))) {
		t.Errorf("manifest not updated: version %s, user.go %s", m.Version, m.Files[userGo].SHA256)
	}
}

func TestEditedFileIsAConflict(t *testing.T) {
	dir := newMiniHost(t)
	run(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{})
	edited := readHostFile(t, dir, userGo) + "\n// Mine.\n"
	writeHostFile(t, dir, userGo, edited)
	manifestBefore := readHostFile(t, dir, ManifestPath)

	// With the same templates there is nothing to merge: the edit stands, without --force.
	_, actions, err := check(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{})
	if err != nil || kinds(actions)[userGo] != ActKeep {
		t.Fatalf("same templates: user.go is %s (%v), want keeping", kinds(actions)[userGo], err)
	}
	if Changes(actions) && Apply(actions, dir) != nil {
		t.Fatal("apply")
	}
	if readHostFile(t, dir, userGo) != edited {
		t.Fatal("a run with nothing new for user.go changed the owner's edit")
	}

	// A new version of the template meets the edit: a conflict.
	v2 := miniTemplates(map[string]string{
		"core/internal/__context__/user.go.tmpl": "{{.Provenance}}\npackage {{.Pkg}}\n\ntype User struct{ Name string }\n",
	})
	for _, tmpl := range []fstest.MapFS{v2} {
		_, actions, err := check(t, dir, tmpl, miniOptions(true), CheckOptions{})
		var ce *ConflictError
		if !errors.As(err, &ce) || strings.Join(ce.Paths, ",") != userGo {
			t.Fatalf("got %v, want a conflict on %s", err, userGo)
		}
		if kinds(actions)[userGo] != ActConflict {
			t.Errorf("user.go is %s, want conflict", kinds(actions)[userGo])
		}
		if Apply(actions, dir) == nil {
			t.Error("Apply accepted a plan with a conflict")
		}
	}
	if readHostFile(t, dir, userGo) != edited || readHostFile(t, dir, ManifestPath) != manifestBefore {
		t.Error("a refused run changed the host")
	}

	actions = run(t, dir, v2, miniOptions(true), CheckOptions{Force: true})
	if k := kinds(actions)[userGo]; k != ActOverwrite {
		t.Errorf("with --force user.go is %s, want overwriting", k)
	}
	if strings.Contains(readHostFile(t, dir, userGo), "Mine") {
		t.Error("--force kept the edit")
	}
}

// TestUnrecordedFileIsAConflict: a file at a generated path that sigra-install never wrote
// (here a migration of the same name; a Go file of the owner's in a generated package's
// directory is refused earlier, as a name clash: TestHostPackageIsRefused).
func TestUnrecordedFileIsAConflict(t *testing.T) {
	dir := newMiniHost(t)
	const theirs = "migrations/sqlite/20200101000000_create_users_auth.sql"
	writeHostFile(t, dir, theirs, "-- +goose Up\nCREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT);\n")
	_, _, err := check(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{})
	var ce *ConflictError
	if !errors.As(err, &ce) || strings.Join(ce.Paths, ",") != theirs {
		t.Fatalf("got %v, want a conflict on the file sigra-install never wrote", err)
	}
}

func TestDeletedFileIsSkipped(t *testing.T) {
	dir := newMiniHost(t)
	run(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{})
	recorded := loadManifest(t, dir).Files[userGo]
	migration := "migrations/sqlite/20260102030445_create_passkeys.sql"
	for _, p := range []string{userGo, migration} {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
	later := miniOptions(true)
	later.Now = testNow.AddDate(0, 1, 0) // a new clock would give a new migration a new version
	v2 := miniTemplates(map[string]string{
		"core/internal/__context__/user.go.tmpl": "{{.Provenance}}\npackage {{.Pkg}}\n\ntype User struct{ Name string }\n",
	})
	// The skip is remembered: the second run skips them again.
	for range 2 {
		actions := run(t, dir, v2, later, CheckOptions{})
		k := kinds(actions)
		if k[userGo] != ActSkip || k[migration] != ActSkip {
			t.Fatalf("user.go %s, migration %s; want both skipped\n%v", k[userGo], k[migration], k)
		}
		for _, a := range actions {
			if a.Kind == ActCreate {
				t.Errorf("creating %s after the owner deleted files", a.Path)
			}
		}
		if rec, ok := loadManifest(t, dir).Files[userGo]; !ok {
			t.Error("the deleted file left the manifest, so the next run would recreate it")
		} else if rec != recorded {
			t.Errorf("the deleted file is recorded as %+v, want its record as last written, %+v", rec, recorded)
		}
	}
	if got := FormatAction(Action{Kind: ActSkip, Path: userGo}); got != "! skipped internal/accounts/user.go (deleted by you; --force restores it)" {
		t.Errorf("report line %q", got)
	}

	actions := run(t, dir, v2, later, CheckOptions{Force: true})
	if k := kinds(actions); k[userGo] != ActCreate || k[migration] != ActCreate {
		t.Errorf("--force: user.go %s, migration %s; want both created", k[userGo], k[migration])
	}
	readHostFile(t, dir, migration) // restored under its first version
}

func TestPristineMigrationIsNeverUpdated(t *testing.T) {
	dir := newMiniHost(t)
	run(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{})
	v2 := miniTemplates(map[string]string{
		"core/migrations/sqlite/create___table___auth.sql.tmpl": "-- +goose Up\nCREATE TABLE {{.Table}} (id INTEGER PRIMARY KEY, name TEXT);\n",
	})
	_, _, err := check(t, dir, v2, miniOptions(true), CheckOptions{})
	var ce *ConflictError
	p := "migrations/sqlite/20260102030405_create_users_auth.sql"
	if !errors.As(err, &ce) || strings.Join(ce.Migrations, ",") != p {
		t.Fatalf("got %v, want a conflict on the changed migration", err)
	}
	if !strings.Contains(err.Error(), p+" (a migration: it may have run already") {
		t.Errorf("the conflict does not say why a migration is not updated:\n%v", err)
	}
}

func TestConflictErrorListsAllWithAHint(t *testing.T) {
	err := (&ConflictError{Paths: []string{"a.go", "b.go"}}).Error()
	want := "2 file(s) differ from what sigra-install would write:\n  a.go\n  b.go\nnothing was written; see the differences with --diff, then keep your version by leaving it (this run stays refused) or take ours with --force (overwrites these 2 file(s))"
	if err != want {
		t.Errorf("got:\n%s\nwant:\n%s", err, want)
	}
}

func TestRemovingAFeatureNeedsItsFilesGone(t *testing.T) {
	dir := newMiniHost(t)
	run(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{})
	manifestBefore := readHostFile(t, dir, ManifestPath)

	_, actions, err := check(t, dir, miniTemplates(nil), miniOptions(false), CheckOptions{Force: true})
	var fe *FeatureRemovedError
	if !errors.As(err, &fe) || actions != nil {
		t.Fatalf("got %v with %d actions, want a FeatureRemovedError and none", err, len(actions))
	}
	files := []string{
		"internal/accounts/passkey.go",
		"internal/accountsweb/passkeys_admin.go", // passkeys' part of the admin area goes with them
		"migrations/postgres/20260102030445_create_passkeys.sql",
		"migrations/sqlite/20260102030445_create_passkeys.sql",
	}
	if len(fe.Features) != 1 || fe.Features[0].Name != "passkeys" || strings.Join(fe.Features[0].Files, ",") != strings.Join(files, ",") {
		t.Fatalf("removed %+v, want passkeys with %v", fe.Features, files)
	}
	msg := err.Error()
	for _, want := range []string{"passkeys", "never deletes code", "nothing was written", "  internal/accounts/passkey.go\n", "tables stay in your database", "the same command works"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}

	// Deleting some of the files is not enough; deleting all of them is.
	for i, p := range files {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
		_, _, err := check(t, dir, miniTemplates(nil), miniOptions(false), CheckOptions{})
		if last := i == len(files)-1; last != (err == nil) {
			t.Fatalf("after deleting %d of %d files: %v", i+1, len(files), err)
		}
	}
	if readHostFile(t, dir, ManifestPath) != manifestBefore {
		t.Fatal("a refused run changed the manifest")
	}
	run(t, dir, miniTemplates(nil), miniOptions(false), CheckOptions{})
	m := loadManifest(t, dir)
	if strings.Join(m.Features, ",") != "core,mfa,admin,server" {
		t.Errorf("features %v after removing passkeys", m.Features)
	}
	for p, rec := range m.Files {
		if rec.Feature == "passkeys" {
			t.Errorf("%s is still recorded for passkeys", p)
		}
	}
}

// TestManifestIsWrittenWithTheRest checks that Apply writes the manifest in the same
// all-or-nothing step as the files it describes.
func TestManifestIsWrittenWithTheRest(t *testing.T) {
	dir := newMiniHost(t)
	writeHostFile(t, dir, "cmd", "a file where cmd/server should be a directory")
	_, actions, err := check(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if Apply(actions, dir) == nil {
		t.Fatal("Apply should fail")
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestPath)); !os.IsNotExist(err) {
		t.Errorf("the manifest was written although the files were not (stat: %v)", err)
	}
}

func TestManifestJSONFieldNames(t *testing.T) {
	var raw map[string]any
	if err := json.Unmarshal((&Manifest{}).Marshal(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"generator", "version", "options", "features", "files"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("no %q key", k)
		}
	}
	if string((&Manifest{}).Marshal()) == "" || raw["features"] == nil || raw["files"] == nil {
		t.Error("empty features and files must encode as [] and {}, not null")
	}
}

func TestOtherNamesAreRefused(t *testing.T) {
	dir := newMiniHost(t)
	run(t, dir, miniTemplates(nil), miniOptions(true), CheckOptions{})
	other := miniOptions(true)
	other.Context, other.Schema, other.Table = "Identity", "Member", "members"
	_, actions, err := check(t, dir, miniTemplates(nil), other, CheckOptions{Force: true})
	var he *HostError
	if !errors.As(err, &he) || actions != nil {
		t.Fatalf("got %v with %d actions, want a HostError and none", err, len(actions))
	}
	if !strings.Contains(err.Error(), "records the install `Accounts User users`, and this run asks for `Identity Member members`") {
		t.Errorf("message: %v", err)
	}
}
