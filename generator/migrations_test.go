package generator

import (
	"maps"
	"path"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// miniTemplates is a small template tree for buildWith: a core context file and migration, an
// MFA file, a passkeys file and migration, an admin file (and one of passkeys in the admin area), and
// the cmd/server a host without a main gets (with its admin command). extra adds or
// replaces templates (path -> text).
func miniTemplates(extra map[string]string) fstest.MapFS {
	files := map[string]string{
		"core/internal/__context__/user.go.tmpl":                   "{{.Provenance}}\npackage {{.Pkg}}\n\n// User is one account.\ntype User struct{}\n",
		"core/migrations/sqlite/create___table___auth.sql.tmpl":    "-- +goose Up\nCREATE TABLE {{.Table}} (id INTEGER PRIMARY KEY);\n",
		"core/migrations/postgres/create___table___auth.sql.tmpl":  "-- +goose Up\nCREATE TABLE {{.Table}} (id BIGINT PRIMARY KEY);\n",
		"mfa/internal/__context__/totp.go.tmpl":                    "{{.Provenance}}\npackage {{.Pkg}}\n\n// TOTP is a second factor.\ntype TOTP struct{}\n",
		"passkeys/internal/__context__/passkey.go.tmpl":            "{{.Provenance}}\npackage {{.Pkg}}\n\n// Passkey is a WebAuthn credential.\ntype Passkey struct{}\n",
		"passkeys/migrations/sqlite/40_create_passkeys.sql.tmpl":   "-- +goose Up\nCREATE TABLE passkeys (id INTEGER PRIMARY KEY);\n",
		"passkeys/migrations/postgres/40_create_passkeys.sql.tmpl": "-- +goose Up\nCREATE TABLE passkeys (id BIGINT PRIMARY KEY);\n",
		"server/cmd/server/main.go.tmpl":                           "{{.Provenance}}\npackage main\n\nfunc main() {}\n",
		"admin/internal/__context__/admin.go.tmpl":                 "{{.Provenance}}\npackage {{.Pkg}}\n\n// Admin is the admin area.\ntype Admin struct{}\n",
		"admin_server/cmd/server/admin.go.tmpl":                    "{{.Provenance}}\npackage main\n",
		"passkeys_admin/internal/__web__/passkeys_admin.go.tmpl":   "{{.Provenance}}\npackage {{.WebPkg}}\n",
	}
	maps.Copy(files, extra)
	fsys := fstest.MapFS{}
	for p, s := range files {
		if s != "" { // an empty text removes the template
			fsys[p] = &fstest.MapFile{Data: []byte(s)}
		}
	}
	return fsys
}

func miniOptions(passkeys bool) Options {
	o := DefaultOptions("Accounts", "User", "users")
	o.Now, o.Passkeys, o.Orgs = testNow, passkeys, false // the mini templates have no organizations
	return o
}

func planMigrations(p *Plan) []string {
	var out []string
	for _, f := range p.Files {
		if isMigration(f.Path) {
			out = append(out, f.Path)
		}
	}
	return out
}

func TestMigrationVersionsFollowOrdinals(t *testing.T) {
	tmpl := miniTemplates(map[string]string{
		"core/migrations/sqlite/10_add_mfa.sql.tmpl":   "-- +goose Up\n",
		"core/migrations/postgres/10_add_mfa.sql.tmpl": "-- +goose Up\n",
	})
	p, err := buildWith(miniOptions(true), hostWith(t, nil), tmpl)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"migrations/postgres/20260102030405_create_users_auth.sql",
		"migrations/postgres/20260102030415_add_mfa.sql",
		"migrations/postgres/20260102030445_create_passkeys.sql",
		"migrations/sqlite/20260102030405_create_users_auth.sql",
		"migrations/sqlite/20260102030415_add_mfa.sql",
		"migrations/sqlite/20260102030445_create_passkeys.sql",
	}
	if got := planMigrations(p); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("migrations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestMigrationPlanIsRejected(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra map[string]string
		want  string
	}{{
		name: "ordinal outside the feature's range",
		extra: map[string]string{
			"core/migrations/sqlite/45_orgs.sql.tmpl":   "-- +goose Up\n",
			"core/migrations/postgres/45_orgs.sql.tmpl": "-- +goose Up\n",
		},
		want: "feature core: migration core/migrations/postgres/45_orgs.sql.tmpl has ordinal 45, outside the range 00-29 that feature core owns",
	}, {
		name: "no ordinal in a feature that does not own 00",
		extra: map[string]string{
			"passkeys/migrations/sqlite/40_create_passkeys.sql.tmpl":   "",
			"passkeys/migrations/postgres/40_create_passkeys.sql.tmpl": "",
			"passkeys/migrations/sqlite/create_passkeys.sql.tmpl":      "-- +goose Up\n",
			"passkeys/migrations/postgres/create_passkeys.sql.tmpl":    "-- +goose Up\n",
		},
		want: "has ordinal 00, outside the range 40-49 that feature passkeys owns",
	}, {
		name: "two migrations with one version in a dialect",
		extra: map[string]string{
			"passkeys/migrations/sqlite/40_passkey_names.sql.tmpl":   "-- +goose Up\n",
			"passkeys/migrations/postgres/40_passkey_names.sql.tmpl": "-- +goose Up\n",
		},
		want: "both have ordinal 40, so they would get the same goose version",
	}, {
		name: "a dialect lacks a migration",
		extra: map[string]string{
			"passkeys/migrations/sqlite/41_passkey_names.sql.tmpl": "-- +goose Up\n",
		},
		want: "migration passkeys/migrations/sqlite/41_passkey_names.sql.tmpl (feature passkeys) has no postgres counterpart 41_passkey_names.sql",
	}, {
		name: "same migration with different ordinals across dialects",
		extra: map[string]string{
			"passkeys/migrations/sqlite/41_passkey_names.sql.tmpl":   "-- +goose Up\n",
			"passkeys/migrations/postgres/42_passkey_names.sql.tmpl": "-- +goose Up\n",
		},
		want: "has no sqlite counterpart 42_passkey_names.sql",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := buildWith(miniOptions(true), hostWith(t, nil), miniTemplates(tc.extra))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v\nwant one containing %q", err, tc.want)
			}
		})
	}
}

// TestRegisteredFeatureOrdinalsAreDisjoint keeps the ranges of the features that exist apart,
// which is what makes two features' migrations unable to share a goose version.
func TestRegisteredFeatureOrdinalsAreDisjoint(t *testing.T) {
	type owned struct {
		name   string
		lo, hi int
	}
	var ranges []owned
	for _, f := range Features {
		if lo, hi, ok := ordinalRange(f); ok {
			if lo < 0 || hi > 99 || lo > hi {
				t.Errorf("feature %s owns %d-%d, not a range of two-digit ordinals", f.Name(), lo, hi)
			}
			for _, o := range ranges {
				if lo <= o.hi && o.lo <= hi {
					t.Errorf("features %s (%02d-%02d) and %s (%02d-%02d) own overlapping migration ordinals", o.name, o.lo, o.hi, f.Name(), lo, hi)
				}
			}
			ranges = append(ranges, owned{f.Name(), lo, hi})
		}
	}
	if _, _, ok := ordinalRange(coreFeature{}); !ok {
		t.Error("core owns no migration ordinals")
	}
}

// TestNewMigrationsSortAfterTheHosts pins the clock at the first install's time: a feature
// enabled later must still get versions after every migration already in the host, including
// the owner's own.
func TestNewMigrationsSortAfterTheHosts(t *testing.T) {
	h := hostWith(t, map[string]string{
		"migrations/sqlite/20260102030405_create_users_auth.sql":   "-- +goose Up\n",
		"migrations/postgres/20260102030405_create_users_auth.sql": "-- +goose Up\n",
		"migrations/sqlite/20260102030455_add_invoices.sql":        "-- +goose Up\n", // the owner's
	})
	p, err := buildWith(miniOptions(true), h, miniTemplates(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"migrations/postgres/20260102030405_create_users_auth.sql",
		"migrations/postgres/20260102030456_create_passkeys.sql",
		"migrations/sqlite/20260102030405_create_users_auth.sql",
		"migrations/sqlite/20260102030456_create_passkeys.sql",
	}
	if got := planMigrations(p); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("migrations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestEnablingPasskeysLaterAddsOnlyNewMigrations installs the minimal bundle with the real
// templates, then enables passkeys: the existing migrations are reused as they are and the only
// new ones are the passkey tables, versioned after them, whether or not the clock moved.
func TestEnablingPasskeysLaterAddsOnlyNewMigrations(t *testing.T) {
	for _, later := range []time.Duration{0, 24 * time.Hour} {
		dir := t.TempDir()
		writeHostFile(t, dir, "go.mod", hostGoMod)
		o := DefaultOptions("Accounts", "User", "users")
		o.Now, o.Orgs, o.Admin, o.Passkeys = testNow, false, false, false
		installed := run(t, dir, defaultFS, o, CheckOptions{Version: "test"})
		var before []string
		for _, a := range installed {
			if isMigration(a.Path) {
				before = append(before, a.Path)
			}
		}

		o.Passkeys, o.Now = true, testNow.Add(later)
		actions := run(t, dir, defaultFS, o, CheckOptions{Version: "test"})
		latest := ""
		for _, p := range before {
			latest = max(latest, path.Base(p))
		}
		var created []string
		for _, a := range actions {
			switch {
			case a.Kind == ActConflict || a.Kind == ActOverwrite || a.Kind == ActSkip:
				t.Errorf("+%v: %s %s", later, a.Kind, a.Path)
			case isMigration(a.Path) && a.Kind == ActCreate:
				created = append(created, a.Path)
				if path.Base(a.Path) <= latest {
					t.Errorf("+%v: new migration %s does not sort after %s", later, a.Path, latest)
				}
			case isMigration(a.Path) && a.Kind != ActIdentical:
				t.Errorf("+%v: existing migration %s is %s, want identical", later, a.Path, a.Kind)
			}
		}
		if len(created) != 2 || !strings.HasSuffix(created[0], "_create_passkeys.sql") || !strings.HasSuffix(created[1], "_create_passkeys.sql") {
			t.Errorf("+%v: created migrations %v, want the passkey tables in both dialects", later, created)
		}
	}
}
