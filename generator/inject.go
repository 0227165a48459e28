package generator

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// injectionImports are the imports the wiring snippet needs, besides the generated packages.
var injectionImports = []string{"context", "log", "log/slog", "time"}

// wiringSnippet is the block that mounts the generated routes on the host's ServeMux, guarded
// by markers so a re-run recognises it. indent prefixes every line. inMain says the block goes
// into func main, which lives as long as the server: only there may it close the service when
// the function returns. In a helper that builds the routes (routes(), api.New()) a deferred
// Close would run before the first request and every request would meet a closed database.
func wiringSnippet(m *Model, mux, indent string, inMain bool) string {
	lines := []string{
		"// sigra:begin " + m.Pkg,
		fmt.Sprintf("%[1]sConfig, err := %[1]s.ConfigFromEnv()", m.Pkg),
		"if err != nil {",
		fmt.Sprintf("\tlog.Fatalf(\"%s config: %%v\", err)", m.Pkg),
		"}",
		fmt.Sprintf("%[1]sService, err := %[1]s.Open(context.Background(), %[1]sConfig)", m.Pkg),
		"if err != nil {",
		fmt.Sprintf("\tlog.Fatalf(\"%s: %%v\", err)", m.Pkg),
		"}",
	}
	if inMain {
		lines = append(lines, fmt.Sprintf("defer %sService.Close()", m.Pkg))
	} else {
		lines = append(lines,
			"// The service stays open for the life of the process: this function returns before",
			fmt.Sprintf("// the server stops, so it must not close it. Call %sService.Close() on shutdown.", m.Pkg))
	}
	lines = append(lines,
		"// What cmd/server runs besides: housekeeping (expired tokens and sessions, accounts past",
		"// their deletion grace) hourly, and with MAIL_DELIVERY=queue the mail worker (stop it with",
		fmt.Sprintf("// %sService.StopMailQueue after your server has shut down).", m.Pkg),
		fmt.Sprintf("go %sService.RunMaintenance(context.Background(), time.Hour)", m.Pkg),
		fmt.Sprintf("if err := %sService.StartMailQueue(context.Background()); err != nil {", m.Pkg),
		fmt.Sprintf("\tlog.Fatalf(\"%s mail queue: %%v\", err)", m.Pkg),
		"}",
		fmt.Sprintf("%[1]sWeb := %[2]s.New(%[1]sService, slog.Default())", m.Pkg, m.WebPkg),
		fmt.Sprintf("%sWeb.Mount(%s)", m.Pkg, mux),
		fmt.Sprintf("%sWeb.MountDevMailbox(%s) // development only: the emails, so their links work", m.Pkg, mux),
		"// sigra:end "+m.Pkg,
	)
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(indent + l + "\n")
	}
	return b.String()
}

func injectionMarker(m *Model) string { return "// sigra:begin " + m.Pkg }

// planMainInjection finds `x := http.NewServeMux()` in the host's main package that serves
// HTTP and splices the wiring after it. When there is no such anchor, or the file cannot be
// edited without touching unrelated lines, it returns a manual step with the exact lines to add.
// With several main packages it takes the one that serves HTTP (m.Main, from --main, names it
// outright), and the manual text never names a command-line tool's main.
func planMainInjection(m *Model, h *Host) (Injection, error) {
	marker := injectionMarker(m)
	// A block already injected is found wherever the owner left it.
	for _, p := range mainFiles(h, h.MainDirs) {
		if src, _ := h.ReadFile(p); bytes.Contains(src, []byte(marker)) {
			return Injection{Path: p, Marker: marker, Already: true}, nil
		}
	}
	dirs, err := serverMains(m, h)
	if err != nil {
		return Injection{}, err
	}
	if len(dirs) == 0 {
		target := "the main package that serves HTTP"
		reason := fmt.Sprintf("none of the main packages here (%s) starts an HTTP server; pass --main PATH to name the one that should", strings.Join(h.MainDirs, ", "))
		return Injection{Path: firstOr(h.MainDirs, "."), Marker: marker, Manual: manualText(m, target, reason)}, nil
	}
	candidates := mainFiles(h, dirs)
	for _, p := range candidates {
		src, _ := h.ReadFile(p)
		data, ok, reason := spliceWiring(m, p, src)
		if ok {
			return Injection{Path: p, Marker: marker, Data: data}, nil
		}
		if reason != "" {
			return Injection{Path: p, Marker: marker, Manual: manualText(m, p, reason)}, nil
		}
	}
	target := path.Join(dirs[0], "main.go")
	return Injection{Path: target, Marker: marker, Manual: manualText(m, target, "no `mux := http.NewServeMux()` found in package main")}, nil
}

// mainFiles lists the non-test Go files of dirs, sorted.
func mainFiles(h *Host, dirs []string) []string {
	var files []string
	for _, dir := range dirs {
		entries, err := readDirGo(h, dir)
		if err != nil {
			continue
		}
		files = append(files, entries...)
	}
	sort.Strings(files)
	return files
}

// serverMains returns the main packages to wire: the one --main names, else those that start an
// HTTP server (a CLI's main is left alone), in path order.
func serverMains(m *Model, h *Host) ([]string, error) {
	if m.Main != "" {
		want := path.Clean(strings.TrimPrefix(filepath.ToSlash(m.Main), "./"))
		if strings.HasSuffix(want, ".go") {
			want = path.Dir(want)
		}
		if slices.Contains(h.MainDirs, want) {
			return []string{want}, nil
		}
		return nil, &HostError{fmt.Sprintf("--main %s: no package main of yours there (main packages: %s)", m.Main, strings.Join(h.MainDirs, ", "))}
	}
	var dirs []string
	for _, dir := range h.MainDirs {
		if startsHTTPServer(h, dir) {
			dirs = append(dirs, dir)
		}
	}
	return dirs, nil
}

// serveCalls are the calls that start an HTTP server: net/http's, and those of the routers
// hosts use (gin's Run, echo's Start).
var serveCalls = map[string]bool{
	"ListenAndServe": true, "ListenAndServeTLS": true, "Serve": true, "ServeTLS": true,
	"Run": true, "RunTLS": true, "Start": true, "StartTLS": true,
}

// startsHTTPServer reports whether the main package in dir imports net/http or a router and
// calls something that starts serving.
func startsHTTPServer(h *Host, dir string) bool {
	for _, p := range mainFiles(h, []string{dir}) {
		src, _ := h.ReadFile(p)
		f, err := parser.ParseFile(token.NewFileSet(), p, src, 0)
		if err != nil {
			continue
		}
		web := false
		for _, imp := range f.Imports {
			switch ip, _ := strconv.Unquote(imp.Path.Value); {
			case ip == "net/http", strings.HasPrefix(ip, "github.com/go-chi/chi"), strings.HasPrefix(ip, "github.com/gin-gonic/gin"),
				strings.HasPrefix(ip, "github.com/labstack/echo"), strings.HasPrefix(ip, "github.com/gorilla/mux"):
				web = true
			}
		}
		if !web {
			continue
		}
		serves := false
		ast.Inspect(f, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && serveCalls[sel.Sel.Name] {
					serves = true
				}
			}
			return !serves
		})
		if serves {
			return true
		}
	}
	return false
}

func firstOr(list []string, def string) string {
	if len(list) == 0 {
		return def
	}
	return list[0]
}

func readDirGo(h *Host, dir string) ([]string, error) {
	var out []string
	entries, err := readDir(h, dir)
	if err != nil {
		return nil, err
	}
	for _, name := range entries {
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			out = append(out, path.Join(dir, name))
		}
	}
	return out, nil
}

// spliceWiring returns the file with the wiring inserted. ok is false when the file has no
// anchor (reason empty: try the next file) or has one that cannot be used safely (reason set).
func spliceWiring(m *Model, name string, src []byte) (out []byte, ok bool, reason string) {
	crlf := bytes.Contains(src, []byte("\r\n"))
	lf := bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, lf, parser.ParseComments)
	if err != nil {
		return nil, false, ""
	}
	httpName := importName(f, "net/http")
	if httpName == "" {
		return nil, false, ""
	}
	var anchor *ast.AssignStmt
	var muxName string
	ast.Inspect(f, func(n ast.Node) bool {
		if anchor != nil {
			return false
		}
		as, isAssign := n.(*ast.AssignStmt)
		if !isAssign || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		call, isCall := as.Rhs[0].(*ast.CallExpr)
		if !isCall {
			return true
		}
		sel, isSel := call.Fun.(*ast.SelectorExpr)
		if !isSel || sel.Sel.Name != "NewServeMux" {
			return true
		}
		if x, isIdent := sel.X.(*ast.Ident); !isIdent || x.Name != httpName {
			return true
		}
		if id, isIdent := as.Lhs[0].(*ast.Ident); isIdent && id.Name != "_" {
			anchor, muxName = as, id.Name
		}
		return true
	})
	if anchor == nil {
		return nil, false, ""
	}
	if formatted, err := format.Source(lf); err != nil || !bytes.Equal(formatted, lf) {
		return nil, false, "the file is not gofmt-formatted, so an automatic edit would touch unrelated lines"
	}
	for _, imp := range append(append([]string{}, injectionImports...), m.PkgPath, m.WebPkgPath) {
		want := path.Base(imp)
		if got := importName(f, imp); got != "" && got != want {
			return nil, false, fmt.Sprintf("%s is imported as %s", imp, got)
		}
		if other := importPathForName(f, want); other != "" && other != imp {
			return nil, false, fmt.Sprintf("the name %s already refers to %s", want, other)
		}
	}
	// Splice after the anchor's line, indented like it.
	end := fset.Position(anchor.End()).Offset
	lineEnd := bytes.IndexByte(lf[end:], '\n')
	if lineEnd < 0 {
		return nil, false, ""
	}
	insertAt := end + lineEnd + 1
	lineStart := bytes.LastIndexByte(lf[:fset.Position(anchor.Pos()).Offset], '\n') + 1
	indent := string(lf[lineStart:fset.Position(anchor.Pos()).Offset])
	spliced := make([]byte, 0, len(lf)+1024)
	spliced = append(spliced, lf[:insertAt]...)
	spliced = append(spliced, wiringSnippet(m, muxName, indent, inFuncMain(f, anchor))...)
	spliced = append(spliced, lf[insertAt:]...)

	fset = token.NewFileSet()
	f2, err := parser.ParseFile(fset, name, spliced, parser.ParseComments)
	if err != nil {
		return nil, false, fmt.Sprintf("the edited file does not parse: %v", err)
	}
	for _, imp := range append(append([]string{}, injectionImports...), m.PkgPath, m.WebPkgPath) {
		astutil.AddImport(fset, f2, imp)
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f2); err != nil {
		return nil, false, fmt.Sprintf("the edited file does not format: %v", err)
	}
	result := buf.Bytes()
	if crlf {
		result = bytes.ReplaceAll(result, []byte("\n"), []byte("\r\n"))
	}
	return result, true, ""
}

// importName returns the name under which path is imported in f, or "".
func importName(f *ast.File, importPath string) string {
	for _, s := range f.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		if p != importPath {
			continue
		}
		if s.Name != nil {
			return s.Name.Name
		}
		return path.Base(p)
	}
	return ""
}

// importPathForName returns the import path bound to name in f, or "".
func importPathForName(f *ast.File, name string) string {
	for _, s := range f.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		bound := path.Base(p)
		if s.Name != nil {
			bound = s.Name.Name
		}
		if bound == name {
			return p
		}
	}
	return ""
}

// manualText is the help printed when the wiring cannot be injected.
func manualText(m *Model, file, reason string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wire the %s routes into %s by hand (%s).\n", m.Pkg, file, reason)
	b.WriteString("    Add these imports:\n")
	for _, imp := range append(append([]string{}, injectionImports...), m.PkgPath, m.WebPkgPath) {
		fmt.Fprintf(&b, "        %q\n", imp)
	}
	b.WriteString("    and these lines after your ServeMux is created (mux is your *http.ServeMux):\n")
	b.WriteString(wiringSnippet(m, "mux", "        ", true))
	return strings.TrimRight(b.String(), "\n")
}

// inFuncMain reports whether n sits directly in func main (not in a helper, a method or a
// function literal), the one function that runs as long as the program does.
func inFuncMain(f *ast.File, n ast.Node) bool {
	path, _ := astutil.PathEnclosingInterval(f, n.Pos(), n.End())
	for _, p := range path {
		switch fn := p.(type) {
		case *ast.FuncLit:
			return false
		case *ast.FuncDecl:
			return fn.Recv == nil && fn.Name.Name == "main"
		}
	}
	return false
}
