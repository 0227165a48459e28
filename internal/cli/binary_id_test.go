package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sigra-go/sigra-install/internal/cli"
)

// TestBinaryIDFlag checks the key type each spelling of the flag gives: UUIDs by default and
// with --binary-id, int64 with --binary-id=false exactly as with --no-binary-id, and a usage
// error for --binary-id with --no-binary-id.
func TestBinaryIDFlag(t *testing.T) {
	t.Setenv("SIGRA_INSTALL_NOW", "2026-01-02T03:04:05Z")
	for _, c := range []struct {
		flags  []string
		idType string
	}{
		{nil, "uuid.UUID"},
		{[]string{"--binary-id"}, "uuid.UUID"},
		{[]string{"--binary-id=true"}, "uuid.UUID"},
		{[]string{"--binary-id=false"}, "int64"},
		{[]string{"--no-binary-id"}, "int64"},
		{[]string{"--no-binary-id=false"}, "uuid.UUID"},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.26.8\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		args := append([]string{"Accounts", "User", "users", "--no-tidy", "--dir", dir}, c.flags...)
		if code := cli.Main(args, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d\n%s", c.flags, code, errOut.String())
		}
		user, err := os.ReadFile(filepath.Join(dir, "internal", "accounts", "user.go"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(user), "type ID = "+c.idType+"\n") {
			t.Errorf("%v: internal/accounts/user.go does not say type ID = %s", c.flags, c.idType)
		}
		gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		if uuid := strings.Contains(string(gomod), "github.com/google/uuid"); uuid != (c.idType == "uuid.UUID") {
			t.Errorf("%v: go.mod requires github.com/google/uuid: %v, want %v", c.flags, uuid, !uuid)
		}
	}

	var out, errOut bytes.Buffer
	code := cli.Main([]string{"Accounts", "User", "users", "--dry-run", "--dir", t.TempDir(), "--binary-id", "--no-binary-id"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "binary-id") {
		t.Errorf("--binary-id --no-binary-id: exit %d, stderr %q; want exit 2 naming the flags", code, errOut.String())
	}
}
