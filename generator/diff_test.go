package generator

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnifiedDiff(t *testing.T) {
	lines := func(from, to int) string {
		var b strings.Builder
		for i := from; i <= to; i++ {
			fmt.Fprintf(&b, "line %d\n", i)
		}
		return b.String()
	}
	for _, tc := range []struct {
		name, have, want, diff string
	}{{
		name: "equal",
		have: "a\n", want: "a\n",
		diff: "",
	}, {
		name: "one line changed",
		have: lines(1, 10), want: strings.Replace(lines(1, 10), "line 5\n", "line five\n", 1),
		diff: "--- f.go\t(yours)\n+++ f.go\t(sigra-install)\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n",
	}, {
		name: "two changes far apart are two hunks",
		have: lines(1, 20), want: "line 0\n" + lines(1, 19),
		diff: "--- f.go\t(yours)\n+++ f.go\t(sigra-install)\n@@ -1,3 +1,4 @@\n+line 0\n line 1\n line 2\n line 3\n@@ -17,4 +18,3 @@\n line 17\n line 18\n line 19\n-line 20\n",
	}, {
		name: "into an empty file",
		have: "", want: "a\nb\n",
		diff: "--- f.go\t(yours)\n+++ f.go\t(sigra-install)\n@@ -0,0 +1,2 @@\n+a\n+b\n",
	}, {
		name: "no newline at the end",
		have: "a\nb", want: "a\nb\n",
		diff: "--- f.go\t(yours)\n+++ f.go\t(sigra-install)\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := UnifiedDiff("f.go", []byte(tc.have), []byte(tc.want)); got != tc.diff {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.diff)
			}
		})
	}
}

// TestUnifiedDiffApplies feeds random edits through git apply: the diff must turn the host's
// file into the generated one exactly.
func TestUnifiedDiffApplies(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"alpha\n", "beta\n", "gamma\n", "delta\n", "}\n", "\n"}
	random := func() string {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(words[r.IntN(len(words))])
		}
		return b.String()
	}
	dir := t.TempDir()
	for i := range 40 {
		have, want := random(), random()
		if have == want {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(have), 0o644); err != nil {
			t.Fatal(err)
		}
		patch := filepath.Join(dir, "f.patch")
		if err := os.WriteFile(patch, []byte(UnifiedDiff("f.txt", []byte(have), []byte(want))), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(git, "apply", "--unidiff-zero", "-p0", patch)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: git apply: %v\n%s\ndiff:\n%s", i, err, out, UnifiedDiff("f.txt", []byte(have), []byte(want)))
		}
		got, _ := os.ReadFile(filepath.Join(dir, "f.txt"))
		if string(got) != want {
			t.Fatalf("case %d: the patched file differs from the generated one", i)
		}
	}
}
