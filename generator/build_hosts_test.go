package generator_test

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sigra-go/sigra-install/internal/cli"
)

// TestBuildHosts installs into fixture hosts of the shapes real apps have (gin, echo, a host
// package named http, several mains on an old go line, a vendored host, a module that
// conflicts with an upgrade), builds each once and drives it with driveHostServer: register,
// confirm, log in, and the host's own /hello sees the user; a re-run changes nothing. The
// ServeMux, routes-helper, served-handler, chi and gorilla hosts are in TestBuild.
func TestBuildHosts(t *testing.T) {
	if testing.Short() {
		skipTier(t, "tier 5 builds generated hosts; skipped with -short")
	}
	t.Run("host-gin", func(t *testing.T) {
		// gin: a gin middleware after the host's, before its routes; the account pages get a
		// 200 though gin had set 404 for paths none of its routes has.
		driveRouterHost(t, "host-gin", "gin",
			"\tr.Use(gin.Recovery())\n\t// sigra:begin accounts\n",
			"\t\t\t// gin has set 404 already when none of its routes has the path.\n\t\t\tc.Status(http.StatusOK)\n",
			"\t// sigra:end accounts\n\tr.GET(\"/hello\", hello)\n")
	})
	t.Run("host-echo", func(t *testing.T) {
		// echo: the front as middleware, through echo.WrapMiddleware, after the host's.
		driveRouterHost(t, "host-echo", "echo",
			"\te.Use(middleware.Recover())\n\t// sigra:begin accounts\n",
			"\te.Use(echo.WrapMiddleware(accountsFront))\n\t// sigra:end accounts\n\te.GET(\"/hello\", hello)\n")
	})
	t.Run("host-http-package", func(t *testing.T) {
		// main imports the host's own package http: net/http comes in as stdhttp.
		driveRouterHost(t, "host-http-package", "httppkg",
			"\tstdhttp \"net/http\"\n",
			"\taccountsRoutes := stdhttp.NewServeMux()\n",
			"\tr.Use(accountsFront)\n\t// sigra:end accounts\n\thttp.Routes(r)\n")
	})
	t.Run("host-multi-main-old-go", func(t *testing.T) {
		// Three mains (a gorilla/mux server, a cobra CLI, an HTTP client) and go 1.21: refused
		// without --bump-go, naming it; with it, the wiring goes into the server and the
		// others are left alone.
		parallelBuild(t)
		fixture := filepath.Join("..", "testdata", "host", "multimain")
		refused := t.TempDir()
		require.NoError(t, os.CopyFS(refused, os.DirFS(fixture)))
		var out, errOut bytes.Buffer
		code := cli.Main([]string{"Accounts", "User", "users", "--dir", refused}, &out, &errOut)
		require.Equal(t, 1, code, "go 1.21 without --bump-go:\n%s\n%s", out.String(), errOut.String())
		require.Contains(t, errOut.String(), "go.mod says go 1.21, but the generated code needs go 1.26.0 or later")
		require.Contains(t, errOut.String(), "re-run with --bump-go to raise the go line")
		require.NoDirExists(t, filepath.Join(refused, "internal"), "a refused install writes nothing")

		args := []string{"Accounts", "User", "users", "--bump-go"}
		dir := generatedHostFrom(t, "host-multi-main", "multimain", args)
		require.Contains(t, hostInstallOutput(t, "host-multi-main"), "* raising the go line in go.mod: go 1.21 -> go 1.26.0 (--bump-go). What that changes:\n")
		requireFileHolds(t, dir, "go.mod", "\ngo 1.26.0\n")
		main := requireFileHolds(t, dir, "cmd/api/main.go",
			"\tr := mux.NewRouter()\n\t// sigra:begin accounts\n",
			"\tr.Use(accountsFront)\n\t// sigra:end accounts\n\tr.HandleFunc(\"/hello\", hello)\n")
		for _, other := range []string{"cmd/migrate/main.go", "cmd/worker/main.go"} {
			want, err := os.ReadFile(filepath.Join(fixture, other))
			require.NoError(t, err)
			requireFileIs(t, dir, other, string(want))
		}
		require.NoDirExists(t, filepath.Join(dir, "cmd", "server"), "a host with a server main gets no cmd/server")
		goCmd(t, dir, nil, "vet", "./...")
		bin := filepath.Join(t.TempDir(), "api")
		goCmd(t, dir, nil, "build", "-o", bin, "./cmd/api")
		driveHostServer(t, bin)
		requireRerunUnchanged(t, dir, args, "cmd/api/main.go", main)
	})
	t.Run("host-vendored", func(t *testing.T) {
		// A committed vendor/ and uuid at v1.5.0, below the generated code's v1.6.0: the
		// upgrade is reported by name and versions, go mod vendor runs after tidy, and the host
		// builds and serves with -mod=vendor.
		parallelBuild(t)
		args := []string{"Accounts", "User", "users"}
		dir := generatedHostFrom(t, "host-vendored", "vendored", args)
		out := hostInstallOutput(t, "host-vendored")
		require.Contains(t, out, "\n* upgrading github.com/google/uuid v1.5.0 -> v1.6.0 (your module; the generated code needs it)\n")
		require.Contains(t, out, "\n* running go mod vendor (vendor/ must match the changed go.mod)\n")
		requireFileHolds(t, dir, "vendor/modules.txt", "# github.com/google/uuid v1.6.0\n", "# modernc.org/sqlite v1.62.0\n")
		main := requireFileHolds(t, dir, "main.go", "\t// sigra:end accounts\n\tlog.Fatal(http.Serve(ln, accountsFront(app{})))\n")
		goCmd(t, dir, nil, "vet", "-mod=vendor", "./...")
		bin := filepath.Join(t.TempDir(), "app")
		goCmd(t, dir, nil, "build", "-mod=vendor", "-o", bin, ".")
		driveHostServer(t, bin)

		// An earlier run whose go mod vendor failed left vendor/ as it was: a re-run with
		// nothing to write resumes there instead of saying there is nothing to do.
		stale, err := os.ReadFile(filepath.Join("..", "testdata", "host", "vendored", "vendor", "modules.txt"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "vendor", "modules.txt"), stale, 0o644))
		var again, errOut bytes.Buffer
		code := cli.Main(append(append([]string{}, args...), "--dir", dir), &again, &errOut)
		require.Equal(t, 0, code, "resumed run:\n%s\n%s", again.String(), errOut.String())
		require.Contains(t, again.String(), "* resuming: the files are in place, but go.mod, go.sum or vendor/ are not up to date yet")
		require.Contains(t, again.String(), "* running go mod vendor")
		requireFileHolds(t, dir, "vendor/modules.txt", "# github.com/google/uuid v1.6.0\n")
		requireRerunUnchanged(t, dir, args, "main.go", main)
	})
	t.Run("host-tidy-conflict", func(t *testing.T) {
		// A module of the host's imports a package the upgraded x/crypto no longer has: tidy
		// fails, the output names that module and what to do, and each re-run resumes with
		// tidy (never "Nothing to do") until the module is fixed; then the host builds.
		parallelBuild(t)
		dir := t.TempDir()
		require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join("..", "testdata", "host", "tidyconflict"))))
		args := []string{"Accounts", "User", "users", "--dir", dir}
		culprit := "example.com/oldsign v0.1.0, a module of yours, imports golang.org/x/crypto/openpgp, which golang.org/x/crypto v0.59.0 (the version the generated code needs"
		todo := "no longer has. Upgrade it (`go get example.com/oldsign@latest`) or replace it, then run sigra-install again (it resumes with go mod tidy)."
		for run, resumes := range []bool{false, true} {
			var out, errOut bytes.Buffer
			code := cli.Main(args, &out, &errOut)
			require.Equal(t, 1, code, "run %d:\n%s\n%s", run, out.String(), errOut.String())
			require.Contains(t, errOut.String(), culprit, "run %d", run)
			require.Contains(t, errOut.String(), todo, "run %d", run)
			require.NotContains(t, out.String(), "Nothing to do", "run %d", run)
			if resumes {
				require.Contains(t, out.String(), "* resuming: the files are in place, but go.mod, go.sum or vendor/ are not up to date yet")
			} else {
				require.Contains(t, errOut.String(), "(the version the generated code needs; your go.mod had v0.48.0)")
			}
		}
		// The owner upgrades the module (here: a release that no longer imports openpgp).
		require.NoError(t, os.WriteFile(filepath.Join(dir, "oldsign", "sign.go"), []byte("// Package oldsign signs release files.\npackage oldsign\n\n// Entity is the signer.\ntype Entity struct{ Name string }\n"), 0o644))
		var out, errOut bytes.Buffer
		code := cli.Main(args, &out, &errOut)
		require.Equal(t, 0, code, "after the fix:\n%s\n%s", out.String(), errOut.String())
		require.Contains(t, out.String(), "* resuming: ")
		require.Contains(t, out.String(), "* running go mod tidy")
		goCmd(t, dir, nil, "build", "-o", filepath.Join(t.TempDir(), "app"), ".")
	})
}

// hostInstallOutput is what the install printed for the host generatedHostFrom made for key.
func hostInstallOutput(t *testing.T, key string) string {
	t.Helper()
	hostsMu.Lock()
	defer hostsMu.Unlock()
	h, ok := hosts[key]
	require.True(t, ok, "no host generated for %s", key)
	return h.out
}

// requireFileIs checks the host file rel is exactly want.
func requireFileIs(t *testing.T, dir, rel, want string) {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, rel))
	require.NoError(t, err)
	require.Equal(t, want, string(got), "%s was changed", rel)
}

// requireFileHolds reads the host file rel and checks it holds each of wants.
func requireFileHolds(t *testing.T, dir, rel string, wants ...string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, rel))
	require.NoError(t, err)
	for _, want := range wants {
		require.Contains(t, string(data), want, "%s after the injection", rel)
	}
	return string(data)
}

// driveHostServer starts the built host and drives it: a registration POST, the confirmation
// mail from the dev mailbox, a log-in, and the host's own /hello page, which must greet the
// logged-in user by email (it reads userauth.CurrentUser).
func driveHostServer(t *testing.T, bin string) {
	t.Helper()
	srv := startServer(t, bin, t.TempDir())
	b := newBrowser(t, srv.base)
	email, password := "ada@example.com", "violet-harbor-lantern-42"
	require.Equal(t, "hello from the host\n", b.get("/hello").body, "the host's page before a log-in")
	res := b.register(url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusOK, res.status, "POST /users/register on the host:\n%s", res.body)
	require.Contains(t, res.body, "Check your email")
	confirmed := b.post(mailedPath(t, b, email, "confirm_email"), url.Values{"password": {password}})
	require.Equal(t, http.StatusSeeOther, confirmed.status, confirmed.body)
	in := b.post("/users/log-in", url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, in.status, in.body)
	hello := b.get("/hello")
	require.Equal(t, http.StatusOK, hello.status)
	require.Equal(t, "hello from the host, "+email+"\n", hello.body, "the host's page sees the logged-in user")
	require.Equal(t, http.StatusOK, b.get("/users/settings").status, "the account pages see the session too")
	require.Equal(t, http.StatusNotFound, b.get("/no-such-page").status, "the host's handler answers the rest")
}

// requireRerunUnchanged runs the install again with args: it must find the block in rel,
// say there is nothing to do, and leave rel as it was (before).
func requireRerunUnchanged(t *testing.T, dir string, args []string, rel, before string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(append(append([]string{}, args...), "--dir", dir), &out, &errOut)
	require.Equal(t, 0, code, "re-run:\n%s\n%s", out.String(), errOut.String())
	require.Contains(t, out.String(), "* already injected "+rel, "re-run")
	require.Contains(t, out.String(), "Nothing to do", "re-run")
	again, err := os.ReadFile(filepath.Join(dir, rel))
	require.NoError(t, err)
	require.Equal(t, before, string(again), "a re-run changed %s", rel)
}
