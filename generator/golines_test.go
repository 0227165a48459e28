package generator

import (
	"errors"
	"os/exec"
	"path"
	"strings"
	"testing"
)

// TestPinnedGoLines reads the go directive of every pinned module from its own go.mod (through
// the go command, in the superset module) and checks pinnedGo holds exactly those: the floor a
// host's go line must reach is computed from them.
func TestPinnedGoLines(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the pinned modules' go.mod files through the go command; skipped with -short")
	}
	for path, version := range pinned {
		want, ok := pinnedGo[path]
		if !ok {
			t.Errorf("pinnedGo has no entry for %s", path)
			continue
		}
		cmd := exec.Command("go", "list", "-m", "-f", "{{.GoVersion}}", path+"@"+version)
		cmd.Dir = "../testdata/deps"
		cmd.Env = append(cmd.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go list -m %s@%s: %v\n%s", path, version, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != want {
			t.Errorf("%s@%s declares go %q, pinnedGo says %q", path, version, got, want)
		}
	}
	for path := range pinnedGo {
		if _, ok := pinned[path]; !ok {
			t.Errorf("pinnedGo lists %s, which is not pinned", path)
		}
	}
}

// TestGoLineFloor: a host below the floor is refused with a message that names --bump-go;
// with it, go.mod gets the floor (and loses a toolchain line older than it), and the plan says
// what that changes; a host at or above the floor keeps its go line.
func TestGoLineFloor(t *testing.T) {
	o := DefaultOptions("Accounts", "User", "users")
	if floor := goFloor(nil); floor != "1.21" {
		t.Fatalf("floor of no modules = %s", floor)
	}
	for _, c := range []struct{ gomod, have string }{
		{"module m\n\ngo 1.25.0\n", "1.25.0"},
		{"module m\n\ngo 1.22\n\ntoolchain go1.22.4\n", "1.22"},
		{"module m\n", ""},
	} {
		h := hostGo(t, c.gomod, map[string]string{"vendor/modules.txt": "# vendored\n"})
		_, err := Build(o, h)
		var gl *GoLineError
		if !errors.As(err, &gl) || gl.Have != c.have || gl.Need != "1.26.0" || !strings.Contains(err.Error(), "--bump-go") {
			t.Fatalf("%q: got %v, want a GoLineError naming --bump-go", c.gomod, err)
		}
		bumped := o
		bumped.BumpGo = true
		p, err := Build(bumped, h)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(p.GoMod), "\ngo 1.26.0\n") || strings.Contains(string(p.GoMod), "toolchain") {
			t.Errorf("%q bumped:\n%s", c.gomod, p.GoMod)
		}
		if p.GoBump == nil || p.GoBump.From != c.have || p.GoBump.To != "1.26.0" || !p.GoBump.Vendored {
			t.Errorf("%q: GoBump = %+v", c.gomod, p.GoBump)
		}
	}
	p, err := Build(o, hostGo(t, "module m\n\ngo 1.26.8\n", nil))
	if err != nil || p.GoBump != nil || !strings.Contains(string(p.GoMod), "\ngo 1.26.8\n") {
		t.Fatalf("a host above the floor: %v, bump %+v\n%s", err, p.GoBump, p.GoMod)
	}
}

// TestHostPackageIsRefused: a name whose generated package is already a package of the host's
// own is a bad argument, refused before anything is written; a directory holding only
// generated files (a re-run) is not.
func TestHostPackageIsRefused(t *testing.T) {
	gomod := "module example.com/app\n\ngo 1.26.8\n"
	for _, c := range []struct {
		args          [3]string
		file, arg, in string
	}{
		{[3]string{"Models", "User", "users"}, "internal/models/models.go", "context", "internal/models"},
		{[3]string{"Accounts", "User", "users"}, "internal/userauth/jwt.go", "schema", "internal/userauth"},
		{[3]string{"Accounts", "User", "users"}, "internal/accountsweb/handlers.go", "context", "internal/accountsweb"},
	} {
		h := hostGo(t, gomod, map[string]string{c.file: "package " + path.Base(path.Dir(c.file)) + "\n"})
		_, err := Build(DefaultOptions(c.args[0], c.args[1], c.args[2]), h)
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Arg != c.arg || !strings.Contains(err.Error(), c.in+", which is already a package of yours ("+c.file+")") {
			t.Errorf("%v with %s: got %v", c.args, c.file, err)
		}
	}
	ours := hostGo(t, gomod, map[string]string{"internal/accounts/user.go": Provenance + "\n\npackage accounts\n"})
	if _, err := Build(DefaultOptions("Accounts", "User", "users"), ours); err != nil {
		t.Errorf("a directory of generated files: %v", err)
	}
}
