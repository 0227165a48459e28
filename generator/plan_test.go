package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"go/parser"
	"go/token"
	"path"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

// combination is one distinct output of the 64 combinations of the feature flags: the first
// options that give it, and its plan.
type combination struct {
	opts Options
	plan *Plan
}

var everyCombination = sync.OnceValues(func() ([]combination, error) {
	h, err := LoadHost(fstest.MapFS{"go.mod": {Data: []byte(hostGoMod)}})
	if err != nil {
		return nil, err
	}
	var distinct []combination
	seen := map[[sha256.Size]byte]bool{}
	for mask := 0; mask < 1<<6; mask++ {
		o := DefaultOptions("Accounts", "User", "users")
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		o.BinaryID = mask&1 == 0
		o.Orgs = mask&2 == 0
		o.Admin = mask&4 == 0
		o.Passkeys = mask&8 == 0
		o.API = mask&16 != 0
		o.JWT = mask&32 != 0
		p, err := Build(o, h)
		if err != nil {
			return nil, fmt.Errorf("%+v: %w", o, err)
		}
		if sum := planHash(p); !seen[sum] {
			seen[sum] = true
			distinct = append(distinct, combination{o, p})
		}
	}
	return distinct, nil
})

// distinctCombinations builds the 64 combinations of the feature flags once per test binary
// and returns each distinct output once: flags that change nothing (yet) give the same plan,
// and checking it again would find nothing new.
func distinctCombinations(t *testing.T) []combination {
	t.Helper()
	distinct, err := everyCombination()
	if err != nil {
		t.Fatal(err)
	}
	return distinct
}

// TestEveryCombinationBuilds checks that every combination of the feature flags builds, that
// building twice gives the same plan, and each distinct plan's files (see checkPlannedFile).
func TestEveryCombinationBuilds(t *testing.T) {
	t.Parallel() // CPU-bound; it overlaps the type check's go commands
	h := hostWith(t, nil)
	distinct := distinctCombinations(t)
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
