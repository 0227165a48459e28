package generator_test

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

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

// delta is what the run created or changed relative to the fixture, plus STDOUT.txt.
func delta(t testing.TB, fixture, dir, stdout string) map[string]string {
	before := readTree(t, filepath.Join("..", "testdata", "host", fixture))
	out := map[string]string{"STDOUT.txt": stdout}
	for p, s := range readTree(t, dir) {
		if before[p] != s {
			out[p] = s
		}
	}
	return out
}

func TestGolden(t *testing.T) {
	for _, c := range combos {
		t.Run(c.name, func(t *testing.T) {
			dir, stdout := generate(t, "fresh", c.args...)
			got := delta(t, "fresh", dir, stdout)
			goldenDir := filepath.Join("..", "golden", c.name)
			if updating() {
				require.NoError(t, os.RemoveAll(goldenDir))
				for p, s := range got {
					target := filepath.Join(goldenDir, filepath.FromSlash(p))
					require.NoError(t, os.MkdirAll(filepath.Dir(target), 0o755))
					require.NoError(t, os.WriteFile(target, []byte(s), 0o644))
				}
				t.Logf("rewrote %s (%d files)", goldenDir, len(got))
				return
			}
			want := readTree(t, goldenDir)
			require.Equal(t, sortedKeys(want), sortedKeys(got), "the set of generated files changed; run go test ./generator -run TestGolden -update and review the diff")
			for _, p := range sortedKeys(want) {
				require.Equal(t, want[p], got[p], "golden/%s/%s differs; run go test ./generator -run TestGolden -update and review the diff", c.name, p)
			}
		})
	}
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
