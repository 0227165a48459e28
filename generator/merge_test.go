package generator

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var testLabels = MergeLabels{Ours: "yours", Theirs: "sigra-install 0.2.0"}

func lines(s ...string) []byte { return []byte(strings.Join(s, "\n") + "\n") }

func TestMerge3(t *testing.T) {
	base := lines("a", "b", "c", "d", "e", "f", "g")
	tests := []struct {
		name          string
		ours, theirs  []byte
		want          []byte
		wantConflicts int
	}{
		{"only theirs changed", base, lines("a", "B", "c", "d", "e", "f", "g"), lines("a", "B", "c", "d", "e", "f", "g"), 0},
		{"only ours changed", lines("a", "b", "c", "D", "e", "f", "g"), base, lines("a", "b", "c", "D", "e", "f", "g"), 0},
		{"apart", lines("a", "b", "c", "d", "e", "F", "g"), lines("A", "b", "c", "d", "e", "f", "g"), lines("A", "b", "c", "d", "e", "F", "g"), 0},
		{"both the same way", lines("a", "X", "c", "d", "e", "f", "g"), lines("a", "X", "c", "d", "e", "f", "g"), lines("a", "X", "c", "d", "e", "f", "g"), 0},
		{"insert and delete apart", lines("a", "b", "c", "d", "e", "f", "g", "h"), lines("b", "c", "d", "e", "f", "g"), lines("b", "c", "d", "e", "f", "g", "h"), 0},
		{
			"same line differently",
			lines("a", "b", "mine", "d", "e", "f", "g"), lines("a", "b", "yours", "d", "e", "f", "g"),
			lines("a", "b", "<<<<<<< yours", "mine", "=======", "yours", ">>>>>>> sigra-install 0.2.0", "d", "e", "f", "g"), 1,
		},
		{
			"both insert at the same place",
			lines("a", "b", "c", "d", "e", "f", "g", "mine"), lines("a", "b", "c", "d", "e", "f", "g", "theirs"),
			lines("a", "b", "c", "d", "e", "f", "g", "<<<<<<< yours", "mine", "=======", "theirs", ">>>>>>> sigra-install 0.2.0"), 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := Merge3(base, tt.ours, tt.theirs, testLabels)
			if string(got) != string(tt.want) || n != tt.wantConflicts {
				t.Errorf("got %d conflicts:\n%s\nwant %d:\n%s", n, got, tt.wantConflicts, tt.want)
			}
			if HasConflictMarkers(got) != (n > 0) {
				t.Errorf("HasConflictMarkers = %v with %d conflicts", HasConflictMarkers(got), n)
			}
		})
	}
}

// TestMerge3NoFinalNewline: a side ending without a newline still gets markers on lines of
// their own.
func TestMerge3NoFinalNewline(t *testing.T) {
	got, n := Merge3([]byte("a\nb"), []byte("a\nmine"), []byte("a\ntheirs"), testLabels)
	want := "a\n<<<<<<< yours\nmine\n=======\ntheirs\n>>>>>>> sigra-install 0.2.0\n"
	if string(got) != want || n != 1 {
		t.Errorf("got %d conflicts:\n%q\nwant\n%q", n, got, want)
	}
}

// TestMerge2 has no base: every difference is a conflict, common lines stay.
func TestMerge2(t *testing.T) {
	got, n := Merge2(lines("a", "b", "c"), lines("a", "B", "c", "d"), testLabels)
	want := lines("a", "<<<<<<< yours", "b", "=======", "B", ">>>>>>> sigra-install 0.2.0", "c", "<<<<<<< yours", "=======", "d", ">>>>>>> sigra-install 0.2.0")
	if string(got) != string(want) || n != 2 {
		t.Errorf("got %d conflicts:\n%s\nwant 2:\n%s", n, got, want)
	}
}

// TestMerge3AgreesWithGit merges real generated files, edited the way owners edit them, with
// Merge3 and with git merge-file, and expects the same bytes.
func TestMerge3AgreesWithGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	src, err := os.ReadFile("merge.go")
	if err != nil {
		t.Fatal(err)
	}
	base := string(src)
	theirs := strings.Replace(base, "// It is pure Go", "// It is plain Go", 1)
	theirs = strings.Replace(theirs, "func sameLines(", "// sameLines compares two runs of lines.\nfunc sameLines(", 1)
	cases := map[string]string{
		"apart":    strings.Replace(base, "package generator\n", "package generator\n\n// An owner's note.\n", 1) + "\n// Appended by the owner.\n",
		"conflict": strings.Replace(base, "// It is pure Go", "// It is our own Go", 1),
		"deleted":  strings.Replace(base, "func writeLines(out *strings.Builder, lines []string) {\n\tfor _, l := range lines {\n\t\tout.WriteString(l)\n\t}\n}\n", "", 1),
	}
	for name, ours := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, s string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}
			o, b, th := write("ours", ours), write("base", base), write("theirs", theirs)
			cmd := exec.Command(git, "merge-file", "-p", "-L", "yours", "-L", "base", "-L", "sigra-install 0.2.0", o, b, th)
			want, err := cmd.Output()
			gitConflicts := 0
			if ee, ok := err.(*exec.ExitError); ok {
				gitConflicts = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			got, n := Merge3([]byte(base), []byte(ours), []byte(theirs), testLabels)
			if string(got) != string(want) || n != gitConflicts {
				t.Errorf("Merge3: %d conflicts, git: %d\n%s", n, gitConflicts, UnifiedDiff("merged", want, got))
			}
		})
	}
}
