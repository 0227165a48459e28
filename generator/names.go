package generator

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/sigra-go/sigra-install/templates"
)

// The names the generated code already uses are read from the Go templates themselves, so that
// argument validation follows the templates instead of a list kept by hand. Every Go template
// of every feature is parsed once, with its template actions neutralised: a field reference
// such as {{.Pkg}} becomes the placeholder ǂPkgǂ (a valid Go identifier, and a valid piece of an
// import path), and control actions ({{if}}, {{else}}, {{end}}) are dropped, so both branches
// of a condition are scanned. Validation then substitutes the model's names for the
// placeholders and looks for the collisions the Go compiler would report.

// placeholderMark delimits a template field in neutralised source. It is a letter, so that
// "selectǂSchemaǂ" is one identifier, and no template uses it.
const placeholderMark = "ǂ"

// tmplFile is what one Go template declares and imports, with placeholders left in.
type tmplFile struct {
	rel     string // the template's path inside its feature folder, e.g. "internal/__auth__/mfa_test.go.tmpl"
	pkgKey  string // which package it belongs to: its folder and package clause
	pkg     string // the package clause, e.g. "ǂAuthPkgǂ", "main"
	imports []tmplImport
	shadows []shadow // sorted
}

// shadow is a selector X.Sel whose X (qual) is written where a local variable of another
// name (local) is in scope: if the arguments made both the name of an imported package, the
// local would hide the package there. Only pairs in which a placeholder takes part are kept:
// two fixed names that differ never become equal.
type shadow struct{ local, qual string }

// localDecl is a name declared inside a function, and the stretch of the file where it could
// hide a package: from the declaration (for parameters, from the body) to the function's end.
type localDecl struct {
	name       string
	start, end token.Pos
}

type qualUse struct {
	name string
	pos  token.Pos
}

type tmplImport struct {
	path  string // e.g. "github.com/pquerna/otp" or "ǂPkgPathǂ"
	alias string // the explicit name, "_" or "." if any, else ""
}

// tmplIndex is every Go template, scanned.
type tmplIndex struct {
	files []tmplFile
	// decls maps a package key to the identifiers declared in that package's block across all
	// of its files; members maps it to "Type.name" for every method and struct field.
	decls, members map[string][]string
	// idents holds every identifier that contains a placeholder, for the keyword check.
	idents []string
	// imported maps each package name the templates import from outside the generated code
	// (alias or the name the path implies) to the import paths that give it.
	imported map[string][]string
	// declaredPkgs holds the package names the templates declare without a placeholder
	// (main, migrations).
	declaredPkgs map[string]string // name -> template folder
	// tables holds every table the SQL migrations create, e.g. "ǂTokensTableǂ", "rate_limits".
	tables []string
}

// templateIndex is the index of the embedded templates. Scanning them parses every Go
// template, the largest part of a run's start-up, so the index is also kept precomputed in
// names_index.go (rewritten by `go generate`, i.e. `go test -run TestNameIndexFresh -update`,
// and checked fresh by that test). The precomputed index is used only when the templates'
// fingerprint is the one it was built from, so a template edited since is scanned instead:
// a stale index costs time, never a wrong answer.
var templateIndex = sync.OnceValues(func() (*tmplIndex, error) {
	if fp, err := templatesFingerprint(templates.FS); err == nil && fp == prebuiltIndexFingerprint {
		return prebuiltIndex, nil
	}
	return scanTemplates(templates.FS)
})

//go:generate go test -run TestNameIndexFresh -update .

// templatesFingerprint is the SHA-256 of every template the index is built from: each
// path, then its contents, in walk order.
func templatesFingerprint(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !indexed(p) {
			return err
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(src))
		h.Write(src)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("fingerprint templates: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// indexed reports whether the name index reads a template: the Go ones, and the SQL ones
// for their tables.
func indexed(p string) bool {
	return strings.HasSuffix(p, ".go.tmpl") || strings.HasSuffix(p, ".sql.tmpl")
}

var createTablePattern = regexp.MustCompile(`(?i)\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\pL0-9_]+)`)

var actionPattern = regexp.MustCompile(`\{\{-?\s*(.*?)\s*-?\}\}`)

// neutralise turns a Go template into Go source that parses: field references become
// placeholders and control actions disappear.
func neutralise(src string) string {
	return actionPattern.ReplaceAllStringFunc(src, func(action string) string {
		inner := actionPattern.FindStringSubmatch(action)[1]
		if inner == ".Provenance" {
			return Provenance // a comment, the same for every model
		}
		if field, ok := strings.CutPrefix(inner, "."); ok && token.IsIdentifier(field) {
			return placeholderMark + field + placeholderMark
		}
		return ""
	})
}

func scanTemplates(fsys fs.FS) (*tmplIndex, error) {
	idx := &tmplIndex{
		decls:        map[string][]string{},
		members:      map[string][]string{},
		imported:     map[string][]string{},
		declaredPkgs: map[string]string{},
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case strings.HasSuffix(p, ".go.tmpl"):
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			return idx.add(p, neutralise(string(src)))
		case strings.HasSuffix(p, ".sql.tmpl"):
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			for _, m := range createTablePattern.FindAllStringSubmatch(neutralise(string(src)), -1) {
				idx.tables = append(idx.tables, m[1])
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("scan templates for names: %w", err)
	}
	for name, paths := range idx.imported {
		slices.Sort(paths)
		idx.imported[name] = slices.Compact(paths)
	}
	slices.Sort(idx.tables)
	idx.tables = slices.Compact(idx.tables)
	return idx, nil
}

func (idx *tmplIndex) add(tmplPath, src string) error {
	f, err := parser.ParseFile(token.NewFileSet(), tmplPath, src, parser.SkipObjectResolution)
	if err != nil {
		return fmt.Errorf("parse neutralised template: %w", err)
	}
	_, rel, _ := strings.Cut(tmplPath, "/")
	tf := tmplFile{rel: rel, pkg: strings.TrimSuffix(f.Name.Name, "_test")}
	tf.pkgKey = path.Dir(rel) + " " + f.Name.Name
	if !strings.Contains(tf.pkg, placeholderMark) {
		idx.declaredPkgs[tf.pkg] = path.Dir(rel)
	}
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			return fmt.Errorf("import %s: %w", spec.Path.Value, err)
		}
		imp := tmplImport{path: p}
		if spec.Name != nil {
			imp.alias = spec.Name.Name
		}
		tf.imports = append(tf.imports, imp)
		if name := imp.name(); name != "" && !strings.Contains(name+p, placeholderMark) {
			idx.imported[name] = append(idx.imported[name], p)
		}
	}
	for _, decl := range f.Decls {
		switch decl := decl.(type) {
		case *ast.GenDecl:
			for _, spec := range decl.Specs {
				switch spec := spec.(type) {
				case *ast.ValueSpec:
					for _, n := range spec.Names {
						idx.decls[tf.pkgKey] = append(idx.decls[tf.pkgKey], n.Name)
					}
				case *ast.TypeSpec:
					idx.decls[tf.pkgKey] = append(idx.decls[tf.pkgKey], spec.Name.Name)
					if st, ok := spec.Type.(*ast.StructType); ok {
						for _, field := range st.Fields.List {
							for _, n := range fieldNames(field) {
								idx.members[tf.pkgKey] = append(idx.members[tf.pkgKey], spec.Name.Name+"."+n)
							}
						}
					}
				}
			}
		case *ast.FuncDecl:
			if decl.Recv == nil {
				if decl.Name.Name != "init" {
					idx.decls[tf.pkgKey] = append(idx.decls[tf.pkgKey], decl.Name.Name)
				}
			} else if len(decl.Recv.List) == 1 {
				idx.members[tf.pkgKey] = append(idx.members[tf.pkgKey], receiverType(decl.Recv.List[0].Type)+"."+decl.Name.Name)
			}
		}
	}
	var (
		funcs  []ast.Node  // every FuncDecl and FuncLit with a body, to find a local's function
		locals []localDecl // identifiers declared inside functions: parameters, results, :=, var, range
		quals  []qualUse   // every X of a selector X.Sel, where X may name an imported package
	)
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if strings.Contains(n.Name, placeholderMark) {
				idx.idents = append(idx.idents, n.Name)
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				quals = append(quals, qualUse{id.Name, id.Pos()})
			}
		case *ast.FuncDecl:
			if n.Body != nil {
				funcs = append(funcs, n)
				locals = append(locals, params(n.Body, n.Recv, n.Type)...)
			}
		case *ast.FuncLit:
			funcs = append(funcs, n)
			locals = append(locals, params(n.Body, nil, n.Type)...)
		}
		return true
	})
	// Locals declared in a body hide a package from their declaration to the end of the
	// innermost function (an over-approximation of their block, which is good enough here).
	ast.Inspect(f, func(n ast.Node) bool {
		var names []string
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				names = identNames(n.Lhs...)
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				names = identNames(n.Key, n.Value)
			}
		case *ast.DeclStmt:
			for _, spec := range n.Decl.(*ast.GenDecl).Specs {
				switch spec := spec.(type) {
				case *ast.ValueSpec:
					names = append(names, identNames(identExprs(spec.Names)...)...)
				case *ast.TypeSpec:
					names = append(names, spec.Name.Name)
				}
			}
		}
		if len(names) > 0 {
			end := innermostEnd(funcs, n.Pos())
			for _, name := range names {
				locals = append(locals, localDecl{name, n.Pos(), end})
			}
		}
		return true
	})
	tf.shadows = shadows(locals, quals)
	idx.files = append(idx.files, tf)
	return nil
}

// shadows pairs each local with the qualifiers written in its scope under another name,
// keeping the pairs a placeholder takes part in, once each.
func shadows(locals []localDecl, quals []qualUse) []shadow {
	set := map[shadow]bool{}
	for _, l := range locals {
		for _, q := range quals {
			if l.start <= q.pos && q.pos < l.end && q.name != l.name && strings.Contains(l.name+q.name, placeholderMark) {
				set[shadow{l.name, q.name}] = true
			}
		}
	}
	return slices.SortedFunc(maps.Keys(set), func(a, b shadow) int {
		return cmp.Or(strings.Compare(a.local, b.local), strings.Compare(a.qual, b.qual))
	})
}

// name is the name an import binds in its file: the alias, or the name its path implies
// (the last element, without a /vN major-version element, a .vN gopkg.in suffix or a go-
// prefix, as goimports assumes). It is "" for blank and dot imports, which bind no name.
func (imp tmplImport) name() string {
	switch imp.alias {
	case "_", ".":
		return ""
	case "":
		return importPathName(imp.path)
	}
	return imp.alias
}

func importPathName(p string) string {
	base := path.Base(p)
	if v, ok := strings.CutPrefix(base, "v"); ok && path.Dir(p) != "." {
		if _, err := strconv.Atoi(v); err == nil {
			base = path.Base(path.Dir(p))
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
	}); i >= 0 {
		base = base[:i]
	}
	return base
}

func fieldNames(f *ast.Field) []string {
	if len(f.Names) > 0 {
		return identNames(identExprs(f.Names)...)
	}
	// An embedded field is named after its type.
	return []string{receiverType(f.Type)}
}

func receiverType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return receiverType(e.X)
	case *ast.IndexExpr:
		return receiverType(e.X)
	case *ast.IndexListExpr:
		return receiverType(e.X)
	case *ast.SelectorExpr:
		return e.Sel.Name
	case *ast.Ident:
		return e.Name
	}
	return ""
}

// params lists a function's receiver, type parameter, parameter and result names, each
// visible in the function's body.
func params(body *ast.BlockStmt, recv *ast.FieldList, ft *ast.FuncType) []localDecl {
	var out []localDecl
	for _, fl := range []*ast.FieldList{recv, ft.TypeParams, ft.Params, ft.Results} {
		if fl == nil {
			continue
		}
		for _, f := range fl.List {
			for _, name := range identNames(identExprs(f.Names)...) {
				out = append(out, localDecl{name, body.Pos(), body.End()})
			}
		}
	}
	return out
}

// innermostEnd returns the end of the smallest function that contains pos.
func innermostEnd(funcs []ast.Node, pos token.Pos) token.Pos {
	var best ast.Node
	for _, fn := range funcs {
		if fn.Pos() <= pos && pos < fn.End() && (best == nil || fn.Pos() >= best.Pos()) {
			best = fn
		}
	}
	if best == nil {
		return pos
	}
	return best.End()
}

func identExprs(ids []*ast.Ident) []ast.Expr {
	out := make([]ast.Expr, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func identNames(exprs ...ast.Expr) []string {
	var names []string
	for _, e := range exprs {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			names = append(names, id.Name)
		}
	}
	return names
}

// substituter replaces placeholders with the model's names.
//
// The checks apply it to the same few thousand names many times over, so it remembers each
// answer; it is not safe for concurrent use.
type substituter struct {
	m    *Model
	memo map[string]string
}

func newSubstituter(m *Model) *substituter {
	return &substituter{m: m, memo: map[string]string{}}
}

var placeholderPattern = regexp.MustCompile(placeholderMark + `([A-Za-z0-9_]+)` + placeholderMark)

func (s *substituter) apply(raw string) string {
	if !strings.Contains(raw, placeholderMark) {
		return raw
	}
	if name, ok := s.memo[raw]; ok {
		return name
	}
	v := reflect.ValueOf(s.m).Elem()
	name := placeholderPattern.ReplaceAllStringFunc(raw, func(ph string) string {
		f := v.FieldByName(strings.Trim(ph, placeholderMark))
		if f.IsValid() && f.Kind() == reflect.String {
			return f.String()
		}
		return ph
	})
	s.memo[raw] = name
	return name
}

// argOf says which argument the first placeholder in raws derives from, and gives an example
// value for it.
func argOf(raws ...string) (arg, example string) {
	for _, raw := range raws {
		for _, m := range placeholderPattern.FindAllStringSubmatch(raw, -1) {
			switch m[1] {
			case "Schema", "SchemaVar", "SchemaSnake", "SchemaHuman", "AuthPkg", "AuthPkgPath", "ForeignKey":
				return "schema", "User"
			case "Table", "TokensTable", "SessionsTable":
				return "table", "users"
			case "Context", "Pkg", "PkgPath", "WebPkg", "WebPkgPath":
				return "context", "Accounts"
			}
		}
	}
	return "context", "Accounts"
}

func (o Options) argValue(arg string) string {
	switch arg {
	case "schema":
		return o.Schema
	case "table":
		return o.Table
	}
	return o.Context
}

// checkNames reports, as an *ArgError, the first way the names m derives from the arguments
// would make the generated code fail to compile.
func checkNames(m *Model, idx *tmplIndex) error {
	if err := checkPackageNames(m, idx); err != nil {
		return err
	}
	sub := newSubstituter(m)
	argErr := func(reason string, raws ...string) error {
		arg, example := argOf(raws...)
		return &ArgError{arg, m.argValue(arg), reason, example}
	}

	// A placeholder in an identifier must not become a keyword: Schema "Func" gives a struct
	// field "func".
	for _, raw := range idx.idents {
		if name := sub.apply(raw); token.IsKeyword(name) {
			return argErr(fmt.Sprintf("gives the identifier %q, a Go keyword", name), raw)
		}
	}

	// Within one package, no two declarations may end up with the same name (Schema "Session"
	// gives a second type Session in the context package, Schema "Time" a second scanTime),
	// and no type may get two fields or methods of one name.
	for _, group := range []map[string][]string{idx.decls, idx.members} {
		for _, key := range slices.Sorted(maps.Keys(group)) {
			seen := map[string]string{}
			for _, raw := range group[key] {
				name := sub.apply(raw)
				if prev, ok := seen[name]; ok && prev != raw {
					// Two raw names that differ only became equal through the arguments. (Equal
					// raw names are the two branches of an {{if}}, never both rendered.)
					return argErr(fmt.Sprintf("makes the generated package %s declare %s twice", sub.apply(strings.Fields(key)[1]), name), raw, prev)
				}
				seen[name] = raw
			}
		}
	}

	// In each file, a name bound by an import must not also be declared in the package block
	// (a compile error), nor be hidden by a local variable where the package is still used
	// (a context named Svc would be hidden by the tests' svc := ... before svc.Meta).
	declsByName := map[string]map[string][]string{} // package key → name as generated → raw names, in order
	for _, f := range idx.files {
		byName, ok := declsByName[f.pkgKey]
		if !ok {
			byName = map[string][]string{}
			for _, raw := range idx.decls[f.pkgKey] {
				byName[sub.apply(raw)] = append(byName[sub.apply(raw)], raw)
			}
			declsByName[f.pkgKey] = byName
		}
		for _, imp := range f.imports {
			rawName := imp.alias
			if rawName == "" {
				rawName = importPathName(imp.path)
			}
			if rawName == "_" || rawName == "." {
				continue
			}
			name := sub.apply(rawName)
			if imp.alias == "" {
				name = importPathName(sub.apply(imp.path))
			}
			involved := func(other string) bool {
				return strings.Contains(rawName+imp.path+other, placeholderMark)
			}
			for _, raw := range byName[name] {
				if involved(raw) {
					return argErr(fmt.Sprintf("gives the package name %q, which %s imports while its package declares %s too", name, m.TargetPath(f.rel), name), imp.path, rawName, raw)
				}
			}
			for _, sh := range f.shadows {
				// A qualifier spelled like the local is the local itself (svc.Config()) and
				// makes no pair; one spelled otherwise (ǂPkgǂ.Meta) means the package, which
				// the local hides once both become the package's name.
				if sub.apply(sh.local) == name && involved(sh.local) && sub.apply(sh.qual) == name {
					return argErr(fmt.Sprintf("gives the package name %q, which %s imports but hides behind a variable of that name", name, m.TargetPath(f.rel)), imp.path, rawName, sh.local)
				}
			}
		}
	}
	return nil
}

// checkPackageNames checks the generated packages' names: each must be a usable package name,
// differ from the others and from the packages the templates declare with fixed names (main,
// migrations), and differ from every package the generated code imports.
func checkPackageNames(m *Model, idx *tmplIndex) error {
	seen := map[string]string{}
	for _, gp := range m.generatedPackages() {
		arg, example := "context", "Accounts"
		if gp.arg == "schema" {
			arg, example = "schema", "User"
		}
		fail := func(reason string) error {
			return &ArgError{arg, m.argValue(arg), fmt.Sprintf("gives the package name %q, %s", gp.name, reason), example}
		}
		switch {
		case token.IsKeyword(gp.name) || isPredeclared(gp.name):
			return fail("which is a Go keyword or predeclared identifier")
		case seen[gp.name] != "":
			return fail("which is also the name of the " + seen[gp.name])
		}
		if paths := idx.imported[gp.name]; len(paths) > 0 {
			return fail(fmt.Sprintf("which the generated code imports (%s)", strings.Join(paths, ", ")))
		}
		if dir, ok := idx.declaredPkgs[gp.name]; ok && gp.arg != "" {
			return fail(fmt.Sprintf("which the generated code already uses (%s)", dir))
		}
		seen[gp.name] = gp.role
	}
	return nil
}

// checkTable reports, as an *ArgError, a table name the generated SQL cannot use: the
// migrations write table names unquoted, so a reserved word breaks them, and a name they (or
// the libraries the generated app runs) already give a table would be created twice.
func checkTable(m *Model, idx *tmplIndex) error {
	fail := func(reason string) error { return &ArgError{"table", m.Table, reason, "users"} }
	switch {
	case sqlReserved[m.Table]:
		return fail("is a reserved word in PostgreSQL or SQLite, and the generated SQL does not quote table names")
	case strings.HasPrefix(m.Table, "sqlite_"):
		return fail("starts with sqlite_, which SQLite reserves for its own tables")
	case strings.HasPrefix(m.Table, "river_"):
		return fail("starts with river_, the prefix of the job queue's tables")
	case m.Table == "goose_db_version":
		return fail("is the table goose records applied migrations in")
	}
	// Every other table the migrations create, with the schema's names filled in, must
	// differ from the table and from each other (Schema User and table user_tokens would
	// create user_tokens twice).
	sub := newSubstituter(m)
	seen := map[string]string{}
	for _, raw := range idx.tables {
		name := sub.apply(raw)
		if prev, ok := seen[name]; ok && prev != raw {
			if prev == placeholderMark+"Table"+placeholderMark || raw == placeholderMark+"Table"+placeholderMark {
				return fail("is a table the generated migrations already create")
			}
			return &ArgError{"schema", m.Schema, fmt.Sprintf("makes the generated migrations create the table %s twice", name), "User"}
		}
		seen[name] = raw
	}
	return nil
}

// sqlReserved holds the lower-case words that fail as an unquoted table name in one of the
// statements the migrations and queries use (CREATE TABLE, CREATE INDEX ... ON, ALTER TABLE,
// SELECT ... FROM, UPDATE, DELETE FROM), measured against PostgreSQL 15 and SQLite 3 for
// every keyword either database lists.
var sqlReserved = func() map[string]bool {
	words := strings.Fields(`add all alter analyse analyze and any array as asc asymmetric
		authorization autoincrement between binary both case cast check collate collation column
		commit concurrently constraint create cross current_catalog current_date current_role
		current_schema current_time current_timestamp current_user default deferrable delete
		desc distinct do drop else end escape except exists false fetch for foreign freeze from
		full grant group having if ilike in index initially inner insert intersect into is isnull
		join lateral leading left like limit localtime localtimestamp natural not nothing notnull
		null offset on only or order outer overlaps placing primary references returning right
		select session_user set similar some symmetric table tablesample then to trailing
		transaction true union unique update user using values variadic verbose when where
		window with`)
	set := make(map[string]bool, len(words))
	for _, w := range words {
		set[w] = true
	}
	return set
}()

// checkRenderedImports is the last guard, on the rendered files themselves (so it also covers
// Go code that does not come from a template): in no Go file may two imports bind one name,
// and no generated package may import a package named like itself. Validation should have
// refused such names already; a collision here that involves a generated package is still the
// arguments' doing and is reported as an *ArgError, any other is a bug in the templates.
func checkRenderedImports(m *Model, files []File) error {
	generated := map[string]generatedPackage{}
	for _, gp := range m.generatedPackages() {
		generated[gp.name] = gp
	}
	fail := func(file, name, reason string) error {
		gp, ok := generated[name]
		if !ok {
			return fmt.Errorf("generated %s: %s", file, reason)
		}
		arg, example := gp.arg, "Accounts"
		if arg == "schema" {
			example = "User"
		}
		if arg == "" {
			arg = "context"
		}
		return &ArgError{arg, m.argValue(arg), fmt.Sprintf("gives the package name %q, but %s %s", name, file, reason), example}
	}
	for _, f := range files {
		if path.Ext(f.Path) != ".go" {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Data, parser.ImportsOnly|parser.SkipObjectResolution)
		if err != nil {
			return fmt.Errorf("generated %s: %w", f.Path, err)
		}
		own := strings.TrimSuffix(parsed.Name.Name, "_test")
		bound := map[string]string{}
		for _, spec := range parsed.Imports {
			p, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return fmt.Errorf("generated %s: import %s: %w", f.Path, spec.Path.Value, err)
			}
			imp := tmplImport{path: p}
			if spec.Name != nil {
				imp.alias = spec.Name.Name
			}
			name := imp.name()
			if name == "" {
				continue
			}
			if prev, ok := bound[name]; ok {
				return fail(f.Path, name, fmt.Sprintf("imports both %s and %s under that name", prev, p))
			}
			bound[name] = p
			if _, isGenerated := generated[own]; isGenerated && name == own {
				return fail(f.Path, name, fmt.Sprintf("is in package %s and imports %s, also named %s", own, p, name))
			}
		}
	}
	return nil
}
