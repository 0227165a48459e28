package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"go/parser"
	"go/token"
	"path"
	"strings"
	"testing"
	"time"
)

// TestEveryCombinationBuilds runs Build for the full product of the feature flags. Many
// combinations give the same output (flags that no template reads yet), so the plans are grouped
// by a hash of every path and byte, and the expensive checks run once per distinct output: a
// second Build gives the same plan, every Go file parses and carries the provenance comment, and
// no template used a missing field.
func TestEveryCombinationBuilds(t *testing.T) {
	t.Parallel() // CPU-bound; it overlaps the type check's go commands
	h := hostWith(t, nil)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	type output struct {
		opts Options
		plan *Plan
	}
	var distinct []*output
	byHash := map[[sha256.Size]byte]*output{}
	for mask := 0; mask < 1<<6; mask++ {
		o := DefaultOptions("Accounts", "User", "users")
		o.Now = now
		o.BinaryID = mask&1 == 0
		o.Orgs = mask&2 == 0
		o.Admin = mask&4 == 0
		o.Passkeys = mask&8 == 0
		o.API = mask&16 != 0
		o.JWT = mask&32 != 0
		p, err := Build(o, h)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		sum := planHash(p)
		if _, ok := byHash[sum]; ok {
			continue
		}
		out := &output{opts: o, plan: p}
		byHash[sum] = out
		distinct = append(distinct, out)
	}
	t.Logf("64 combinations, %d distinct outputs", len(distinct))
	for _, out := range distinct {
		again, err := Build(out.opts, h)
		if err != nil {
			t.Fatal(err)
		}
		if planHash(again) != planHash(out.plan) {
			t.Errorf("%+v: a second Build gives a different plan", out.opts)
		}
		for _, f := range out.plan.Files {
			checkPlannedFile(t, f)
		}
	}
}

// planHash identifies a plan's output: every file path and its bytes, the injections and go.mod.
func planHash(p *Plan) [sha256.Size]byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	for _, f := range p.Files {
		field([]byte(f.Path))
		field(f.Data)
	}
	for _, inj := range p.Injections {
		field([]byte(inj.Path))
		field(inj.Data)
		field([]byte(inj.Manual))
	}
	field(p.GoMod)
	return [sha256.Size]byte(h.Sum(nil))
}

// checkPlannedFile checks what every planned file must satisfy whatever the flags.
func checkPlannedFile(t *testing.T, f File) {
	t.Helper()
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
	if bytes.Contains(f.Data, []byte("<no value>")) {
		t.Errorf("%s contains <no value>: a template used a missing field", f.Path)
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
