package generator_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
	"github.com/stretchr/testify/require"

	"github.com/sigra-go/sigra-install/internal/cli"
)

var update = flag.Bool("update", false, "rewrite golden/ from the current output")

func updating() bool { return *update || os.Getenv("SIGRA_UPDATE_GOLDEN") == "1" }

// generate copies the host fixture into a temp dir, runs the CLI there in process with
// --no-tidy and the pinned clock, and returns the dir and the normalised stdout.
func generate(t testing.TB, fixture string, args ...string) (dir, stdout string) {
	t.Helper()
	dir = t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join("..", "testdata", "host", fixture))))
	t.Setenv("SIGRA_INSTALL_NOW", goldenNow)
	var out, errOut bytes.Buffer
	code := cli.Main(append(append([]string{}, args...), "--dir", dir, "--no-tidy"), &out, &errOut)
	require.Equal(t, 0, code, "sigra-install %v failed:\n%s%s", args, out.String(), errOut.String())
	return dir, strings.ReplaceAll(out.String(), dir, "$WORK")
}

// readTree returns every regular file under dir, keyed by slash path.
func readTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	require.NoError(t, err)
	return files
}

// writeFile writes data to the slash path rel under dir, creating its directories.
func writeFile(t testing.TB, dir, rel string, data []byte) {
	t.Helper()
	target := filepath.Join(dir, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(target), 0o755))
	require.NoError(t, os.WriteFile(target, data, 0o644))
}

// delta is what the run created or changed relative to the fixture, plus STDOUT.txt.
func delta(t testing.TB, fixture, dir, stdout string) map[string]string {
	before := readTree(t, filepath.Join("..", "testdata", "host", fixture))
	out := map[string]string{stdoutFile: stdout}
	for p, s := range readTree(t, dir) {
		if before[p] != s {
			out[p] = s
		}
	}
	return out
}

// The golden layout. golden/default/ holds the default combination's whole delta. Every other
// golden/<combo>/ holds only what differs from it: the files the combination writes differently
// or in addition, its own STDOUT.txt, and REMOVED.txt listing the default's files it does not
// write (sorted, one per line; absent when there are none). So a combination costs the size of
// its difference, not another copy of the tree.
const (
	baseCombo   = "default"
	removedList = "REMOVED.txt"
	stdoutFile  = "STDOUT.txt"
)

const updateHint = "run go test ./generator -run TestGolden -update -v and review the diff of golden/"

func goldenDir(name string) string { return filepath.Join("..", "golden", name) }

func TestGolden(t *testing.T) {
	got := map[string]map[string]string{}
	for _, c := range combos {
		dir, stdout := generate(t, "fresh", c.args...)
		got[c.name] = delta(t, "fresh", dir, stdout)
		require.NotContains(t, got[c.name], removedList, "the generator writes %s, which the golden layout reserves", removedList)
	}
	require.Contains(t, got, baseCombo, "combos_test.go needs the %s combination: the others are stored relative to it", baseCombo)

	stored := map[string]map[string]string{}
	for _, c := range combos {
		stored[c.name] = readGolden(t, c.name)
	}
	if updating() {
		for _, c := range combos {
			old := expandGolden(stored[baseCombo], stored[c.name], c.name)
			writeGolden(t, c.name, compactGolden(got[c.name], got[baseCombo], c.name))
			t.Logf("golden/%s:%s", c.name, summarize(old, got[c.name]))
		}
		return
	}
	for _, c := range combos {
		t.Run(c.name, func(t *testing.T) {
			want := expandGolden(stored[baseCombo], stored[c.name], c.name)
			if diffs := diffTrees(want, got[c.name]); len(diffs) > 0 {
				t.Fatalf("the output of %s differs from golden/ (%d differing files); %s\n\n%s",
					c.name, len(diffs), updateHint, strings.Join(diffs, "\n"))
			}
			// The output matches; the directory must also be exactly what -update writes, or a
			// redundant file or a stale REMOVED.txt would linger until the next update.
			canonical := compactGolden(want, stored[baseCombo], c.name)
			if diffs := diffTrees(canonical, stored[c.name]); len(diffs) > 0 {
				t.Fatalf("golden/%s is not in the form -update writes; %s\n\n%s", c.name, updateHint, strings.Join(diffs, "\n"))
			}
		})
	}
}

// expandGolden gives the whole output golden/<name>/ stands for: the base tree as it is, any
// other combination's files laid over the base minus its REMOVED.txt.
func expandGolden(base, stored map[string]string, name string) map[string]string {
	if name == baseCombo {
		return stored
	}
	full := map[string]string{}
	for p, s := range base {
		full[p] = s
	}
	for _, p := range strings.Fields(stored[removedList]) {
		delete(full, p)
	}
	for p, s := range stored {
		if p != removedList {
			full[p] = s
		}
	}
	return full
}

// compactGolden is what golden/<name>/ stores for the output full: all of it for the base,
// otherwise the files that differ from base, STDOUT.txt, and REMOVED.txt.
func compactGolden(full, base map[string]string, name string) map[string]string {
	if name == baseCombo {
		return full
	}
	out := map[string]string{}
	for p, s := range full {
		if b, ok := base[p]; !ok || b != s || p == stdoutFile {
			out[p] = s
		}
	}
	var removed []string
	for _, p := range sortedKeys(base) {
		if _, ok := full[p]; !ok {
			removed = append(removed, p+"\n")
		}
	}
	if len(removed) > 0 {
		out[removedList] = strings.Join(removed, "")
	}
	return out
}

// diffTrees lists every difference between the trees, one entry per file: missing, extra, or
// changed with a unified diff.
func diffTrees(want, got map[string]string) []string {
	var diffs []string
	for _, p := range sortedKeys(want) {
		g, ok := got[p]
		switch {
		case !ok:
			diffs = append(diffs, "missing: "+p+" is in golden but was not generated")
		case g != want[p]:
			diffs = append(diffs, "changed: "+p+"\n"+string(diff.Diff("golden/"+p, []byte(want[p]), "generated/"+p, []byte(g))))
		}
	}
	for _, p := range sortedKeys(got) {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "extra: "+p+" was generated but is not in golden")
		}
	}
	return diffs
}

// summarize says which files of a combination's output an update added, changed and removed.
func summarize(old, updated map[string]string) string {
	var added, changed, removed []string
	for _, p := range sortedKeys(updated) {
		if s, ok := old[p]; !ok {
			added = append(added, p)
		} else if s != updated[p] {
			changed = append(changed, p)
		}
	}
	for _, p := range sortedKeys(old) {
		if _, ok := updated[p]; !ok {
			removed = append(removed, p)
		}
	}
	if len(added)+len(changed)+len(removed) == 0 {
		return " unchanged"
	}
	var b strings.Builder
	for _, part := range []struct {
		what  string
		paths []string
	}{{"added", added}, {"changed", changed}, {"removed", removed}} {
		if len(part.paths) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n  %s %d", part.what, len(part.paths))
		for _, p := range part.paths {
			b.WriteString("\n    " + p)
		}
	}
	return b.String()
}

// readGolden reads golden/<name>/; a combination new to combos_test.go has none yet.
func readGolden(t *testing.T, name string) map[string]string {
	t.Helper()
	if _, err := os.Stat(goldenDir(name)); errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}
	}
	return readTree(t, goldenDir(name))
}

// writeGolden replaces golden/<name>/ with files (replace, not merge).
func writeGolden(t *testing.T, name string, files map[string]string) {
	t.Helper()
	dir := goldenDir(name)
	require.NoError(t, os.RemoveAll(dir))
	for p, s := range files {
		writeFile(t, dir, p, []byte(s))
	}
}

func TestGoldenLayoutRoundTrips(t *testing.T) {
	base := map[string]string{stdoutFile: "base\n", "a.go": "a", "b.go": "b", "c.go": "c"}
	full := map[string]string{stdoutFile: "other\n", "a.go": "a", "b.go": "B", "d.go": "d"}
	stored := compactGolden(full, base, "other")
	require.Equal(t, map[string]string{stdoutFile: "other\n", "b.go": "B", "d.go": "d", removedList: "c.go\n"}, stored,
		"only what differs from the base is stored, with the base's files it lacks in REMOVED.txt")
	require.Equal(t, full, expandGolden(base, stored, "other"))
	require.Equal(t, base, compactGolden(base, base, baseCombo), "the base is stored whole")
	require.NotContains(t, compactGolden(base, base, "same"), removedList, "no REMOVED.txt when nothing is removed")
}

func TestDiffTreesReportsEveryFile(t *testing.T) {
	want := map[string]string{"gone.go": "x", "same.go": "s", "one.go": "1\n", "two.go": "2\n"}
	got := map[string]string{"new.go": "y", "same.go": "s", "one.go": "one\n", "two.go": "two\n"}
	diffs := diffTrees(want, got)
	require.Len(t, diffs, 4, "%s", strings.Join(diffs, "\n"))
	require.Equal(t, "missing: gone.go is in golden but was not generated", diffs[0])
	require.Contains(t, diffs[1], "changed: one.go\n")
	require.Contains(t, diffs[1], "-1\n+one\n")
	require.Contains(t, diffs[2], "changed: two.go\n")
	require.Equal(t, "extra: new.go was generated but is not in golden", diffs[3])
}

func TestGoldenDirsMatchCombos(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("..", "golden"))
	require.NoError(t, err)
	var dirs, names []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	for _, c := range combos {
		names = append(names, c.name)
	}
	sort.Strings(names)
	require.Equal(t, names, dirs, "every golden directory needs a combo in combos_test.go and the reverse")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
