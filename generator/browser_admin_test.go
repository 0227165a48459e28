package generator_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"
)

// adminArtifactsDir is where TestBrowserAdmin writes its screenshots: $SIGRA_ADMIN_ARTIFACTS,
// or sigra-admin-screenshots in the system temp directory (os.TempDir), kept after the test.
func adminArtifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SIGRA_ADMIN_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "sigra-admin-screenshots")
	}
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(abs, 0o755))
	return abs
}

// TestBrowserAdmin opens the admin area of the built default server in headless Chromium:
// an account enrols MFA in the browser, is granted with the server's `admin grant`
// subcommand, and every admin page (dashboard, users, one account, the audit log, and the
// impersonation banner) is checked with axe-core (no serious or critical violation) and saved
// as a screenshot at desktop (1280 px) and phone (390 px) widths, in the light theme.
func TestBrowserAdmin(t *testing.T) {
	chromium := requireChromium(t)
	axe := axeSource(t)
	c := combos[0]
	require.Equal(t, "default", c.name)
	dir := generatedHost(t, c)
	bin := filepath.Join(t.TempDir(), "server")
	goCmd(t, dir, nil, "build", "-o", bin, "./cmd/server")
	port := freePort(t)
	base := fmt.Sprintf("http://localhost:%d", port)
	work := t.TempDir()
	env := []string{"BASE_URL=" + base, "DATABASE_URL=sqlite:" + filepath.Join(work, "app.db")}
	startServer(t, bin, work, append([]string{fmt.Sprintf("ADDR=127.0.0.1:%d", port)}, env...)...)
	ctx := newChromium(t, chromium)
	shots := adminArtifactsDir(t)
	t.Logf("admin screenshots go to %s", shots)

	const email, password = "admin@example.com", "correct horse battery staple"
	run(t, ctx, "register",
		chromedp.Navigate(base+"/users/register"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//h1[contains(., "Check your email")]`),
	)
	run(t, ctx, "log in",
		chromedp.Navigate(base+"/users/log-in"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//p[contains(., "You are logged in as")]`),
	)
	m := confirmCode.FindStringSubmatch(mailbox(t, newBrowser(t, base), email, "confirm_email"))
	require.NotNil(t, m, "no code in the confirmation email")
	run(t, ctx, "confirm",
		chromedp.Navigate(base+"/users/confirm"),
		chromedp.SendKeys(chromedp.ID("code"), m[1]),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(`//p[contains(., "Your email address is confirmed")]`),
	)
	run(t, ctx, "open the enrolment", chromedp.Navigate(base+"/users/settings/mfa"), chromedp.WaitVisible(chromedp.ID("totp-secret")))
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("totp-secret")))
	require.NoError(t, err)
	code, err := totp.GenerateCode(strings.Join(strings.Fields(secret), ""), time.Now()) // shown in groups of four
	require.NoError(t, err)
	run(t, ctx, "turn on two-factor authentication",
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.ID("backup-codes")),
	)

	grant := exec.Command(bin, "admin", "grant", "--email", email)
	grant.Dir = work
	grant.Env = append(hermeticEnv(), append([]string{"APP_ENV=dev"}, env...)...)
	out, err := grant.CombinedOutput()
	require.NoError(t, err, "admin grant: %s", out)

	// Some accounts to list, one of them banned.
	for _, who := range []string{"ada@example.com", "grace@example.com", "=sum(1)@example.com"} {
		res := newBrowser(t, base).register(map[string][]string{"email": {who}, "password": {password}})
		require.Equal(t, 200, res.status)
	}

	shoot := func(name string) {
		t.Helper()
		for _, width := range []int64{1280, 390} {
			run(t, ctx, fmt.Sprintf("resize %s to %d", name, width), chromedp.EmulateViewport(width, 900))
			reportAxe(t, fmt.Sprintf("%s at %d px", name, width), axeViolations(t, ctx, axe, name))
			file := filepath.Join(shots, fmt.Sprintf("admin-%s-%d.png", name, width))
			screenshot(t, ctx, file)
			info, err := os.Stat(file)
			require.NoError(t, err)
			require.Greater(t, info.Size(), int64(1000), "%s is not a screenshot", file)
		}
		run(t, ctx, "reset the emulation", chromedp.EmulateReset())
	}

	run(t, ctx, "dashboard", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(`//h1[.="Admin"]`))
	shoot("dashboard")
	run(t, ctx, "users", chromedp.Navigate(base+"/admin/users"), chromedp.WaitVisible(`//a[.="ada@example.com"]`))
	shoot("users")
	run(t, ctx, "one account", chromedp.Click(`//a[.="grace@example.com"]`), chromedp.WaitVisible(`//h1[.="grace@example.com"]`))
	run(t, ctx, "ban form", chromedp.SendKeys(chromedp.ID("reason"), "Testing the ban form"))
	run(t, ctx, "ban", chromedp.Submit(chromedp.ID("reason")), chromedp.WaitVisible(`//button[.="Lift the ban"]`))
	shoot("user")
	run(t, ctx, "audit", chromedp.Navigate(base+"/admin/audit"), chromedp.WaitVisible(`//h1[.="Audit log"]`))
	shoot("audit")
	run(t, ctx, "ada", chromedp.Navigate(base+"/admin/users?q=ada"), chromedp.Click(`//a[.="ada@example.com"]`),
		chromedp.WaitVisible(`//h1[.="ada@example.com"]`))
	run(t, ctx, "impersonate", chromedp.Click(`//button[.="Impersonate"]`),
		chromedp.WaitVisible(`//div[contains(@class, "banner-impersonation")]`))
	shoot("impersonating")
	run(t, ctx, "a refused page", chromedp.Navigate(base+"/users/settings/password"), chromedp.WaitVisible(`//h1[.="Not while impersonating"]`))
	shoot("impersonation-refused")
	run(t, ctx, "stop", chromedp.Click(`//main//button[.="Stop impersonating"]`), chromedp.WaitVisible(`//h1[.="ada@example.com"]`))
}
