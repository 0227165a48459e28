package generator

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

func TestAddRequires(t *testing.T) {
	reqs := []module.Version{{Path: "modernc.org/sqlite", Version: "v1.62.0"}, {Path: "github.com/google/uuid", Version: "v1.6.0"}}
	out, err := addRequires([]byte(hostGoMod), reqs)
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", out, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range f.Require {
		got[r.Mod.Path] = r.Mod.Version
	}
	if got["modernc.org/sqlite"] != "v1.62.0" || got["github.com/google/uuid"] != "v1.6.0" {
		t.Errorf("requires = %v", got)
	}
	if !strings.HasSuffix(string(out), ")\n") {
		t.Errorf("go.mod should end with a newline:\n%q", out)
	}

	// Applying the same requires again changes nothing, byte for byte.
	again, err := addRequires(out, reqs)
	if err != nil || string(again) != string(out) {
		t.Errorf("second addRequires changed go.mod (err %v):\n%s", err, again)
	}
}

func TestAddRequiresKeepsNewerVersions(t *testing.T) {
	in := hostGoMod + "\nrequire github.com/google/uuid v1.9.9\n"
	out, err := addRequires([]byte(in), []module.Version{{Path: "github.com/google/uuid", Version: "v1.6.0"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("a newer version should be kept untouched, got:\n%s", out)
	}
	out, err = addRequires([]byte(hostGoMod+"\nrequire github.com/google/uuid v1.3.0\n"), []module.Version{{Path: "github.com/google/uuid", Version: "v1.6.0"}})
	if err != nil || !strings.Contains(string(out), "github.com/google/uuid v1.6.0") || strings.Contains(string(out), "v1.3.0") {
		t.Errorf("an older version should be raised to the pin, got (err %v):\n%s", err, out)
	}
}

// TestModuleChanges: the host's modules whose versions moved are listed with both versions;
// the generated code's own new modules and unchanged ones are not.
func TestModuleChanges(t *testing.T) {
	before := "module example.com/app\n\ngo 1.26.8\n\nrequire (\n\tgithub.com/google/uuid v1.5.0\n\tgithub.com/gorilla/mux v1.8.1\n\tgolang.org/x/text v0.34.0 // indirect\n)\n"
	after := "module example.com/app\n\ngo 1.26.8\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n\tgithub.com/gorilla/mux v1.8.1\n\tmodernc.org/sqlite v1.62.0\n)\n\nrequire golang.org/x/text v0.44.0 // indirect\n"
	changes, err := ModuleChanges([]byte(before), []byte(after))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.String())
	}
	want := []string{"upgrading github.com/google/uuid v1.5.0 -> v1.6.0", "upgrading golang.org/x/text v0.34.0 -> v0.44.0"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("ModuleChanges = %q, want %q", got, want)
	}
	if changes, _ := ModuleChanges([]byte(before), []byte(before)); len(changes) != 0 {
		t.Errorf("nothing moved, yet %v", changes)
	}
}

// TestTidyConflict: tidy's import chain names the host module (or the host's own package)
// that imports what the upgraded module no longer has; other failures get no explanation.
func TestTidyConflict(t *testing.T) {
	before := []byte("module example.com/app\n\ngo 1.26.8\n\nrequire (\n\texample.com/oldsign v0.1.0\n\tgolang.org/x/crypto v0.48.0\n)\n")
	after := []byte("module example.com/app\n\ngo 1.26.8\n\nrequire (\n\texample.com/oldsign v0.1.0\n\tgolang.org/x/crypto v0.59.0\n)\n")
	out := "go: finding module for package golang.org/x/crypto/openpgp\ngo: example.com/app imports\n\texample.com/oldsign/sign imports\n\tgolang.org/x/crypto/openpgp: module golang.org/x/crypto@latest found (v0.59.0), but does not contain package golang.org/x/crypto/openpgp\n"
	want := "example.com/oldsign v0.1.0, a module of yours, imports golang.org/x/crypto/openpgp, which golang.org/x/crypto v0.59.0 (the version the generated code needs; your go.mod had v0.48.0) no longer has. Upgrade it (`go get example.com/oldsign@latest`) or replace it, then run sigra-install again (it resumes with go mod tidy)."
	if got := TidyConflict([]byte(out), before, after, "example.com/app"); got != want {
		t.Errorf("TidyConflict =\n%s\nwant\n%s", got, want)
	}
	own := "go: finding module for package golang.org/x/crypto/openpgp\ngo: example.com/app/internal/release imports\n\tgolang.org/x/crypto/openpgp: module golang.org/x/crypto@latest found (v0.59.0), but does not contain package golang.org/x/crypto/openpgp\n"
	if got := TidyConflict([]byte(own), before, after, "example.com/app"); !strings.HasPrefix(got, "your package example.com/app/internal/release imports golang.org/x/crypto/openpgp, which golang.org/x/crypto v0.59.0") {
		t.Errorf("the host's own import: TidyConflict = %q", got)
	}
	if got := TidyConflict([]byte("go: github.com/x/y@v1.0.0: reading https://proxy/...: 404 Not Found\n"), before, after, "example.com/app"); got != "" {
		t.Errorf("a network failure is not a conflict, got %q", got)
	}
}

// TestVendorStale: vendor/modules.txt must list every required module at its version.
func TestVendorStale(t *testing.T) {
	gomod := []byte("module example.com/app\n\ngo 1.26.8\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n\tmodernc.org/sqlite v1.62.0 // indirect\n)\n")
	fresh := []byte("# github.com/google/uuid v1.6.0\n## explicit; go 1.21\ngithub.com/google/uuid\n# modernc.org/sqlite v1.62.0\n## explicit; go 1.26.0\nmodernc.org/sqlite\n")
	if VendorStale(gomod, fresh) {
		t.Error("vendor/ matching go.mod reported stale")
	}
	if old := bytes.Replace(fresh, []byte("uuid v1.6.0"), []byte("uuid v1.5.0"), 1); !VendorStale(gomod, old) {
		t.Error("an older vendored uuid not reported stale")
	}
	if missing := fresh[:bytes.Index(fresh, []byte("# modernc"))]; !VendorStale(gomod, missing) {
		t.Error("a required module missing from vendor/ not reported stale")
	}
}
