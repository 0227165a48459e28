package generator

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/modfile"
)

// TestPinnedMatchesSuperset keeps the generator's pins equal to testdata/deps/go.mod, the module
// in which the pins were resolved together.
func TestPinnedMatchesSuperset(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "deps", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	direct := map[string]string{}
	for _, r := range f.Require {
		if !r.Indirect {
			direct[r.Mod.Path] = r.Mod.Version
		}
	}
	for path, v := range pinned {
		if direct[path] != v {
			t.Errorf("%s is pinned at %s in deps.go but at %q in testdata/deps/go.mod", path, v, direct[path])
		}
	}
	for path, v := range direct {
		if _, ok := pinned[path]; !ok {
			t.Errorf("testdata/deps/go.mod requires %s %s, which deps.go does not pin", path, v)
		}
	}
	if libc := indirectVersion(f, "modernc.org/libc"); libc != "v1.80.1" {
		t.Errorf("modernc.org/libc resolves to %s with the pins; modernc.org/sqlite v1.62.0 needs exactly v1.80.1", libc)
	}
}

func indirectVersion(f *modfile.File, path string) string {
	for _, r := range f.Require {
		if r.Mod.Path == path {
			return r.Mod.Version
		}
	}
	return ""
}
