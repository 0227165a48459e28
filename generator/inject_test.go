package generator

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
	"testing/fstest"
)

const hostGoMod = "module example.com/app\n\ngo 1.26.8\n"

func hostWith(t *testing.T, files map[string]string) *Host {
	t.Helper()
	return hostGo(t, hostGoMod, files)
}

// hostGo is hostWith with a go.mod of the test's own.
func hostGo(t *testing.T, gomod string, files map[string]string) *Host {
	t.Helper()
	fsys := fstest.MapFS{"go.mod": {Data: []byte(gomod)}}
	for p, s := range files {
		fsys[p] = &fstest.MapFile{Data: []byte(s)}
	}
	h, err := LoadHost(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

const mainWithMux = `package main

import (
	"log"
	"net/http"
)

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("hello"))
	})
	log.Fatal(http.ListenAndServe(":8080", mux))
}
`

func TestInjectAfterServeMux(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	h := hostWith(t, map[string]string{"main.go": mainWithMux})
	inj, _ := planMainInjection(m, h)
	if inj.Manual != "" || inj.Already || inj.Path != "main.go" {
		t.Fatalf("want an automatic injection into main.go, got %+v", inj)
	}
	out := string(inj.Data)
	for _, want := range []string{
		"\t// sigra:begin accounts\n",
		"\taccountsWeb := accountsweb.New(accountsService, slog.Default())\n\taccountsWeb.Mount(mux)\n",
		"\tgo accountsService.RunMaintenance(context.Background(), time.Hour)\n",
		"\tif err := accountsService.StartMailQueue(context.Background()); err != nil {\n",
		"\taccountsWeb.MountDevMailbox(mux)",
		"\"time\"",
		"\"example.com/app/internal/accounts\"",
		"\"example.com/app/internal/accountsweb\"",
		"\"context\"",
		"\"log/slog\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("injected file lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "sigra:begin") < strings.Index(out, "http.NewServeMux()") ||
		strings.Index(out, "sigra:end") > strings.Index(out, `mux.HandleFunc("GET /hello"`) {
		t.Errorf("wiring is not right after the ServeMux:\n%s", out)
	}
	if strings.Count(out, "\"log\"") != 1 {
		t.Errorf("log imported twice:\n%s", out)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "main.go", inj.Data, 0); err != nil {
		t.Fatalf("injected file does not parse: %v", err)
	}

	// A second run finds the marker and does nothing.
	h2 := hostWith(t, map[string]string{"main.go": out})
	if again, _ := planMainInjection(m, h2); !again.Already {
		t.Fatalf("re-run should report already injected, got %+v", again)
	}
}

// TestInjectIntoARoutesHelperNeverClosesTheService: in a helper that builds the routes and
// returns them, a deferred Close would close the database before the first request. The
// block in main closes it; the one in routes() does not, and says why.
func TestInjectIntoARoutesHelperNeverClosesTheService(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	helper := "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(\":4000\", routes())\n}\n\n" +
		"func routes() http.Handler {\n\tmux := http.NewServeMux()\n\treturn mux\n}\n"
	inLiteral := "package main\n\nimport \"net/http\"\n\nfunc main() {\n\tbuild := func() http.Handler {\n\t\tmux := http.NewServeMux()\n\t\treturn mux\n\t}\n\thttp.ListenAndServe(\":4000\", build())\n}\n"
	for name, src := range map[string]string{"main": mainWithMux, "routes helper": helper, "function literal": inLiteral} {
		inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
		if inj.Manual != "" || inj.Data == nil {
			t.Fatalf("%s: want an automatic injection, got %+v", name, inj)
		}
		out := string(inj.Data)
		closes := strings.Contains(out, "defer accountsService.Close()")
		if closes != (name == "main") {
			t.Errorf("%s: defer Close injected = %v:\n%s", name, closes, out)
		}
		if name != "main" && !strings.Contains(out, "must not close it. Call accountsService.Close() on shutdown.") {
			t.Errorf("%s: the block does not say why it leaves the service open:\n%s", name, out)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "main.go", inj.Data, 0); err != nil {
			t.Fatalf("%s: injected file does not parse: %v", name, err)
		}
	}
}

// TestInjectPicksTheMainThatServesHTTP: with a command-line tool's main beside the server's,
// the wiring goes into the server's; with only tools, the manual text names none of them and
// points at --main; --main names the package outright, and a wrong one is refused.
func TestInjectPicksTheMainThatServesHTTP(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	tool := "package main\n\nimport (\n\t\"flag\"\n\t\"fmt\"\n)\n\nfunc main() {\n\tflag.Parse()\n\tfmt.Println(flag.Args())\n}\n"
	files := map[string]string{"cmd/admin/main.go": tool, "cmd/web/main.go": mainWithMux}
	inj, err := planMainInjection(m, hostWith(t, files))
	if err != nil || inj.Path != "cmd/web/main.go" || inj.Data == nil {
		t.Fatalf("want the injection in cmd/web/main.go, got %+v, %v", inj, err)
	}

	inj, err = planMainInjection(m, hostWith(t, map[string]string{"cmd/admin/main.go": tool}))
	if err != nil || inj.Manual == "" || strings.Contains(inj.Manual, "cmd/admin/main.go") || !strings.Contains(inj.Manual, "--main PATH") {
		t.Fatalf("only a tool's main: want manual text that names no CLI main and mentions --main, got %+v, %v", inj, err)
	}

	m.Main = "./cmd/web/main.go"
	if inj, err = planMainInjection(m, hostWith(t, files)); err != nil || inj.Path != "cmd/web/main.go" {
		t.Fatalf("--main ./cmd/web/main.go: %+v, %v", inj, err)
	}
	m.Main = "cmd/worker"
	if _, err = planMainInjection(m, hostWith(t, files)); err == nil || !strings.Contains(err.Error(), "--main cmd/worker: no package main of yours there (main packages: cmd/admin, cmd/web)") {
		t.Fatalf("--main naming no main package: %v", err)
	}
}

func TestInjectKeepsCRLF(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	crlf := strings.ReplaceAll(mainWithMux, "\n", "\r\n")
	inj, _ := planMainInjection(m, hostWith(t, map[string]string{"cmd/web/main.go": crlf}))
	if inj.Manual != "" {
		t.Fatalf("unexpected manual step: %s", inj.Manual)
	}
	if strings.Count(string(inj.Data), "\n") != strings.Count(string(inj.Data), "\r\n") {
		t.Errorf("line endings were not kept as CRLF")
	}
}

func TestInjectUsesTheHostsMuxName(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	src := strings.ReplaceAll(mainWithMux, "mux", "router")
	inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
	if !strings.Contains(string(inj.Data), ".Mount(router)") {
		t.Errorf("wiring should mount on router:\n%s", inj.Data)
	}
}

func TestInjectFallsBackToManual(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	cases := map[string]struct{ src, reason string }{
		"no anchor": {`package main

import "net/http"

func main() {
	srv := &http.Server{Addr: ":8080"}
	srv.ListenAndServe()
}
`, "found no `http.NewServeMux()`, `chi.NewRouter()`, `mux.NewRouter()`, `gin.New()`, `gin.Default()` or `echo.New()`"},
		"not gofmt-clean":                {strings.Replace(mainWithMux, "mux := http.NewServeMux()", "mux:=http.NewServeMux()", 1), "not gofmt-formatted"},
		"generated package's name taken": {strings.Replace(mainWithMux, "\"net/http\"\n", "\"net/http\"\n\n\taccounts \"example.com/billing/accounts\"\n", 1), "the name accounts already refers to example.com/billing/accounts"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": c.src}))
			if inj.Manual == "" || inj.Data != nil {
				t.Fatalf("want a manual step, got %+v", inj)
			}
			for _, want := range []string{c.reason, "accountsWeb.Mount(mux)", "go accountsService.RunMaintenance(context.Background(), time.Hour)", `"example.com/app/internal/accounts"`} {
				if !strings.Contains(inj.Manual, want) {
					t.Errorf("manual text lacks %q:\n%s", want, inj.Manual)
				}
			}
		})
	}
}

func TestHostIgnoresOurOwnServerMain(t *testing.T) {
	h := hostWith(t, map[string]string{
		"cmd/server/main.go": Provenance + "\n\npackage main\n\nfunc main() {}\n",
		"tools/gen/main.go":  "package main\n\nfunc main() {}\n", // under tools/: still a main package
	})
	if len(h.MainDirs) != 1 || h.MainDirs[0] != "tools/gen" {
		t.Errorf("MainDirs = %v, want [tools/gen]", h.MainDirs)
	}
	h = hostWith(t, map[string]string{
		"cmd/server/main.go":     Provenance + "\n\npackage main\n\nfunc main() {}\n",
		"testdata/x/main.go":     "package main\n",
		"internal/lib/lib.go":    "package lib\n",
		"nested/go.mod":          "module nested\n",
		"nested/cmd/x/main.go":   "package main\n",
		"internal/lib/x_test.go": "package main\n",
	})
	if len(h.MainDirs) != 0 {
		t.Errorf("MainDirs = %v, want none", h.MainDirs)
	}
	// Our server's helper files are ours too; a hand-written file beside them is not.
	h = hostWith(t, map[string]string{
		"cmd/server/main.go":     Provenance + "\n\npackage main\n\nfunc main() {}\n",
		"cmd/server/memlimit.go": Provenance + "\n\npackage main\n",
	})
	if len(h.MainDirs) != 0 {
		t.Errorf("MainDirs = %v, want none", h.MainDirs)
	}
	h = hostWith(t, map[string]string{
		"cmd/server/main.go":  Provenance + "\n\npackage main\n\nfunc main() {}\n",
		"cmd/server/extra.go": "package main\n",
	})
	if len(h.MainDirs) != 1 || h.MainDirs[0] != "cmd/server" {
		t.Errorf("MainDirs = %v, want [cmd/server]", h.MainDirs)
	}
}

func TestLoadHostChecks(t *testing.T) {
	cases := map[string]struct {
		gomod string
		want  string
	}{
		"no go.mod": {"", "run `go mod init"},
		"no module": {"go 1.26.8\n", "no module line"},
	}
	for name, c := range cases {
		fsys := fstest.MapFS{}
		if c.gomod != "" {
			fsys["go.mod"] = &fstest.MapFile{Data: []byte(c.gomod)}
		}
		_, err := LoadHost(fsys)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, c.want)
		}
	}
}

// TestInjectWrapsTheServedHandler: a host that serves a handler of its own (no ServeMux to
// mount on) gets the account routes in front of it, the handler wrapped where it is served so
// its own handlers see the logged-in user; nil (net/http's DefaultServeMux) is named.
func TestInjectWrapsTheServedHandler(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	cases := map[string]struct{ body, served string }{
		"ListenAndServe": {"\tapp := newApp()\n\tlog.Fatal(http.ListenAndServe(\":8080\", app))\n",
			"\tlog.Fatal(http.ListenAndServe(\":8080\", accountsFront(app)))\n"},
		"http.Server": {"\tsrv := &http.Server{Addr: \":8080\", Handler: newApp()}\n\tlog.Fatal(srv.ListenAndServe())\n",
			"\tsrv := &http.Server{Addr: \":8080\", Handler: accountsFront(newApp())}\n"},
		"DefaultServeMux": {"\thttp.HandleFunc(\"/\", hello)\n\tlog.Fatal(http.ListenAndServe(\":8080\", nil))\n",
			"\tlog.Fatal(http.ListenAndServe(\":8080\", accountsFront(http.DefaultServeMux)))\n"},
	}
	for name, c := range cases {
		src := "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n)\n\nfunc main() {\n" + c.body + "}\n"
		inj, err := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
		if err != nil || inj.Data == nil {
			t.Fatalf("%s: want an automatic injection, got %+v, %v", name, inj, err)
		}
		out := string(inj.Data)
		for _, want := range []string{
			c.served,
			"\taccountsRoutes := http.NewServeMux()\n\taccountsWeb.Mount(accountsRoutes)\n",
			"\t\twithCurrentUser := accountsWeb.Auth().FetchCurrentUser(next)\n",
			"\t// sigra:end accounts\n" + c.served,
			"defer accountsService.Close()",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: injected file lacks %q:\n%s", name, want, out)
			}
		}
		if again, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": out})); !again.Already {
			t.Errorf("%s: re-run should report already injected, got %+v", name, again)
		}
	}
}

const chiMain = `package main

import (
	"log"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

func main() {
	r := chi.NewRouter()
	r.Use(middleware.Logger)
	r.Use(middleware.Recoverer)
	r.Get("/hello", hello)
	log.Fatal(http.ListenAndServe(":8080", r))
}
`

// TestInjectChi: after chi.NewRouter and the host's r.Use calls (chi panics on a Use after a
// route), the front is one more middleware, and the served router is left as it is.
func TestInjectChi(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	inj, err := planMainInjection(m, hostWith(t, map[string]string{"main.go": chiMain}))
	if err != nil || inj.Data == nil {
		t.Fatalf("want an automatic injection, got %+v, %v", inj, err)
	}
	out := string(inj.Data)
	for _, want := range []string{
		"\tr.Use(middleware.Recoverer)\n\t// sigra:begin accounts\n",
		"\tr.Use(accountsFront)\n\t// sigra:end accounts\n\tr.Get(\"/hello\", hello)\n",
		"log.Fatal(http.ListenAndServe(\":8080\", r))",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("injected file lacks %q:\n%s", want, out)
		}
	}
	if again, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": out})); !again.Already {
		t.Errorf("re-run should report already injected, got %+v", again)
	}
	// Not gofmt-clean: the manual text gives the chi lines.
	messy := strings.Replace(chiMain, "r := chi.NewRouter()", "r:=chi.NewRouter()", 1)
	inj, _ = planMainInjection(m, hostWith(t, map[string]string{"main.go": messy}))
	for _, want := range []string{"after `r := chi.NewRouter()` and your r.Use calls", "        r.Use(accountsFront)", "    Add these imports:\n        \"context\"\n        \"log/slog\"\n        \"time\"\n"} {
		if !strings.Contains(inj.Manual, want) {
			t.Errorf("manual text lacks %q:\n%s", want, inj.Manual)
		}
	}
	if strings.Contains(inj.Manual, `"net/http"`) {
		t.Errorf("manual text lists net/http, which main.go imports already:\n%s", inj.Manual)
	}
	// A file whose http is the host's own package: the lines use the alias they ask to import.
	ownHTTP := strings.Replace(strings.Replace(messy, "\t\"net/http\"\n", "", 1), "\"github.com/go-chi/chi/v5/middleware\"\n", "\"github.com/go-chi/chi/v5/middleware\"\n\n\t\"example.com/app/internal/http\"\n", 1)
	inj, _ = planMainInjection(m, hostWith(t, map[string]string{"main.go": ownHTTP}))
	for _, want := range []string{"        stdhttp \"net/http\"\n", "        accountsRoutes := stdhttp.NewServeMux()\n"} {
		if !strings.Contains(inj.Manual, want) {
			t.Errorf("manual text for a host package http lacks %q:\n%s", want, inj.Manual)
		}
	}
}

// TestInjectGorilla: right after mux.NewRouter, a route matching exactly the account
// patterns (gorilla matches in order, and runs middleware only on a match), and the front.
func TestInjectGorilla(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	src := "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n\n\tgmux \"github.com/gorilla/mux\"\n)\n\n" +
		"func main() {\n\trouter := gmux.NewRouter()\n\trouter.HandleFunc(\"/hello\", hello)\n\tlog.Fatal(http.ListenAndServe(\":8080\", router))\n}\n"
	inj, err := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
	if err != nil || inj.Data == nil {
		t.Fatalf("want an automatic injection, got %+v, %v", inj, err)
	}
	out := string(inj.Data)
	for _, want := range []string{
		"\trouter := gmux.NewRouter()\n\t// sigra:begin accounts\n",
		"\trouter.MatcherFunc(func(req *http.Request, _ *gmux.RouteMatch) bool {\n",
		"\t}).Handler(accountsRoutes)\n\trouter.Use(accountsFront)\n\t// sigra:end accounts\n\trouter.HandleFunc(",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("injected file lacks %q:\n%s", want, out)
		}
	}
	shadowed := strings.ReplaceAll(strings.ReplaceAll(src, "gmux \"github", "\"github"), "router", "mux")
	shadowed = strings.ReplaceAll(shadowed, "gmux.", "mux.")
	inj, _ = planMainInjection(m, hostWith(t, map[string]string{"main.go": shadowed}))
	if !strings.Contains(inj.Manual, "the router variable mux hides the github.com/gorilla/mux package") {
		t.Errorf("a router variable named like the package: want a manual step, got %+v", inj)
	}
}

// TestInjectWarnsOfAnAssetsClash: a host serving /assets/ itself is told which of its paths
// the account routes answer first.
func TestInjectWarnsOfAnAssetsClash(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	src := strings.Replace(mainWithMux, "\tmux.HandleFunc(", "\tmux.Handle(\"GET /assets/\", http.FileServer(http.Dir(\"public\")))\n\tmux.HandleFunc(", 1)
	inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
	if inj.Data == nil || !strings.Contains(inj.Notice, "main.go serves /assets too: the accounts routes answer GET /assets/app.css") {
		t.Errorf("want the injection with a notice of the /assets clash, got %+v", inj)
	}
	if inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": mainWithMux})); inj.Notice != "" {
		t.Errorf("no clash, yet a notice: %q", inj.Notice)
	}
}

// TestInjectLeavesTwoServersToTheOwner: with the app's server and a metrics one, which
// handler serves the pages is not in the syntax, so neither is wrapped: the manual text says so.
func TestInjectLeavesTwoServersToTheOwner(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	src := "package main\n\nimport (\n\t\"log\"\n\t\"net/http\"\n)\n\nfunc main() {\n" +
		"\tgo http.ListenAndServe(\":9090\", metrics())\n\tlog.Fatal(http.ListenAndServe(\":8080\", newApp()))\n}\n"
	inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
	if inj.Data != nil || !strings.Contains(inj.Manual, "it serves 2 handlers, and which one serves your pages is yours to say") ||
		!strings.Contains(inj.Manual, "then serve accountsFront(handler) instead of handler") {
		t.Errorf("two served handlers in one file: want a manual step, got %+v", inj)
	}
	split := map[string]string{
		"main.go":    "package main\n\nimport \"net/http\"\n\nfunc main() {\n\tgo serveMetrics()\n\thttp.ListenAndServe(\":8080\", newApp())\n}\n",
		"metrics.go": "package main\n\nimport \"net/http\"\n\nfunc serveMetrics() {\n\thttp.ListenAndServe(\":9090\", metrics())\n}\n",
	}
	inj, _ = planMainInjection(m, hostWith(t, split))
	if inj.Data != nil || !strings.Contains(inj.Manual, "main.go and metrics.go each serve a handler") {
		t.Errorf("two files serving handlers: want a manual step, got %+v", inj)
	}
}

// TestInjectAliasesTakenNames: a host whose own package is called http (imported in main,
// net/http under another name) or whose log is logrus gets the block with the standard
// packages under the names that file gives them, or under std<name> aliases, so it compiles.
func TestInjectAliasesTakenNames(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	// The host's internal/http is http in main; net/http is nethttp there.
	src := "package main\n\nimport (\n\t\"log\"\n\tnethttp \"net/http\"\n\n\t\"example.com/app/internal/http\"\n)\n\n" +
		"func main() {\n\tsrv := &nethttp.Server{Addr: \":8080\", Handler: http.New()}\n\tlog.Fatal(srv.ListenAndServe())\n}\n"
	inj, err := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
	if err != nil || inj.Data == nil {
		t.Fatalf("want an automatic injection, got %+v, %v", inj, err)
	}
	out := string(inj.Data)
	for _, want := range []string{
		"\taccountsRoutes := nethttp.NewServeMux()\n",
		"\taccountsFront := func(next nethttp.Handler) nethttp.Handler {\n",
		"\t\treturn nethttp.HandlerFunc(func(w nethttp.ResponseWriter, req *nethttp.Request) {\n",
		"Handler: accountsFront(http.New())}",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("injected file lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\t\"net/http\"\n") {
		t.Errorf("net/http imported a second time:\n%s", out)
	}
	// The same host with no net/http import in main (chi serves): net/http comes in as stdhttp.
	chiSrc := "package main\n\nimport (\n\t\"github.com/go-chi/chi/v5\"\n\n\t\"example.com/app/internal/http\"\n)\n\n" +
		"func main() {\n\tr := chi.NewRouter()\n\thttp.Routes(r)\n\thttp.Run(r)\n}\n"
	inj, _ = planMainInjection(m, hostWith(t, map[string]string{"main.go": chiSrc, "serve.go": "package main\n\nfunc Serve() {}\n"}))
	out = string(inj.Data)
	for _, want := range []string{"\tstdhttp \"net/http\"\n", "\taccountsRoutes := stdhttp.NewServeMux()\n", "\tr.Use(accountsFront)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("injected chi file lacks %q:\n%s", want, out)
		}
	}
	if f, err := parser.ParseFile(token.NewFileSet(), "main.go", out, 0); err != nil || len(f.Imports) != 9 {
		t.Errorf("want the file to parse with its 2 imports and the block's 7 (%v):\n%s", err, out)
	}
	// log is logrus, and another file of the package declares a func time: stdlog, stdtime.
	logrus := strings.Replace(mainWithMux, "\"log\"", "log \"github.com/sirupsen/logrus\"", 1)
	inj, _ = planMainInjection(m, hostWith(t, map[string]string{"main.go": logrus, "clock.go": "package main\n\nfunc time() int64 { return 0 }\n"}))
	out = string(inj.Data)
	for _, want := range []string{"\tstdlog \"log\"\n", "\tstdtime \"time\"\n", "\t\tstdlog.Fatalf(\"accounts config: %v\", err)\n", "RunMaintenance(context.Background(), stdtime.Hour)"} {
		if !strings.Contains(out, want) {
			t.Errorf("injected file lacks %q:\n%s", want, out)
		}
	}
}

const ginMain = `package main

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"
)

func main() {
	r := gin.New()
	r.Use(gin.Logger())
	r.Use(gin.Recovery())
	r.GET("/hello", func(c *gin.Context) { c.String(http.StatusOK, "hello") })
	log.Fatal(r.Run(":8080"))
}
`

// TestInjectGin: after gin.New and the host's r.Use calls (gin applies a Use only to the routes
// added after it), a gin middleware that serves the account routes and hands the rest on with
// the user; gin's preset 404 status is reset for an account page.
func TestInjectGin(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	inj, err := planMainInjection(m, hostWith(t, map[string]string{"main.go": ginMain}))
	if err != nil || inj.Data == nil {
		t.Fatalf("want an automatic injection, got %+v, %v", inj, err)
	}
	out := string(inj.Data)
	for _, want := range []string{
		"\tr.Use(gin.Recovery())\n\t// sigra:begin accounts\n",
		"\tr.Use(func(c *gin.Context) {\n\t\tif _, pattern := accountsRoutes.Handler(c.Request); pattern != \"\" {\n\t\t\t// gin has set 404 already when none of its routes has the path.\n\t\t\tc.Status(http.StatusOK)\n",
		"\t\taccountsWeb.Auth().FetchCurrentUser(http.HandlerFunc(func(_ http.ResponseWriter, req *http.Request) {\n\t\t\tc.Request = req\n\t\t\tc.Next()\n",
		"\t})\n\t// sigra:end accounts\n\tr.GET(\"/hello\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("injected file lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "accountsFront") {
		t.Errorf("gin gets its own middleware, not the http front (unused, it would not compile):\n%s", out)
	}
	if again, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": out})); !again.Already {
		t.Errorf("re-run should report already injected, got %+v", again)
	}
	def := strings.Replace(ginMain, "gin.New()", "gin.Default()", 1)
	if inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": def})); !strings.Contains(string(inj.Data), "\tr.Use(gin.Recovery())\n\t// sigra:begin accounts\n") {
		t.Errorf("gin.Default() is an anchor too, got %+v", inj)
	}
	messy := strings.Replace(ginMain, "r := gin.New()", "r:=gin.New()", 1)
	inj, _ = planMainInjection(m, hostWith(t, map[string]string{"main.go": messy}))
	for _, want := range []string{"after `r := gin.New()` (or gin.Default()) and your r.Use calls, before any route or group", "        r.Use(func(c *gin.Context) {"} {
		if !strings.Contains(inj.Manual, want) {
			t.Errorf("manual text lacks %q:\n%s", want, inj.Manual)
		}
	}
}

// TestInjectEcho: after echo.New and the host's e.Use calls, the front through
// echo.WrapMiddleware (echo runs e.Use middleware for every request, routed or not).
func TestInjectEcho(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	src := "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/labstack/echo/v4\"\n\t\"github.com/labstack/echo/v4/middleware\"\n)\n\n" +
		"func main() {\n\te := echo.New()\n\te.HideBanner = true\n\te.Use(middleware.Recover())\n\te.GET(\"/hello\", func(c echo.Context) error { return c.String(http.StatusOK, \"hello\") })\n\te.Logger.Fatal(e.Start(\":8080\"))\n}\n"
	inj, err := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
	if err != nil || inj.Data == nil {
		t.Fatalf("want an automatic injection, got %+v, %v", inj, err)
	}
	out := string(inj.Data)
	for _, want := range []string{
		"\te.Use(middleware.Recover())\n\t// sigra:begin accounts\n",
		"\taccountsFront := func(next http.Handler) http.Handler {\n",
		"\te.Use(echo.WrapMiddleware(accountsFront))\n\t// sigra:end accounts\n\te.GET(\"/hello\"",
		"defer accountsService.Close()",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("injected file lacks %q:\n%s", want, out)
		}
	}
	// A main that imports echo but builds it elsewhere: the manual text has the echo lines.
	elsewhere := "package main\n\nimport \"github.com/labstack/echo/v4\"\n\nfunc main() {\n\tvar e *echo.Echo = build()\n\te.Start(\":8080\")\n}\n"
	inj, _ = planMainInjection(m, hostWith(t, map[string]string{"main.go": elsewhere}))
	for _, want := range []string{"`echo.New()`", "after `e := echo.New()` and your e.Use calls", "        e.Use(echo.WrapMiddleware(accountsFront))"} {
		if !strings.Contains(inj.Manual, want) {
			t.Errorf("manual text lacks %q:\n%s", want, inj.Manual)
		}
	}
}

// TestInjectServesTheMuxThroughTheFront: a ServeMux that is served (or returned as an
// http.Handler) right there is mounted on and served through the front, so the host's own
// handlers see the user; one returned as *http.ServeMux, or served twice, is only mounted on.
func TestInjectServesTheMuxThroughTheFront(t *testing.T) {
	m := newModel(DefaultOptions("Accounts", "User", "users"), "example.com/app")
	inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": mainWithMux}))
	out := string(inj.Data)
	for _, want := range []string{
		"\taccountsWeb.Mount(mux)\n\taccountsWeb.MountDevMailbox(mux)\n\taccountsRoutes := http.NewServeMux()\n",
		"\t// mux is served as accountsFront(mux) below, so your handlers see the user too.\n\t// sigra:end accounts\n",
		"log.Fatal(http.ListenAndServe(\":8080\", accountsFront(mux)))",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("injected file lacks %q:\n%s", want, out)
		}
	}
	helper := func(result, tail string) string {
		return "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(\":8080\", routes())\n}\n\n" +
			"func routes() " + result + " {\n\tmux := http.NewServeMux()\n\tmux.HandleFunc(\"GET /hello\", hello)\n" + tail + "}\n"
	}
	inj, _ = planMainInjection(m, hostWith(t, map[string]string{"main.go": helper("http.Handler", "\treturn mux\n")}))
	if !strings.Contains(string(inj.Data), "\treturn accountsFront(mux)\n") || strings.Contains(string(inj.Data), "accountsFront(routes())") {
		t.Errorf("routes() returning http.Handler: want `return accountsFront(mux)`, got:\n%s", inj.Data)
	}
	for name, src := range map[string]string{
		"returned as *http.ServeMux": helper("*http.ServeMux", "\treturn mux\n"),
		"served twice":               strings.Replace(mainWithMux, "\tlog.Fatal(", "\tgo http.ListenAndServe(\":8081\", mux)\n\tlog.Fatal(", 1),
	} {
		inj, _ := planMainInjection(m, hostWith(t, map[string]string{"main.go": src}))
		out := string(inj.Data)
		if inj.Data == nil || strings.Contains(out, "accountsFront") || !strings.Contains(out, "\taccountsWeb.MountDevMailbox(mux) // development only: the emails, so their links work\n\t// sigra:end accounts\n") {
			t.Errorf("%s: want the mount only, got %+v:\n%s", name, inj, out)
		}
	}
}
