package generator

import (
	"os"
	"path/filepath"
	"testing"
)

func TestApplyWritesAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	// "blocked" is a file, so nothing can be created beneath it.
	if err := os.WriteFile(filepath.Join(dir, "blocked"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	actions := []Action{
		{Kind: ActCreate, Path: "a/first.go", Data: []byte("package a\n")},
		{Kind: ActCreate, Path: "blocked/second.go", Data: []byte("package b\n")},
	}
	if err := Apply(actions, dir); err == nil {
		t.Fatal("Apply should fail when a file cannot be written")
	}
	if _, err := os.Stat(filepath.Join(dir, "a", "first.go")); !os.IsNotExist(err) {
		t.Errorf("first.go was written although the run failed (stat err %v)", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "a", ".sigra-*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestApplyKeepsFileModeOnOverwrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(p, []byte("old"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Apply([]Action{{Kind: ActOverwrite, Path: "run.sh", Data: []byte("new")}}, dir); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" || info.Mode().Perm() != 0o755 {
		t.Errorf("got %q with mode %v, want \"new\" with 0755", b, info.Mode().Perm())
	}
}

func TestApplyRefusesConflicts(t *testing.T) {
	dir := t.TempDir()
	err := Apply([]Action{
		{Kind: ActCreate, Path: "x.go", Data: []byte("package x\n")},
		{Kind: ActConflict, Path: "y.go"},
	}, dir)
	if err == nil {
		t.Fatal("Apply must refuse a plan with conflicts")
	}
	if _, err := os.Stat(filepath.Join(dir, "x.go")); !os.IsNotExist(err) {
		t.Errorf("x.go written despite a conflict")
	}
}
