package generator

import (
	"bytes"
	"go/parser"
	"go/token"
	"path"
	"strings"
	"testing"
	"time"
)

// TestEveryCombinationBuilds runs Build for the full product of the feature flags, twice each,
// and checks the plan is deterministic and every Go file parses.
func TestEveryCombinationBuilds(t *testing.T) {
	h := hostWith(t, nil)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for mask := 0; mask < 1<<6; mask++ {
		o := DefaultOptions("Accounts", "User", "users")
		o.Now = now
		o.BinaryID = mask&1 == 0
		o.Orgs = mask&2 == 0
		o.Admin = mask&4 == 0
		o.Passkeys = mask&8 == 0
		o.API = mask&16 != 0
		o.JWT = mask&32 != 0
		p1, err := Build(o, h)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		p2, err := Build(o, h)
		if err != nil {
			t.Fatal(err)
		}
		if len(p1.Files) != len(p2.Files) {
			t.Fatalf("%+v: file count differs between two builds", o)
		}
		for i := range p1.Files {
			f := p1.Files[i]
			if f.Path != p2.Files[i].Path || !bytes.Equal(f.Data, p2.Files[i].Data) {
				t.Fatalf("%+v: %s differs between two builds", o, f.Path)
			}
			if path.Ext(f.Path) == ".go" {
				if _, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Data, 0); err != nil {
					t.Errorf("%s: %v", f.Path, err)
				}
				if !bytes.HasPrefix(f.Data, []byte(Provenance)) && !bytes.HasPrefix(f.Data, []byte(RegistryProvenance)) {
					t.Errorf("%s does not start with the provenance comment", f.Path)
				}
				if bytes.Contains(f.Data, []byte("DO NOT EDIT")) {
					t.Errorf("%s says DO NOT EDIT, but the host owns it", f.Path)
				}
			}
			if strings.Contains(string(f.Data), "<no value>") {
				t.Errorf("%s contains <no value>: a template used a missing field", f.Path)
			}
		}
	}
}

func TestPlanHasServerOnlyWithoutHostMain(t *testing.T) {
	o := DefaultOptions("Accounts", "User", "users")
	p, err := Build(o, hostWith(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !hasFile(p, "cmd/server/main.go") || len(p.Injections) != 0 {
		t.Errorf("fresh host: want cmd/server/main.go and no injection")
	}
	p, err = Build(o, hostWith(t, map[string]string{"main.go": mainWithMux}))
	if err != nil {
		t.Fatal(err)
	}
	if hasFile(p, "cmd/server/main.go") || len(p.Injections) != 1 {
		t.Errorf("host with main: want an injection and no cmd/server")
	}
}

func TestMigrationsAreReused(t *testing.T) {
	o := DefaultOptions("Accounts", "User", "users")
	o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p, err := Build(o, hostWith(t, map[string]string{
		"migrations/sqlite/20200101000000_create_users_auth.sql": "-- old\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !hasFile(p, "migrations/sqlite/20200101000000_create_users_auth.sql") {
		t.Errorf("the existing sqlite migration should be reused")
	}
	if !hasFile(p, "migrations/postgres/20260102030405_create_users_auth.sql") {
		t.Errorf("the missing postgres migration should get the new version")
	}
}

func hasFile(p *Plan, name string) bool {
	for _, f := range p.Files {
		if f.Path == name {
			return true
		}
	}
	return false
}

func TestFormatGoShowsTheBrokenLines(t *testing.T) {
	src := []byte("package x\n\nfunc f() {\n\treturn 1 +\n}\n")
	_, err := formatGo("x.go", src)
	if err == nil || !strings.Contains(err.Error(), "    4  \treturn 1 +") {
		t.Fatalf("want the error to show line 4 of the output, got:\n%v", err)
	}
}
