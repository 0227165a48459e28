package generator

import (
	"errors"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sigra-go/sigra-install/templates"
)

func TestValidateAcceptsGoodArguments(t *testing.T) {
	for _, args := range [][3]string{
		{"Accounts", "User", "users"},
		{"Identity", "Member", "members"},
		{"Auth2", "TeamMember", "team_members"},
	} {
		if err := DefaultOptions(args[0], args[1], args[2]).Validate(); err != nil {
			t.Errorf("%v: unexpected error %v", args, err)
		}
	}
}

func TestValidateRejectsBadArguments(t *testing.T) {
	cases := []struct {
		context, schema, table string
		arg, reason            string
	}{
		{"accounts", "User", "users", "context", "upper-case"},
		{"", "User", "users", "context", "empty"},
		{"Acc-ounts", "User", "users", "context", "letters and digits"},
		{"Accounts", "user", "users", "schema", "upper-case"},
		{"Accounts", "Accounts", "users", "schema", "differ"},
		{"Accounts", "User", "Users", "table", "snake_case"},
		{"Accounts", "User", "1users", "table", "snake_case"},
		{"Accounts", "User", "user-s", "table", "snake_case"},
		{"Accounts", "User", "func", "table", "keyword"},
		{"Accounts", "User", "string", "table", "predeclared"},
		{"Accounts", "Any", "users", "schema", "predeclared"}, // "any" is fine, "Any" is not predeclared
		{"Accounts", "Error", "users", "schema", "predeclared"},
	}
	for _, c := range cases {
		err := DefaultOptions(c.context, c.schema, c.table).Validate()
		if c.schema == "Any" || c.schema == "Error" {
			// Exported names never collide with Go's lower-case predeclared identifiers.
			if err != nil {
				t.Errorf("%s %s %s: unexpected error %v", c.context, c.schema, c.table, err)
			}
			continue
		}
		var ae *ArgError
		if !errors.As(err, &ae) {
			t.Errorf("%s %s %s: want *ArgError, got %v", c.context, c.schema, c.table, err)
			continue
		}
		msg := err.Error()
		if ae.Arg != c.arg || !strings.Contains(msg, c.reason) || !strings.Contains(msg, "example:") || strings.Contains(msg, "\n") {
			t.Errorf("%s %s %s: got %q (arg %s), want one line about %s mentioning %q and an example", c.context, c.schema, c.table, msg, ae.Arg, c.arg, c.reason)
		}
	}
}

func TestModelNames(t *testing.T) {
	cases := []struct {
		context, schema, table string
		pkg, auth, web, v      string
		tokens, sessions, fk   string
	}{
		{"Accounts", "User", "users", "accounts", "userauth", "accountsweb", "user", "user_tokens", "user_sessions", "user_id"},
		{"Identity", "Member", "members", "identity", "memberauth", "identityweb", "member", "member_tokens", "member_sessions", "member_id"},
		{"Auth", "TeamMember", "team_members", "auth", "teammemberauth", "authweb", "teamMember", "team_member_tokens", "team_member_sessions", "team_member_id"},
		{"Accounts", "HTTPUser", "http_users", "accounts", "httpuserauth", "accountsweb", "httpUser", "http_user_tokens", "http_user_sessions", "http_user_id"},
	}
	for _, c := range cases {
		m := newModel(DefaultOptions(c.context, c.schema, c.table), "example.com/app")
		got := []string{m.Pkg, m.AuthPkg, m.WebPkg, m.SchemaVar, m.TokensTable, m.SessionsTable, m.ForeignKey}
		want := []string{c.pkg, c.auth, c.web, c.v, c.tokens, c.sessions, c.fk}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s %s: got %v, want %v", c.context, c.schema, got, want)
		}
		if m.PkgPath != "example.com/app/internal/"+c.pkg {
			t.Errorf("PkgPath = %s", m.PkgPath)
		}
	}
}

func TestModelIDType(t *testing.T) {
	o := DefaultOptions("Accounts", "User", "users")
	if got := newModel(o, "m").IDType; got != "uuid.UUID" {
		t.Errorf("binary id: IDType = %s", got)
	}
	o.BinaryID = false
	if got := newModel(o, "m").IDType; got != "int64" {
		t.Errorf("no binary id: IDType = %s", got)
	}
}

func TestTargetPath(t *testing.T) {
	m := newModel(DefaultOptions("Identity", "TeamMember", "members"), "m")
	cases := map[string]string{
		"internal/__context__/user.go.tmpl":           "internal/identity/user.go",
		"internal/__auth__/auth.go.tmpl":              "internal/teammemberauth/auth.go",
		"internal/__web__/pages/layout.html.tmpl":     "internal/identityweb/pages/layout.html",
		"internal/__context__/__schema__.go.tmpl":     "internal/identity/team_member.go",
		"migrations/sqlite/create___table__.sql.tmpl": "migrations/sqlite/create_members.sql",
	}
	for in, want := range cases {
		if got := m.TargetPath(in); got != want {
			t.Errorf("TargetPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestValidateRejectsNameCollisions lists names whose generated code would not compile (each
// was seen to fail with go vet before validation refused it), or that take the name of a
// package the generated code imports. Each is one line naming the argument, the value, the
// reason and an example.
func TestValidateRejectsNameCollisions(t *testing.T) {
	cases := []struct {
		context, schema, table string
		arg, value, reason     string
	}{
		// Package names the templates import.
		{"Otp", "User", "users", "context", "Otp", `gives the package name "otp", which the generated code imports (github.com/pquerna/otp)`},
		{"Totp", "User", "users", "context", "Totp", `"totp", which the generated code imports (github.com/pquerna/otp/totp)`},
		{"Bytes", "User", "users", "context", "Bytes", `"bytes", which the generated code imports (bytes)`},
		{"Png", "User", "users", "context", "Png", `"png", which the generated code imports (image/png)`},
		{"Cookiejar", "User", "users", "context", "Cookiejar", `"cookiejar", which the generated code imports (net/http/cookiejar)`},
		{"Http", "User", "users", "context", "Http", `"http", which the generated code imports (net/http)`},
		{"Sql", "User", "users", "context", "Sql", `"sql", which the generated code imports (database/sql)`},
		{"Goose", "User", "users", "context", "Goose", `"goose", which the generated code imports (github.com/pressly/goose/v3)`},
		{"Webauthn", "User", "users", "context", "Webauthn", `"webauthn", which the generated code imports (github.com/go-webauthn/webauthn/webauthn)`},
		{"Uuid", "User", "users", "context", "Uuid", `"uuid", which the generated code imports (github.com/google/uuid)`},
		{"Template", "User", "users", "context", "Template", `"template", which the generated code imports (html/template)`},
		{"Smtp", "User", "users", "context", "Smtp", `"smtp", which the generated code imports (github.com/emersion/go-smtp)`},
		{"Gomail", "User", "users", "context", "Gomail", `"gomail", which the generated code imports (github.com/wneessen/go-mail)`},
		// Generated packages colliding with each other or with main.
		{"Userauth", "User", "users", "schema", "User", `gives the package name "userauth", which is also the name of the context package`},
		{"Migrations", "User", "users", "context", "Migrations", `"migrations", which is also the name of the migrations package`},
		{"Main", "User", "users", "context", "Main", `"main", which the generated code already uses (cmd/server)`},
		// Package names hidden by the generated code's variables where the package is used.
		{"Svc", "User", "users", "context", "Svc", `"svc", which internal/userauth/auth_test.go imports but hides behind a variable of that name`},
		{"App", "User", "users", "context", "App", `"app", which internal/appweb/admin_impersonation_test.go imports but hides behind a variable of that name`},
		{"S", "User", "users", "context", "S", `"s", which internal/userauth/auth.go imports but hides behind a variable of that name`},
		{"Token", "User", "users", "context", "Token", `"token", which internal/tokenweb/confirmation.go imports but hides behind a variable of that name`},
		{"Mux", "User", "users", "context", "Mux", `"mux", which internal/muxweb/mailbox.go imports but hides behind a variable of that name`},
		// A package-level name of the web package.
		{"Page", "User", "users", "context", "Page", `"page", which internal/pageweb/mailbox.go imports but hides behind a variable of that name`},
		// Schemas that make a package declare a name twice, or give a keyword.
		{"Accounts", "Context", "users", "schema", "Context", "makes the generated package contextauth declare contextKey twice"},
		{"Accounts", "Session", "users", "schema", "Session", "declare "},
		{"Accounts", "Passkey", "users", "schema", "Passkey", "makes the generated package accounts declare Passkey twice"},
		{"Accounts", "Service", "users", "schema", "Service", "makes the generated package accounts declare Service twice"},
		{"Accounts", "Meta", "users", "schema", "Meta", "makes the generated package accounts declare Meta twice"},
		{"Accounts", "Policy", "users", "schema", "Policy", "makes the generated package accounts declare Policy twice"},
		{"Accounts", "Time", "users", "schema", "Time", "makes the generated package accounts declare scanTime twice"},
		{"Accounts", "Func", "users", "schema", "Func", `gives the identifier "func", a Go keyword`},
		{"Accounts", "Go", "users", "schema", "Go", `gives the identifier "go", a Go keyword`},
	}
	for _, c := range cases {
		err := DefaultOptions(c.context, c.schema, c.table).Validate()
		var ae *ArgError
		if !errors.As(err, &ae) {
			t.Errorf("%s %s %s: want *ArgError, got %v", c.context, c.schema, c.table, err)
			continue
		}
		msg := err.Error()
		if ae.Arg != c.arg || ae.Value != c.value || !strings.Contains(msg, c.reason) || !strings.Contains(msg, "(example: ") || strings.Contains(msg, "\n") {
			t.Errorf("%s %s %s: got %q (arg %s), want one line about %s %q saying %q and an example", c.context, c.schema, c.table, msg, ae.Arg, c.arg, c.value, c.reason)
		}
	}
}

// TestValidateAcceptsTrickyNames checks names close to the rejected ones: each plan builds, and
// no generated Go file imports two packages of one name or a package named like itself.
// (TestGeneratedCodeCompilesForEdgeNames type-checks some of them for real.)
func TestValidateAcceptsTrickyNames(t *testing.T) {
	for _, args := range [][3]string{
		{"Accounts", "User", "users"},
		{"Identity", "Member", "members"},
		{"Auth", "Person", "people"},
		{"Web", "Svc", "svcs"},      // a web package "webweb"; a schema variable "svc"
		{"Db", "String", "strings"}, // locals named db never hide a package "db"
		{"Accounts", "Http", "http_users"},
		{"Accounts", "Sql", "users"}, // the auth package "sqlauth" is free
		{"Accounts", "Error", "users"},
		{"Accounts", "Other", "users"},
		{"Stdlib", "User", "users"},
	} {
		o := DefaultOptions(args[0], args[1], args[2])
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		plan, err := Build(o, hostWith(t, nil))
		if err != nil {
			t.Errorf("%v: %v", args, err)
			continue
		}
		generated := map[string]bool{}
		for _, p := range plan.Model.GeneratedPackages() {
			generated[p] = true
		}
		goFiles := 0
		for _, f := range plan.Files {
			if path.Ext(f.Path) != ".go" {
				continue
			}
			goFiles++
			for _, problem := range importProblems(t, f.Path, f.Data, generated) {
				t.Errorf("%v: %s", args, problem)
			}
		}
		if goFiles < 50 {
			t.Errorf("%v: only %d Go files in the plan", args, goFiles)
		}
	}
}

// importProblems parses one generated file and reports an import whose name is bound twice
// in the file, or that names a generated package the same as the file's own package.
func importProblems(t *testing.T, name string, src []byte, generated map[string]bool) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	own := strings.TrimSuffix(f.Name.Name, "_test")
	var problems []string
	seen := map[string]string{}
	for _, spec := range f.Imports {
		p, _ := strconv.Unquote(spec.Path.Value)
		n := importPathName(p)
		if spec.Name != nil {
			n = spec.Name.Name
		}
		if n == "_" || n == "." {
			continue
		}
		if prev, ok := seen[n]; ok {
			problems = append(problems, name+": "+prev+" and "+p+" are both imported as "+n)
		}
		seen[n] = p
		if n == own && generated[own] {
			problems = append(problems, name+": package "+own+" imports "+p+", also named "+n)
		}
	}
	return problems
}

// TestDerivedNamesHoldTheCulprits guards the derivation itself: if the scan silently found
// nothing, every name would pass.
func TestDerivedNamesHoldTheCulprits(t *testing.T) {
	idx, err := templateIndex()
	if err != nil {
		t.Fatal(err)
	}
	var tmpl int
	_ = fs.WalkDir(templates.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".go.tmpl") {
			tmpl++
		}
		return err
	})
	if len(idx.files) != tmpl || tmpl < 100 {
		t.Errorf("scanned %d Go templates of %d", len(idx.files), tmpl)
	}
	want := map[string]string{
		"otp": "github.com/pquerna/otp", "totp": "github.com/pquerna/otp/totp", "bytes": "bytes",
		"png": "image/png", "cookiejar": "net/http/cookiejar", "http": "net/http", "sql": "database/sql",
		"goose": "github.com/pressly/goose/v3", "webauthn": "github.com/go-webauthn/webauthn/webauthn",
		"uuid": "github.com/google/uuid", "gomail": "github.com/wneessen/go-mail", "slog": "log/slog",
		"river": "github.com/riverqueue/river", "smtp": "github.com/emersion/go-smtp",
	}
	for name, p := range want {
		if got := idx.imported[name]; !slices.Contains(got, p) {
			t.Errorf("imported[%q] = %v, want it to hold %s", name, got, p)
		}
	}
	// Blank imports bind no name: the pgx and sqlite drivers do not reserve "stdlib" or "sqlite".
	for _, name := range []string{"stdlib", "sqlite", "_", ""} {
		if got, ok := idx.imported[name]; ok {
			t.Errorf("imported[%q] = %v, want no entry", name, got)
		}
	}
	if idx.declaredPkgs["main"] != "cmd/server" || idx.declaredPkgs["migrations"] != "migrations" {
		t.Errorf("declared packages = %v, want main (cmd/server) and migrations", idx.declaredPkgs)
	}
	for _, table := range []string{"ǂTableǂ", "ǂTokensTableǂ", "ǂSessionsTableǂ", "rate_limits", "audit_events"} {
		if !slices.Contains(idx.tables, table) {
			t.Errorf("the migrations' tables %v lack %s", idx.tables, table)
		}
	}
	if len(idx.decls) == 0 || len(idx.members) == 0 || len(idx.idents) == 0 {
		t.Errorf("no declarations scanned: %d packages, %d members, %d placeholder identifiers", len(idx.decls), len(idx.members), len(idx.idents))
	}
}

// TestScanTemplateSyntax runs the scan on a made-up template with every import form the
// templates may use.
func TestScanTemplateSyntax(t *testing.T) {
	fsys := fstest.MapFS{
		"feat/internal/__context__/a.go.tmpl": {Data: []byte(`{{.Provenance}}

package {{.Pkg}}

import (
	"context"
{{if .BinaryID}}
	"github.com/google/uuid"
{{- else}}
	"strconv"
{{- end}}
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"
	. "github.com/example/dot"
	yaml "gopkg.in/yaml.v3"
	"gopkg.in/ini.v1"
	stdmail "net/mail"
	"{{.AuthPkgPath}}"
	"{{.PkgPath}}/{{.Pkg}}test"
)

type {{.Schema}} struct{ {{.SchemaVar}} int }

func select{{.Schema}}(ctx context.Context, {{.SchemaVar}}ID int) {
	svc := 1
	_ = {{.AuthPkg}}.X(svc)
}
`)},
		"feat/cmd/tool/main.go.tmpl": {Data: []byte("package main\n\nfunc main() {}\n")},
	}
	idx, err := scanTemplates(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n, paths := range idx.imported {
		names = append(names, n+"="+strings.Join(paths, ","))
	}
	slices.Sort(names)
	want := "context=context ini=gopkg.in/ini.v1 pgx=github.com/jackc/pgx/v5 stdmail=net/mail strconv=strconv uuid=github.com/google/uuid yaml=gopkg.in/yaml.v3"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("imported:\n got %s\nwant %s", got, want)
	}
	if idx.declaredPkgs["main"] != "cmd/tool" || len(idx.declaredPkgs) != 1 {
		t.Errorf("declared packages = %v", idx.declaredPkgs)
	}
	key := "internal/__context__ ǂPkgǂ"
	if got := strings.Join(idx.decls[key], " "); got != "ǂSchemaǂ selectǂSchemaǂ" {
		t.Errorf("decls = %q", got)
	}
	if got := strings.Join(idx.members[key], " "); got != "ǂSchemaǂ.ǂSchemaVarǂ" {
		t.Errorf("members = %q", got)
	}
	m := newModel(DefaultOptions("Accounts", "Svc", "svcs"), "example.com/app")
	if err := checkNames(m, idx); err != nil {
		t.Errorf("Accounts Svc: %v", err)
	}
	// Schema Go: the field {{.SchemaVar}} becomes the keyword go.
	m = newModel(DefaultOptions("Accounts", "Go", "gos"), "example.com/app")
	if err := checkNames(m, idx); err == nil || !strings.Contains(err.Error(), `"go", a Go keyword`) {
		t.Errorf("Accounts Go: %v", err)
	}
	// An explicit alias reserves its name like any import.
	m = newModel(DefaultOptions("Yaml", "User", "users"), "example.com/app")
	if err := checkNames(m, idx); err == nil || !strings.Contains(err.Error(), `"yaml", which the generated code imports (gopkg.in/yaml.v3)`) {
		t.Errorf("Yaml: %v", err)
	}
	// A local variable hides a generated package only where that package is still used
	// after it: the local userauth hides the auth package of schema User, not of Member.
	fsys["feat/internal/__web__/b.go.tmpl"] = &fstest.MapFile{Data: []byte(`package {{.WebPkg}}

import "{{.AuthPkgPath}}"

func f() {
	userauth := 1
	_ = userauth
	_ = {{.AuthPkg}}.X
}
`)}
	idx, err = scanTemplates(fsys)
	if err != nil {
		t.Fatal(err)
	}
	m = newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	if err := checkNames(m, idx); err == nil || !strings.Contains(err.Error(), `invalid schema "User": gives the package name "userauth", which internal/accountsweb/b.go imports but hides behind a variable of that name`) {
		t.Errorf("hidden auth package: %v", err)
	}
	m = newModel(DefaultOptions("Accounts", "Member", "members"), "example.com/app")
	if err := checkNames(m, idx); err != nil {
		t.Errorf("Accounts Member: %v", err)
	}
}

func TestImportPathName(t *testing.T) {
	for p, want := range map[string]string{
		"net/http":                       "http",
		"github.com/jackc/pgx/v5":        "pgx",
		"github.com/jackc/pgx/v5/stdlib": "stdlib",
		"github.com/pressly/goose/v3":    "goose",
		"gopkg.in/yaml.v3":               "yaml",
		"github.com/wneessen/go-mail":    "mail",
		"github.com/emersion/go-smtp":    "smtp",
		"example.com/v2":                 "example",
		"v2":                             "v2",
	} {
		if got := importPathName(p); got != want {
			t.Errorf("importPathName(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestGeneratedPackagesMatchTemplates keeps Model.GeneratedPackages complete: every package
// clause of every Go template, rendered for a model, is one of them or main, and each of them
// is declared by some template.
func TestGeneratedPackagesMatchTemplates(t *testing.T) {
	idx, err := templateIndex()
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(DefaultOptions("Identity", "Member", "members"), "example.com/app")
	declared := map[string]bool{}
	for _, f := range idx.files {
		declared[newSubstituter(m).apply(f.pkg)] = true
	}
	listed := map[string]bool{"main": true}
	for _, p := range m.GeneratedPackages() {
		listed[p] = true
		if !declared[p] {
			t.Errorf("GeneratedPackages lists %s, which no template declares", p)
		}
	}
	for p := range declared {
		if !listed[p] {
			t.Errorf("a template declares package %s, which GeneratedPackages does not list", p)
		}
	}
	want := "migrations identity identitytest identityweb identitymail memberauth"
	if got := strings.Join(m.GeneratedPackages(), " "); got != want {
		t.Errorf("GeneratedPackages() = %s, want %s", got, want)
	}
}

// TestValidateRejectsUnusableTables: the generated SQL writes table names unquoted, and
// creates tables of its own beside the schema's.
func TestValidateRejectsUnusableTables(t *testing.T) {
	for table, reason := range map[string]string{
		"user":             "is a reserved word in PostgreSQL or SQLite, and the generated SQL does not quote table names",
		"order":            "is a reserved word in PostgreSQL or SQLite",
		"index":            "is a reserved word in PostgreSQL or SQLite", // SQLite only
		"analyse":          "is a reserved word in PostgreSQL or SQLite", // PostgreSQL only
		"rate_limits":      "is a table the generated migrations already create",
		"audit_events":     "is a table the generated migrations already create",
		"user_tokens":      "is a table the generated migrations already create",
		"user_passkeys":    "is a table the generated migrations already create",
		"sqlite_users":     "starts with sqlite_",
		"river_job":        "starts with river_",
		"goose_db_version": "is the table goose records applied migrations in",
	} {
		err := DefaultOptions("Accounts", "User", table).Validate()
		var ae *ArgError
		if !errors.As(err, &ae) || ae.Arg != "table" || ae.Value != table || !strings.Contains(err.Error(), reason) || !strings.HasSuffix(err.Error(), "(example: users)") {
			t.Errorf("table %s: got %v, want an *ArgError saying %q", table, err, reason)
		}
	}
	for _, args := range [][3]string{{"Accounts", "Member", "user_tokens"}, {"Accounts", "User", "users"}, {"Accounts", "User", "accounts"}, {"Accounts", "User", "users_index"}} {
		if err := DefaultOptions(args[0], args[1], args[2]).Validate(); err != nil {
			t.Errorf("%v: unexpected error %v", args, err)
		}
	}

	// Tables created from the schema's names collide with the fixed ones too.
	idx, err := scanTemplates(fstest.MapFS{
		"f/migrations/sqlite/a.sql.tmpl": {Data: []byte("CREATE TABLE {{.Table}} (id);\nCREATE TABLE IF NOT EXISTS {{.SchemaSnake}}_log (id);\ncreate table audit_log (id);\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(idx.tables, " "); got != "audit_log ǂSchemaSnakeǂ_log ǂTableǂ" {
		t.Errorf("tables = %q", got)
	}
	m := newModel(DefaultOptions("Accounts", "Audit", "audits"), "example.com/app")
	if err := checkTable(m, idx); err == nil || err.Error() != `invalid schema "Audit": makes the generated migrations create the table audit_log twice (example: User)` {
		t.Errorf("Audit: %v", err)
	}
	m = newModel(DefaultOptions("Accounts", "User", "audit_log"), "example.com/app")
	if err := checkTable(m, idx); err == nil || !strings.Contains(err.Error(), `invalid table "audit_log": is a table the generated migrations already create`) {
		t.Errorf("audit_log: %v", err)
	}
}

// TestCheckRenderedImports exercises the guard on rendered files with collisions validation
// would have refused before rendering.
func TestCheckRenderedImports(t *testing.T) {
	m := newModel(DefaultOptions("Http", "User", "users"), "example.com/app")
	file := func(p, src string) []File {
		return []File{{Path: p, Data: []byte(src)}, {Path: "README.txt", Data: []byte("import (")}}
	}

	err := checkRenderedImports(m, file("internal/userauth/auth.go", "package userauth\n\nimport (\n\t\"net/http\"\n\n\t\"example.com/app/internal/http\"\n)\n"))
	var ae *ArgError
	if !errors.As(err, &ae) || err.Error() != `invalid context "Http": gives the package name "http", but internal/userauth/auth.go imports both net/http and example.com/app/internal/http under that name (example: Accounts)` {
		t.Errorf("two imports named http: %v", err)
	}

	err = checkRenderedImports(m, file("internal/http/otp.go", "package http\n\nimport \"net/http\"\n"))
	if !errors.As(err, &ae) || ae.Arg != "context" || !strings.Contains(err.Error(), "is in package http and imports net/http, also named http") {
		t.Errorf("package http importing net/http: %v", err)
	}

	m = newModel(DefaultOptions("Userauth", "User", "users"), "example.com/app")
	err = checkRenderedImports(m, file("internal/userauth/auth.go", "package userauth\n\nimport \"example.com/app/internal/userauth\"\n"))
	if !errors.As(err, &ae) || ae.Arg != "schema" || !strings.Contains(err.Error(), "is in package userauth and imports example.com/app/internal/userauth") {
		t.Errorf("package userauth importing itself: %v", err)
	}

	// Two outside packages under one name are a template bug, not the arguments' fault.
	m = newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	err = checkRenderedImports(m, file("internal/accountsweb/render.go", "package accountsweb\n\nimport (\n\t\"html/template\"\n\t\"text/template\"\n)\n"))
	if err == nil || errors.As(err, &ae) || !strings.Contains(err.Error(), "imports both html/template and text/template") {
		t.Errorf("html/template and text/template: %v", err)
	}
	// Blank, dot and aliased imports bind no clashing name.
	err = checkRenderedImports(m, file("internal/accountsweb/render.go", "package accountsweb\n\nimport (\n\thtmltemplate \"html/template\"\n\t\"text/template\"\n\t_ \"embed\"\n\t_ \"modernc.org/sqlite\"\n\t. \"strings\"\n\t. \"bytes\"\n)\n"))
	if err != nil {
		t.Errorf("aliased, blank and dot imports: %v", err)
	}
}
