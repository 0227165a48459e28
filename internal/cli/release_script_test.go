package cli_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite"

	"github.com/sigra-go/sigra-install/generator"
	"github.com/sigra-go/sigra-install/internal/cli"
)

// oldRelease is the version the upgrade scripts install with (sigra-install-old).
const oldRelease = "0.0.9"

// oldEdits synthesise the templates of release 0.0.9 from this release's: 0.0.9 differed in a
// handler and a page by one line each, and did not have the account-settings migration yet
// (so upgrading to this release must add it as a new migration). Each line must still be in
// the current templates; the command fails loudly when one is not.
var oldEdits = map[string][2]string{ // template -> {line now, line in 0.0.9}
	"core/internal/__web__/sessions.go.tmpl": {
		"// sessionsPage lists the account's live sessions. Like every account page it is no-store: it",
		"// sessionsPage lists the account's sessions. Like every account page it is no-store: it",
	},
	"core/internal/__web__/templates/home.html.tmpl": {
		"<p>Log in to your account, or create one in a few seconds.</p>",
		"<p>Log in, or create an account.</p>",
	},
	"core/internal/__web__/templates/error.html.tmpl": {
		`<p><a href="/">Back to the home page</a></p>`,
		`<p><a href="/">Home</a></p>`,
	},
}

var oldMissing = []string{
	"core/migrations/sqlite/20_account_settings.sql.tmpl",
	"core/migrations/postgres/20_account_settings.sql.tmpl",
}

// sigraInstallOld runs the CLI as release 0.0.9.
func sigraInstallOld() int {
	tmpl, err := oldTemplates()
	if err != nil {
		fmt.Fprintln(os.Stderr, "sigra-install-old:", err)
		return 1
	}
	return cli.MainAs(oldRelease, tmpl, os.Args[1:], os.Stdout, os.Stderr)
}

func oldTemplates() (fs.FS, error) {
	cur := generator.Templates()
	o := overlayFS{base: cur, files: fstest.MapFS{}, hidden: map[string]bool{}}
	for name, edit := range oldEdits {
		data, err := fs.ReadFile(cur, name)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(string(data), edit[0]) {
			return nil, fmt.Errorf("%s no longer has the line %q that release %s changed; pick another line in oldEdits", name, edit[0], oldRelease)
		}
		o.files[name] = &fstest.MapFile{Data: []byte(strings.Replace(string(data), edit[0], edit[1], 1)), Mode: 0o644}
	}
	for _, name := range oldMissing {
		if _, err := fs.Stat(cur, name); err != nil {
			return nil, fmt.Errorf("%s: %w (update oldMissing)", name, err)
		}
		o.hidden[name] = true
	}
	return o, nil
}

// overlayFS is base with some files replaced and some hidden.
type overlayFS struct {
	base   fs.FS
	files  fstest.MapFS
	hidden map[string]bool
}

func (o overlayFS) Open(name string) (fs.File, error) {
	if o.hidden[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	if _, ok := o.files[name]; ok {
		return o.files.Open(name)
	}
	return o.base.Open(name)
}

func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.base, name)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(entries, func(e fs.DirEntry) bool { return o.hidden[path.Join(name, e.Name())] }), nil
}

// gooseUp applies the host's SQLite migrations to a database file with goose itself, the way
// the generated app does at start: `goose-up DB [-all-but-last]`, run in the host root.
func gooseUp() int {
	if err := runGooseUp(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "goose-up:", err)
		return 1
	}
	return 0
}

func runGooseUp(args []string) error {
	if len(args) < 1 {
		return errors.New("usage: goose-up DB [-all-but-last]")
	}
	db, err := sql.Open("sqlite", "file:"+args[0]+"?_pragma=journal_mode(WAL)") // as the app opens it
	if err != nil {
		return err
	}
	defer db.Close()
	dir := os.DirFS(filepath.Join("migrations", "sqlite"))
	provider, err := goose.NewProvider(goose.DialectSQLite3, db, dir)
	if err != nil {
		return err
	}
	ctx := context.Background()
	if len(args) > 1 && args[1] == "-all-but-last" {
		sources := provider.ListSources()
		sort.Slice(sources, func(i, j int) bool { return sources[i].Version < sources[j].Version })
		if len(sources) < 2 {
			return errors.New("fewer than two migrations")
		}
		_, err = provider.UpTo(ctx, sources[len(sources)-2].Version)
		return err
	}
	_, err = provider.Up(ctx)
	return err
}
