package generator_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestE2EAdmin drives the admin area of the built default server over real HTTP, on SQLite
// and PostgreSQL: an account is made an admin with the `admin grant` subcommand of the
// server binary, logs in with a real TOTP code, searches the users, bans one (its live
// session dies and its log-in is refused with the reason), impersonates another (banner,
// a sensitive page refused, the audit naming both actors), stops, and exports the audit log
// as CSV, parsed with encoding/csv, including an account whose email starts with "=".
func TestE2EAdmin(t *testing.T) {
	if testing.Short() {
		skipTier(t, "tier 6 builds and runs the generated server; skipped with -short")
	}
	c := combos[0]
	require.Equal(t, "default", c.name)
	dir := generatedHost(t, c)
	bin := filepath.Join(t.TempDir(), "server")
	goCmd(t, dir, nil, "build", "-o", bin, "./cmd/server")

	t.Run("sqlite", func(t *testing.T) {
		work := t.TempDir()
		env := []string{"DATABASE_URL=sqlite:" + filepath.Join(work, "app.db")}
		driveAdminFlow(t, bin, work, env)
	})
	t.Run("postgres", func(t *testing.T) {
		work := t.TempDir()
		env := []string{"DATABASE_URL=" + freshPostgresDatabase(t, postgresURL(t))}
		driveAdminFlow(t, bin, work, env)
	})
}

// adminUserLink finds the admin page of an account in the users list.
var adminUserLink = regexp.MustCompile(`<a href="(/admin/users/[0-9a-f-]+)">([^<]+)</a>`)

func driveAdminFlow(t *testing.T, bin, work string, env []string) {
	srv := startServer(t, bin, work, env...)
	const password = "correct horse battery staple"
	signUp := func(email string) *browser {
		t.Helper()
		b := newBrowser(t, srv.base)
		res := b.register(url.Values{"email": {email}, "password": {password}})
		require.Equal(t, http.StatusOK, res.status, res.body)
		res = b.post("/users/log-in", url.Values{"email": {email}, "password": {password}})
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		code := confirmCode.FindStringSubmatch(mailbox(t, b, email, "confirm_email"))
		require.NotNil(t, code, "no code in the confirmation email")
		res = b.post("/users/confirm", url.Values{"code": {code[1]}})
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		return b
	}

	// The admin-to-be enrols MFA, then is granted with the server's own subcommand.
	adminEmail := "root@example.com"
	first := signUp(adminEmail)
	enrol := first.get("/users/settings/mfa")
	secret := e2eSecretRE.FindStringSubmatch(enrol.body)
	require.NotNil(t, secret, "no TOTP secret on the enrolment page:\n%s", enrol.body)
	done := first.post("/users/settings/mfa/totp", url.Values{"code": {totpAt(t, secret[1], time.Now())}})
	require.Equal(t, http.StatusOK, done.status, done.body)

	grant := exec.Command(bin, "admin", "grant", "--email", adminEmail)
	grant.Dir = work
	grant.Env = append(hermeticEnv(), append([]string{"APP_ENV=dev", "BASE_URL=http://localhost:4000"}, env...)...)
	out, err := grant.Output()
	require.NoError(t, err, "admin grant: %s", out)
	require.Equal(t, adminEmail+" is an admin\n", string(out))
	list := exec.Command(bin, "admin", "list")
	list.Dir, list.Env = work, grant.Env
	out, err = list.Output()
	require.NoError(t, err)
	require.Contains(t, string(out), adminEmail)

	// Log in with the password and a real TOTP code (the next step: the enrolment used this one).
	admin := newBrowser(t, srv.base)
	res := admin.post("/users/log-in", url.Values{"email": {adminEmail}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	require.True(t, strings.HasPrefix(res.location, "/users/mfa"), res.location)
	res = admin.post("/users/mfa", url.Values{"code": {totpAt(t, secret[1], time.Now().Add(30*time.Second))}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	require.Equal(t, http.StatusOK, admin.get("/admin").status)

	victim := signUp("spammer@example.com")
	signUp("carol@example.com")
	signUp("=hyperlink(1)@example.com")

	found := admin.get("/admin/users?q=spammer")
	require.Equal(t, http.StatusOK, found.status)
	m := adminUserLink.FindStringSubmatch(found.body)
	require.NotNil(t, m, "search found nothing:\n%s", found.body)
	require.Equal(t, "spammer@example.com", m[2])
	victimPage := m[1]

	res = admin.post(victimPage+"/ban", url.Values{"reason": {"Spamming the forum"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = victim.get("/users/settings")
	require.Equal(t, http.StatusSeeOther, res.status, "the banned account's live session still works")
	res = newBrowser(t, srv.base).post("/users/log-in", url.Values{"email": {"spammer@example.com"}, "password": {password}})
	require.Equal(t, http.StatusForbidden, res.status, res.body)
	require.Contains(t, res.body, "Spamming the forum")

	m = adminUserLink.FindStringSubmatch(admin.get("/admin/users?q=carol").body)
	require.NotNil(t, m)
	carolPage := m[1]
	res = admin.post(carolPage+"/impersonate", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	home := admin.get("/")
	require.Contains(t, home.body, "You are impersonating <strong>carol@example.com</strong>")
	refused := admin.get("/users/settings/password")
	require.Equal(t, http.StatusForbidden, refused.status)
	require.Contains(t, refused.body, "Not while impersonating")
	res = admin.post("/admin/impersonation/stop", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	require.Equal(t, carolPage, res.location)

	audit := admin.get("/admin/audit?action=admin.impersonation.")
	require.Equal(t, http.StatusOK, audit.status)
	for _, action := range []string{"admin.impersonation.start", "admin.impersonation.denied", "admin.impersonation.stop"} {
		require.Contains(t, audit.body, action)
	}

	export := admin.get("/admin/audit.csv")
	require.Equal(t, http.StatusOK, export.status)
	records, err := csv.NewReader(strings.NewReader(export.body)).ReadAll()
	require.NoError(t, err, export.body)
	var formula, dual bool
	for _, r := range records[1:] {
		require.Len(t, r, 10)
		_, err := time.Parse(time.RFC3339Nano, r[0])
		require.NoError(t, err)
		if r[6] == "'=hyperlink(1)@example.com" {
			formula = true
		}
		require.NotEqual(t, "=hyperlink(1)@example.com", r[6], "a formula email reached the CSV as is")
		if r[1] == "admin.impersonation.denied" {
			dual = r[4] == adminEmail && r[6] == "carol@example.com" && strings.Contains(r[9], "effective_user_id")
		}
	}
	require.True(t, formula, "the account with a formula email is not in the export")
	require.True(t, dual, "the refusal while impersonating does not name both actors")
	t.Logf("%d audit rows exported", len(records)-1)
}
