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

// routerKind is the shape of the host's HTTP wiring the block is written for.
type routerKind int

const (
	serveMuxRouter routerKind = iota // x := http.NewServeMux(): Mount on it
	handlerRouter                    // http.Server{Handler: X}, http.ListenAndServe(addr, X): wrap X
	chiRouter                        // r := chi.NewRouter(): r.Use the front
	gorillaRouter                    // r := mux.NewRouter(): a route for the account paths, r.Use the front
	ginRouter                        // r := gin.New() or gin.Default(): r.Use a gin middleware
	echoRouter                       // e := echo.New(): e.Use the front through echo.WrapMiddleware
)

// Import paths of the routers whose own mounting the injection uses.
const (
	chiImport     = "github.com/go-chi/chi/v5"
	gorillaImport = "github.com/gorilla/mux"
	ginImport     = "github.com/gin-gonic/gin"
	echoImport    = "github.com/labstack/echo/v4"
)

// routerImports are the router packages, by kind, whose names the wiring for that kind uses.
var routerImports = map[routerKind]string{gorillaRouter: gorillaImport, ginRouter: ginImport, echoRouter: echoImport}

// wiringSnippet is the block that mounts the generated routes on the host's router at site,
// guarded by markers so a re-run recognises it. indent prefixes every line. inMain says the
// block goes into func main, which lives as long as the server: only there may it close the
// service when the function returns. In a helper that builds the routes (routes(), api.New())
// a deferred Close would run before the first request and every request would meet a closed
// database. Every package is named as site.names says, so a file that imports net/http as
// nethttp (its own package being http) gets code that compiles.
func wiringSnippet(m *Model, site wiringSite, indent string, inMain bool) string {
	n := site.name
	lines := []string{
		"// sigra:begin " + m.Pkg,
		fmt.Sprintf("%[1]sConfig, err := %[1]s.ConfigFromEnv()", m.Pkg),
		"if err != nil {",
		fmt.Sprintf("\t%s.Fatalf(\"%s config: %%v\", err)", n("log"), m.Pkg),
		"}",
		fmt.Sprintf("%[1]sService, err := %[1]s.Open(%[2]s.Background(), %[1]sConfig)", m.Pkg, n("context")),
		"if err != nil {",
		fmt.Sprintf("\t%s.Fatalf(\"%s: %%v\", err)", n("log"), m.Pkg),
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
		fmt.Sprintf("go %sService.RunMaintenance(%s.Background(), %s.Hour)", m.Pkg, n("context"), n("time")),
		fmt.Sprintf("if err := %sService.StartMailQueue(%s.Background()); err != nil {", m.Pkg, n("context")),
		fmt.Sprintf("\t%s.Fatalf(\"%s mail queue: %%v\", err)", n("log"), m.Pkg),
		"}",
		fmt.Sprintf("%[1]sWeb := %[2]s.New(%[1]sService, %[3]s.Default())", m.Pkg, m.WebPkg, n("log/slog")),
	)
	switch {
	case site.kind == serveMuxRouter && site.handler == nil:
		lines = append(lines,
			fmt.Sprintf("%sWeb.Mount(%s)", m.Pkg, site.router),
			fmt.Sprintf("%sWeb.MountDevMailbox(%s) // development only: the emails, so their links work", m.Pkg, site.router),
			"// sigra:end "+m.Pkg,
		)
	case site.kind == serveMuxRouter:
		// The mux is served or returned below: mount on it (a route of yours with the same
		// pattern panics at start-up instead of going unnoticed) and serve it through the
		// front, so your handlers see the user too.
		lines = append(lines,
			fmt.Sprintf("%sWeb.Mount(%s)", m.Pkg, site.router),
			fmt.Sprintf("%sWeb.MountDevMailbox(%s)", m.Pkg, site.router))
		lines = append(lines, frontLines(m, site)...)
	default:
		lines = append(lines, frontLines(m, site)...)
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(indent + l + "\n")
	}
	return b.String()
}

// frontLines mount the account routes in front of a handler that is not a ServeMux: they live
// on a ServeMux of their own, and <pkg>Front sends a request to them when one of their
// patterns matches it and to the host's handler otherwise, through the session middleware so
// the host's handlers see the logged-in user. The account pages load the session themselves:
// loading it twice would break a remember-me reissue (the inner load would see the old token).
// gin's middleware is not an http.Handler wrapper, so gin gets the same logic as a
// gin.HandlerFunc instead of the front.
func frontLines(m *Model, site wiringSite) []string {
	http, router, pkg := site.name("net/http"), site.router, site.routerPkg
	routes, front := m.Pkg+"Routes", m.Pkg+"Front"
	lines := []string{
		fmt.Sprintf("%s := %s.NewServeMux()", routes, http),
		fmt.Sprintf("%sWeb.Mount(%s)", m.Pkg, routes),
		fmt.Sprintf("%sWeb.MountDevMailbox(%s) // development only: the emails, so their links work", m.Pkg, routes),
	}
	if site.kind == ginRouter {
		return append(lines,
			"// gin runs this middleware before every route, matched or not (after yours, before any",
			"// route): it serves the account routes, and hands every other request on with the",
			fmt.Sprintf("// logged-in %s in its context (%s.Current%s).", m.SchemaHuman, m.AuthPkg, m.Schema),
			fmt.Sprintf("%s.Use(func(c *%s.Context) {", router, pkg),
			fmt.Sprintf("\tif _, pattern := %s.Handler(c.Request); pattern != \"\" {", routes),
			"\t\t// gin has set 404 already when none of its routes has the path.",
			fmt.Sprintf("\t\tc.Status(%s.StatusOK)", http),
			fmt.Sprintf("\t\t%s.ServeHTTP(c.Writer, c.Request) // the account pages load the session themselves", routes),
			"\t\tc.Abort()",
			"\t\treturn",
			"\t}",
			fmt.Sprintf("\t%sWeb.Auth().FetchCurrent%s(%s.HandlerFunc(func(_ %s.ResponseWriter, req *%s.Request) {", m.Pkg, m.Schema, http, http, http),
			"\t\tc.Request = req",
			"\t\tc.Next()",
			"\t})).ServeHTTP(c.Writer, c.Request)",
			"})",
			"// sigra:end "+m.Pkg)
	}
	lines = append(lines,
		fmt.Sprintf("// %s serves the account routes, and hands every other request to next with the", front),
		fmt.Sprintf("// logged-in %s in its context (%s.Current%s).", m.SchemaHuman, m.AuthPkg, m.Schema),
		fmt.Sprintf("%s := func(next %s.Handler) %s.Handler {", front, http, http),
		fmt.Sprintf("\twithCurrent%s := %sWeb.Auth().FetchCurrent%s(next)", m.Schema, m.Pkg, m.Schema),
		fmt.Sprintf("\treturn %s.HandlerFunc(func(w %s.ResponseWriter, req *%s.Request) {", http, http, http),
		fmt.Sprintf("\t\tif _, pattern := %s.Handler(req); pattern != \"\" {", routes),
		fmt.Sprintf("\t\t\t%s.ServeHTTP(w, req) // the account pages load the session themselves", routes),
		"\t\t\treturn",
		"\t\t}",
		fmt.Sprintf("\t\twithCurrent%s.ServeHTTP(w, req)", m.Schema),
		"\t})",
		"}",
	)
	switch site.kind {
	case handlerRouter:
		lines = append(lines, fmt.Sprintf("// Your handler is served as %s(handler) below.", front))
	case serveMuxRouter:
		lines = append(lines, fmt.Sprintf("// %[2]s is served as %[1]s(%[2]s) below, so your handlers see the user too.", front, router))
	case chiRouter:
		lines = append(lines,
			"// A middleware, so it runs after yours and before every route, matched or not.",
			fmt.Sprintf("%s.Use(%s)", router, front))
	case gorillaRouter:
		lines = append(lines,
			"// gorilla/mux runs middleware only for a request one of its routes matches: this route",
			"// matches the account paths, before any of yours.",
			fmt.Sprintf("%s.MatcherFunc(func(req *%s.Request, _ *%s.RouteMatch) bool {", router, http, pkg),
			fmt.Sprintf("\t_, pattern := %s.Handler(req)", routes),
			"\treturn pattern != \"\"",
			fmt.Sprintf("}).Handler(%s)", routes),
			fmt.Sprintf("%s.Use(%s)", router, front))
	case echoRouter:
		lines = append(lines,
			"// echo runs e.Use middleware after routing, for every request, matched or not (a path",
			"// none of your routes has included), and after the middleware you added before it.",
			fmt.Sprintf("%s.Use(%s.WrapMiddleware(%s))", router, pkg, front))
	}
	return append(lines, "// sigra:end "+m.Pkg)
}

func injectionMarker(m *Model) string { return "// sigra:begin " + m.Pkg }

// planMainInjection finds where the host's main package that serves HTTP builds its router and
// splices the wiring there: after `x := http.NewServeMux()`, `r := chi.NewRouter()` or
// `r := mux.NewRouter()` (gorilla) in any of its files, or else, for a handler of the host's
// own, around the X of `http.Server{Handler: X}` or `http.ListenAndServe(addr, X)`. The
// router is read from the file's imports and syntax, never guessed from names. When there is
// no such place, or the file cannot be edited without touching unrelated lines, it returns a
// manual step with the exact lines to add for that router. With several main packages it
// takes the one that serves HTTP (m.Main, from --main, names it outright), and the manual
// text never names a command-line tool's main.
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
		return Injection{Path: firstOr(h.MainDirs, "."), Marker: marker, Manual: manualText(m, target, reason, wiringSite{kind: serveMuxRouter, router: "mux"})}, nil
	}
	candidates := mainFiles(h, dirs)
	// A router the host builds comes first, in any file; a handler served as it is only then,
	// so a ServeMux built in routes() and served from main gets mounted on, not wrapped.
	for _, handlers := range []bool{false, true} {
		if handlers {
			if serving := filesServingHandlers(candidates, h); len(serving) > 1 {
				site := wiringSite{kind: handlerRouter}
				reason := fmt.Sprintf("%s each serve a handler, and which one serves your pages is yours to say", strings.Join(serving, " and "))
				return Injection{Path: serving[0], Marker: marker, Manual: manualText(m, serving[0], reason, site)}, nil
			}
		}
		for _, p := range candidates {
			src, _ := h.ReadFile(p)
			data, ok, reason, site := spliceWiring(m, p, src, handlers, declaredNames(h, mainFiles(h, []string{path.Dir(p)})))
			if ok {
				return Injection{Path: p, Marker: marker, Data: data, Notice: clashNotice(m, p, src)}, nil
			}
			if reason != "" {
				return Injection{Path: p, Marker: marker, Manual: manualText(m, p, reason, site), Notice: clashNotice(m, p, src)}, nil
			}
		}
	}
	// No place found: the manual text is for the router the package imports.
	target, site := path.Join(dirs[0], "main.go"), wiringSite{kind: serveMuxRouter, router: "mux"}
	routers := []struct {
		kind   routerKind
		path   string
		router string
	}{{chiRouter, chiImport, "r"}, {gorillaRouter, gorillaImport, "r"}, {ginRouter, ginImport, "r"}, {echoRouter, echoImport, "e"}}
found:
	for _, p := range candidates {
		src, _ := h.ReadFile(p)
		f, err := parser.ParseFile(token.NewFileSet(), p, src, 0)
		if err != nil {
			continue
		}
		for _, r := range routers {
			if name := importName(f, r.path); name != "" {
				target, site = p, wiringSite{kind: r.kind, router: r.router, routerPkg: name}
				break found
			}
		}
	}
	return Injection{Path: target, Marker: marker, Manual: manualText(m, target, "found no `http.NewServeMux()`, `chi.NewRouter()`, `mux.NewRouter()`, `gin.New()`, `gin.Default()` or `echo.New()` assigned to a variable, nor a handler passed to http.ListenAndServe or http.Server, in package main", site)}, nil
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
	"Run": true, "RunTLS": true, "RunListener": true, "Start": true, "StartTLS": true,
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

// wiringSite is a place in a file where the wiring can go, and the router it is written for.
type wiringSite struct {
	kind      routerKind
	router    string   // the ServeMux or router variable (not handlerRouter)
	routerPkg string   // the name the router's package is imported under (gorilla, gin, echo)
	after     ast.Node // the block goes on the line after this statement (ServeMux and routers)
	before    ast.Stmt // or on the line before this one (handlerRouter), which serves
	handler   ast.Expr // handlerRouter: the handler the statement serves, to be wrapped
	servers   int      // handlerRouter: more than one means the file serves several handlers

	// names maps an import path of the block's (wiringImports) to the name the block calls it
	// by, when that is not the package's own name: the one the file imports it under, or an
	// alias when its own name is taken (a host package named http, say). aliased lists the
	// imports the block adds under such an alias.
	names   map[string]string
	aliased []string
}

// name is the identifier the block uses for the package at importPath.
func (s wiringSite) name(importPath string) string {
	if n, ok := s.names[importPath]; ok {
		return n
	}
	return path.Base(importPath)
}

// serveHandlerArg is, for each net/http function that serves a handler, the index of that
// handler among its arguments.
var serveHandlerArg = map[string]int{"ListenAndServe": 1, "ListenAndServeTLS": 3, "Serve": 1, "ServeTLS": 1}

// findRouter finds the first `x := http.NewServeMux()`, `r := chi.NewRouter()` (or NewMux),
// `r := mux.NewRouter()` (gorilla), `r := gin.New()` (or gin.Default) or `e := echo.New()` in f,
// by the names the packages are imported under. For chi and gin the block goes after the
// r.Use calls that follow the anchor, so the host's middleware runs for the account routes
// too and the front still precedes every route: chi panics on a Use after a route, and gin
// applies a Use only to the routes registered after it. For echo, whose middleware runs in the
// order it was added, it goes after the e.Use calls too, so the host's (recovery, logging) run
// first.
func findRouter(f *ast.File) (wiringSite, bool) {
	names := map[string]routerKind{}
	if n := importName(f, "net/http"); n != "" {
		names[n+".NewServeMux"] = serveMuxRouter
	}
	if n := importName(f, chiImport); n != "" {
		names[n+".NewRouter"], names[n+".NewMux"] = chiRouter, chiRouter
	}
	pkgs := map[routerKind]string{}
	for kind, imp := range routerImports {
		pkgs[kind] = importName(f, imp)
	}
	if n := pkgs[gorillaRouter]; n != "" {
		names[n+".NewRouter"] = gorillaRouter
	}
	if n := pkgs[ginRouter]; n != "" {
		names[n+".New"], names[n+".Default"] = ginRouter, ginRouter
	}
	if n := pkgs[echoRouter]; n != "" {
		names[n+".New"] = echoRouter
	}
	var site wiringSite
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if found {
			return false
		}
		as, isAssign := n.(*ast.AssignStmt)
		if !isAssign || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true
		}
		call, isCall := as.Rhs[0].(*ast.CallExpr)
		if !isCall || len(call.Args) != 0 {
			return true
		}
		sel, isSel := call.Fun.(*ast.SelectorExpr)
		if !isSel {
			return true
		}
		x, isIdent := sel.X.(*ast.Ident)
		if !isIdent {
			return true
		}
		kind, known := names[x.Name+"."+sel.Sel.Name]
		id, isIdent := as.Lhs[0].(*ast.Ident)
		if !known || !isIdent || id.Name == "_" {
			return true
		}
		site, found = wiringSite{kind: kind, router: id.Name, routerPkg: pkgs[kind], after: as}, true
		if kind == chiRouter || kind == ginRouter || kind == echoRouter {
			site.after = afterMiddleware(f, as, id.Name)
		}
		return false
	})
	return site, found
}

// afterMiddleware returns the last `r.Use(...)` statement that follows anchor in its block
// before anything else but setting r's fields touches r, or anchor itself.
func afterMiddleware(f *ast.File, anchor ast.Stmt, router string) ast.Node {
	path, _ := astutil.PathEnclosingInterval(f, anchor.Pos(), anchor.End())
	var block *ast.BlockStmt
	for _, p := range path {
		if b, ok := p.(*ast.BlockStmt); ok {
			block = b
			break
		}
	}
	if block == nil {
		return anchor
	}
	last := ast.Node(anchor)
	i := slices.Index(block.List, anchor)
	if i < 0 {
		return anchor
	}
	for _, st := range block.List[i+1:] {
		if isMethodCall(st, router, "Use") {
			last = st
			continue
		}
		if setsFields(st, router) {
			continue // configuration (e.HideBanner = true), not a route
		}
		if mentions(st, router) {
			break
		}
	}
	return last
}

// setsFields reports whether st only assigns fields of router (`e.HideBanner, e.HidePort =
// true, true`) from values that do not mention it.
func setsFields(st ast.Stmt, router string) bool {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN {
		return false
	}
	for _, l := range as.Lhs {
		sel, ok := l.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != router {
			return false
		}
	}
	for _, r := range as.Rhs {
		if mentions(r, router) {
			return false
		}
	}
	return true
}

// isMethodCall reports whether st is the statement `recv.method(...)`.
func isMethodCall(st ast.Stmt, recv, method string) bool {
	es, ok := st.(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != method {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == recv
}

// mentions reports whether the identifier name appears in n.
func mentions(n ast.Node, name string) bool {
	seen := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			seen = true
		}
		return !seen
	})
	return seen
}

// findServedHandler finds the first handler f serves with net/http: the X of
// http.ListenAndServe(addr, X) (and ListenAndServeTLS, Serve, ServeTLS) or of a keyed
// http.Server{Handler: X} literal, with the statement that holds it, which must sit directly
// in a block so the wiring can go on the line before it.
func findServedHandler(f *ast.File) (wiringSite, bool) {
	httpName := importName(f, "net/http")
	if httpName == "" {
		return wiringSite{}, false
	}
	isHTTP := func(e ast.Expr, name string) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		x, ok := sel.X.(*ast.Ident)
		return ok && x.Name == httpName && (name == "" || sel.Sel.Name == name)
	}
	var served []ast.Expr
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && isHTTP(sel, "") {
				if i, serves := serveHandlerArg[sel.Sel.Name]; serves && i < len(n.Args) {
					served = append(served, n.Args[i])
				}
			}
		case *ast.CompositeLit:
			if isHTTP(n.Type, "Server") {
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Handler" {
							served = append(served, kv.Value)
						}
					}
				}
			}
		}
		return true
	})
	if len(served) == 0 {
		return wiringSite{}, false
	}
	handler := served[0]
	if len(served) > 1 {
		// Two servers (the app's and, say, a metrics one): which serves the pages is not for
		// the syntax to tell.
		return wiringSite{kind: handlerRouter, servers: len(served)}, true
	}
	path, _ := astutil.PathEnclosingInterval(f, handler.Pos(), handler.End())
	for i := 1; i < len(path); i++ {
		if _, inBlock := path[i].(*ast.BlockStmt); inBlock {
			if st, ok := path[i-1].(ast.Stmt); ok {
				return wiringSite{kind: handlerRouter, before: st, handler: handler}, true
			}
			break
		}
	}
	return wiringSite{kind: handlerRouter}, true
}

// servedMux finds the one place, after anchor and in its block, where the ServeMux router is
// handed to net/http (http.ListenAndServe(addr, mux), http.Server{Handler: mux}) or returned
// as an http.Handler by the function that builds it (routes() in "Let's Go"), for the wiring
// to serve it through the front. It returns nil when there is no such place, or more than one,
// or the function returns the *http.ServeMux itself (a front there would not type-check).
func servedMux(f *ast.File, anchor ast.Stmt, router, httpName string) ast.Expr {
	if httpName == "" {
		return nil
	}
	path, _ := astutil.PathEnclosingInterval(f, anchor.Pos(), anchor.End())
	var block *ast.BlockStmt
	var results *ast.FieldList
walk:
	for _, p := range path {
		switch n := p.(type) {
		case *ast.BlockStmt:
			if block == nil {
				block = n
			}
		case *ast.FuncDecl:
			results = n.Type.Results
			break walk
		case *ast.FuncLit:
			results = n.Type.Results
			break walk
		}
	}
	if block == nil {
		return nil
	}
	isRouter := func(e ast.Expr) bool { id, ok := e.(*ast.Ident); return ok && id.Name == router }
	isHTTP := func(e ast.Expr, name string) bool {
		sel, ok := e.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		x, ok := sel.X.(*ast.Ident)
		return ok && x.Name == httpName && (name == "" || sel.Sel.Name == name)
	}
	returnsHandler := results != nil && len(results.List) == 1 && len(results.List[0].Names) <= 1 && isHTTP(results.List[0].Type, "Handler")
	var found []ast.Expr
	var visit func(n ast.Node, inLiteral bool)
	visit = func(n ast.Node, inLiteral bool) {
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				visit(n.Body, true)
				return false
			case *ast.ReturnStmt:
				if !inLiteral && returnsHandler && len(n.Results) == 1 && isRouter(n.Results[0]) {
					found = append(found, n.Results[0])
				}
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && isHTTP(sel, "") {
					if i, serves := serveHandlerArg[sel.Sel.Name]; serves && i < len(n.Args) && isRouter(n.Args[i]) {
						found = append(found, n.Args[i])
					}
				}
			case *ast.CompositeLit:
				if isHTTP(n.Type, "Server") {
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok {
							if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Handler" && isRouter(kv.Value) {
								found = append(found, kv.Value)
							}
						}
					}
				}
			}
			return true
		})
	}
	for _, st := range block.List {
		if st.Pos() > anchor.End() {
			visit(st, false)
		}
	}
	if len(found) != 1 {
		return nil
	}
	return found[0]
}

// filesServingHandlers lists the files among candidates that serve a handler with net/http.
func filesServingHandlers(candidates []string, h *Host) []string {
	var serving []string
	for _, p := range candidates {
		src, _ := h.ReadFile(p)
		f, err := parser.ParseFile(token.NewFileSet(), p, src, 0)
		if err != nil {
			continue
		}
		if _, found := findServedHandler(f); found {
			serving = append(serving, p)
		}
	}
	return serving
}

// spliceWiring returns the file with the wiring inserted. declared holds the names the file's
// package declares at top level, which an import of the block's must not take. With handlers false it looks for a
// router the file builds (findRouter), with handlers true for a handler it serves
// (findServedHandler). ok is false when the file has no such place (reason empty: try the next
// file) or has one that cannot be used safely (reason set; site says for which router).
func spliceWiring(m *Model, name string, src []byte, handlers bool, declared map[string]bool) (out []byte, ok bool, reason string, site wiringSite) {
	crlf := bytes.Contains(src, []byte("\r\n"))
	lf := bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, lf, parser.ParseComments)
	if err != nil {
		return nil, false, "", site
	}
	found := false
	if handlers {
		site, found = findServedHandler(f)
	} else {
		site, found = findRouter(f)
	}
	if !found {
		return nil, false, "", site
	}
	// The names come first, so that a manual text for this file calls the packages as the
	// file does. net/http is named for every shape: the front needs it, and for a ServeMux
	// the file imports it already.
	if !slices.Contains(wiringImports(m, site.kind), "net/http") {
		site.names, site.aliased, reason = importNames(m, f, declared, append(wiringImports(m, site.kind), "net/http"))
	} else {
		site.names, site.aliased, reason = importNames(m, f, declared, wiringImports(m, site.kind))
	}
	if reason != "" {
		return nil, false, reason, site
	}
	if site.servers > 1 {
		return nil, false, fmt.Sprintf("it serves %d handlers, and which one serves your pages is yours to say", site.servers), site
	}
	if site.kind == handlerRouter && site.handler == nil {
		return nil, false, "the handler is served from a statement that is not directly in a block", site
	}
	if formatted, err := format.Source(lf); err != nil || !bytes.Equal(formatted, lf) {
		return nil, false, "the file is not gofmt-formatted, so an automatic edit would touch unrelated lines", site
	}
	if site.kind == serveMuxRouter {
		site.handler = servedMux(f, site.after.(ast.Stmt), site.router, importName(f, "net/http"))
	}
	imports := wiringImports(m, site.kind)
	if site.handler != nil && !slices.Contains(imports, "net/http") {
		imports = append(imports, "net/http") // the front's; the file imports it already
	}
	uses := map[string]string{} // the package names the block uses, to their import paths
	for _, imp := range imports {
		uses[site.name(imp)] = imp
	}
	if imp := routerImports[site.kind]; imp != "" {
		uses[site.routerPkg] = imp
	}
	if imp, hidden := uses[site.router]; hidden {
		return nil, false, fmt.Sprintf("the router variable %s hides the %s package the wiring needs", site.router, imp), site
	}

	offset := func(p token.Pos) int { return fset.Position(p).Offset }
	var insertAt int
	var indent string
	if site.before != nil {
		insertAt = bytes.LastIndexByte(lf[:offset(site.before.Pos())], '\n') + 1
		indent = string(lf[insertAt:offset(site.before.Pos())])
	} else {
		lineEnd := bytes.IndexByte(lf[offset(site.after.End()):], '\n')
		if lineEnd < 0 {
			return nil, false, "", site
		}
		insertAt = offset(site.after.End()) + lineEnd + 1
		lineStart := bytes.LastIndexByte(lf[:offset(site.after.Pos())], '\n') + 1
		indent = string(lf[lineStart:offset(site.after.Pos())])
	}
	if strings.TrimLeft(indent, "\t ") != "" {
		return nil, false, "the statement to wire at shares its line with another", site
	}
	at := site.after
	if site.before != nil {
		at = site.before
	}
	spliced := make([]byte, 0, len(lf)+2048)
	spliced = append(spliced, lf[:insertAt]...)
	spliced = append(spliced, wiringSnippet(m, site, indent, inFuncMain(f, at))...)
	if site.handler != nil {
		// The served handler X becomes <pkg>Front(X), evaluated where X was; nil is what
		// net/http serves for it, http.DefaultServeMux.
		hs, he := offset(site.handler.Pos()), offset(site.handler.End())
		x := string(lf[hs:he])
		if id, isIdent := site.handler.(*ast.Ident); isIdent && id.Name == "nil" {
			x = site.name("net/http") + ".DefaultServeMux"
		}
		spliced = append(spliced, lf[insertAt:hs]...)
		spliced = append(spliced, m.Pkg+"Front("+x+")"...)
		spliced = append(spliced, lf[he:]...)
	} else {
		spliced = append(spliced, lf[insertAt:]...)
	}

	fset = token.NewFileSet()
	f2, err := parser.ParseFile(fset, name, spliced, parser.ParseComments)
	if err != nil {
		return nil, false, fmt.Sprintf("the edited file does not parse: %v", err), site
	}
	for _, imp := range imports {
		switch {
		case slices.Contains(site.aliased, imp):
			astutil.AddNamedImport(fset, f2, site.names[imp], imp)
		case importName(f, imp) == "": // imported already, perhaps under a name of the file's
			astutil.AddImport(fset, f2, imp)
		}
	}
	var buf bytes.Buffer
	if err := format.Node(&buf, fset, f2); err != nil {
		return nil, false, fmt.Sprintf("the edited file does not format: %v", err), site
	}
	result := buf.Bytes()
	if crlf {
		result = bytes.ReplaceAll(result, []byte("\n"), []byte("\r\n"))
	}
	return result, true, "", site
}

// wiringImports are the imports the block for kind needs: injectionImports, the generated
// packages, and net/http for the front (frontLines) of every router but the ServeMux.
func wiringImports(m *Model, kind routerKind) []string {
	imports := append([]string{}, injectionImports...)
	if kind != serveMuxRouter {
		imports = append(imports, "net/http")
		sort.Strings(imports)
	}
	return append(imports, m.PkgPath, m.WebPkgPath)
}

// importNames decides what the block calls each of imports in file f: the name f already
// imports it under, else its own name when nothing in f or its package (declared) holds that
// name, else, for a standard package, the alias std<name> (stdhttp when the host's own package
// http is imported there). aliased lists the imports to add under their alias. reason says
// why no name works: a generated package whose name is taken, or a blank or dot import.
func importNames(m *Model, f *ast.File, declared map[string]bool, imports []string) (names map[string]string, aliased []string, reason string) {
	names = map[string]string{}
	free := func(name string) bool { return importPathForName(f, name) == "" && !declared[name] }
	for _, imp := range imports {
		if got := importName(f, imp); got != "" {
			if got == "_" || got == "." {
				return nil, nil, fmt.Sprintf("%s is imported as %s", imp, got)
			}
			names[imp] = got
			continue
		}
		own := path.Base(imp)
		if free(own) {
			continue
		}
		taken := importPathForName(f, own)
		if taken == "" {
			taken = "a declaration of package main"
		}
		alias := "std" + own
		if imp == m.PkgPath || imp == m.WebPkgPath || !free(alias) {
			return nil, nil, fmt.Sprintf("the name %s already refers to %s", own, taken)
		}
		names[imp] = alias
		aliased = append(aliased, imp)
	}
	return names, aliased, ""
}

// declaredNames are the names declared at the top level of the package in the files (one
// directory's), which a new import in any of them would clash with.
func declaredNames(h *Host, files []string) map[string]bool {
	names := map[string]bool{}
	for _, p := range files {
		src, _ := h.ReadFile(p)
		f, err := parser.ParseFile(token.NewFileSet(), p, src, 0)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch spec := spec.(type) {
					case *ast.ValueSpec:
						for _, n := range spec.Names {
							names[n.Name] = true
						}
					case *ast.TypeSpec:
						names[spec.Name.Name] = true
					}
				}
			}
		}
	}
	return names
}

// clashNotice warns when the host serves paths under /assets/ or /dev/mailbox itself: the
// account pages load /assets/app.css (and, with passkeys, /assets/passkeys.js), and those
// routes answer before the host's, so a host file of the same name would be hidden.
func clashNotice(m *Model, name string, src []byte) string {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
	if err != nil {
		return ""
	}
	var clash string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || clash != "" || len(call.Args) == 0 {
			return clash == ""
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		pattern, _ := strconv.Unquote(lit.Value)
		if _, p, hasMethod := strings.Cut(pattern, " "); hasMethod {
			pattern = p
		}
		for _, prefix := range []string{"/assets", "/dev/mailbox"} {
			if strings.HasPrefix(pattern, prefix) {
				clash = prefix
			}
		}
		return true
	})
	if clash == "" {
		return ""
	}
	return fmt.Sprintf("%s serves %s too: the %s routes answer GET /assets/app.css, /assets/passkeys.js and /dev/mailbox before yours, so keep no files of those names there", name, clash, m.Pkg)
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
		return importPathName(p)
	}
	return ""
}

// importPathForName returns the import path bound to name in f, or "".
func importPathForName(f *ast.File, name string) string {
	for _, s := range f.Imports {
		p, _ := strconv.Unquote(s.Path.Value)
		bound := importPathName(p)
		if s.Name != nil {
			bound = s.Name.Name
		}
		if bound == name {
			return p
		}
	}
	return ""
}

// manualText is the help printed when the wiring cannot be injected, with the lines for the
// router at site. When the file was read, the imports it has already are left out of the
// list, and the lines call each package by the file's name for it (site.names).
func manualText(m *Model, file, reason string, site wiringSite) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wire the %s routes into %s by hand (%s).\n", m.Pkg, file, reason)
	b.WriteString("    Add these imports:\n")
	for _, imp := range wiringImports(m, site.kind) {
		_, imported := site.names[imp]
		switch {
		case slices.Contains(site.aliased, imp):
			fmt.Fprintf(&b, "        %s %q\n", site.names[imp], imp)
		case !imported:
			fmt.Fprintf(&b, "        %q\n", imp)
		}
	}
	router := site.router
	switch site.kind {
	case serveMuxRouter:
		fmt.Fprintf(&b, "    and these lines after your ServeMux is created (%s is your *http.ServeMux):\n", router)
	case handlerRouter:
		router = "handler"
		fmt.Fprintf(&b, "    and these lines before you serve your handler, then serve %sFront(handler) instead of handler\n    (in http.ListenAndServe(addr, handler) or http.Server{Handler: handler}):\n", m.Pkg)
	case chiRouter:
		fmt.Fprintf(&b, "    and these lines after `%[1]s := chi.NewRouter()` and your %[1]s.Use calls, before any route (%[1]s is your chi router):\n", router)
	case gorillaRouter:
		fmt.Fprintf(&b, "    and these lines after `%[1]s := %[2]s.NewRouter()`, before your routes (%[1]s is your gorilla/mux router):\n", router, site.routerPkg)
	case ginRouter:
		fmt.Fprintf(&b, "    and these lines after `%[1]s := %[2]s.New()` (or %[2]s.Default()) and your %[1]s.Use calls, before any route or group\n    (%[1]s is your *gin.Engine; gin applies a Use only to the routes added after it):\n", router, site.routerPkg)
	case echoRouter:
		fmt.Fprintf(&b, "    and these lines after `%[1]s := %[2]s.New()` and your %[1]s.Use calls (%[1]s is your *echo.Echo):\n", router, site.routerPkg)
	}
	site.router = router
	b.WriteString(wiringSnippet(m, site, "        ", true))
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
