package generator_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserAPITokens drives the personal access token pages of the maximal bundle
// (--api --jwt) in headless Chromium: the tokens page and the page showing a new token pass
// axe-core (no serious or critical violation), the copy button appears (its script is a
// served file, which the CSP allows) and copies the token to the clipboard, the token works
// against the running server's GET /api/v1/me, and the page's revoke button ends it.
func TestBrowserAPITokens(t *testing.T) {
	chromium := requireChromium(t)
	axe := axeSource(t)
	base := startComboBrowserHost(t, "api_jwt")
	ctx := newChromium(t, chromium)
	artifacts := filepath.Join(artifactsDir(t), "api")
	require.NoError(t, os.MkdirAll(artifacts, 0o755))

	audit := func(label string) {
		t.Helper()
		reportAxe(t, label, axeViolations(t, ctx, axe, label))
		screenshot(t, ctx, filepath.Join(artifacts, label+".png"))
	}

	// Register, log in (which opens the sudo window) and confirm with the emailed code.
	const email, password = "api@example.com", "correct horse battery staple"
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
	run(t, ctx, "confirm the address",
		chromedp.Navigate(base+"/users/confirm"),
		chromedp.SendKeys(chromedp.ID("code"), m[1]),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(`//p[contains(., "Your email address is confirmed")]`),
	)

	run(t, ctx, "open the tokens page",
		chromedp.Navigate(base+"/users/settings/api-tokens"),
		chromedp.WaitVisible(chromedp.ID("api-token-name")),
	)
	audit("api-tokens")
	run(t, ctx, "create a token",
		chromedp.SendKeys(chromedp.ID("api-token-name"), "Backup script"),
		chromedp.Click(`//input[@name="scopes"][@value="profile:read"]`),
		chromedp.Submit(chromedp.ID("api-token-name")),
		chromedp.WaitVisible(chromedp.ID("new-api-token")),
		chromedp.WaitVisible(chromedp.CSS(`[data-copy-api-token]`)),
	)
	audit("api-token-new")
	token, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("new-api-token")))
	require.NoError(t, err)
	require.Regexp(t, `^[a-z][a-z0-9_]*_pat_[0-9A-Za-z]{49}$`, token)

	// The copy button puts the token on the clipboard.
	_, err = chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: "clipboard-read"}, Setting: cdpbrowser.PermissionSettingGranted, Origin: base,
	})
	require.NoError(t, err, "grant clipboard-read")
	run(t, ctx, "copy the token",
		chromedp.Click(chromedp.CSS(`[data-copy-api-token]`)),
		chromedp.WaitVisible(`//span[@data-copy-status][.="Copied."]`),
	)
	copied, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	require.Equal(t, token, copied, "the clipboard holds something else than the token")

	// The token opens the API of the running server, until the page revokes it.
	me := func() int {
		req, err := http.NewRequest(http.MethodGet, base+"/api/v1/me", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode == http.StatusOK {
			require.Contains(t, string(body), `"email":"`+email+`"`)
		}
		return res.StatusCode
	}
	require.Equal(t, http.StatusOK, me(), "GET /api/v1/me with the new token")
	run(t, ctx, "revoke the token",
		chromedp.Navigate(base+"/users/settings/api-tokens"),
		chromedp.Click(`//button[contains(., "Revoke Backup script")]`),
		chromedp.WaitVisible(`//*[contains(., "Token revoked.")]`),
	)
	require.Equal(t, http.StatusUnauthorized, me(), "GET /api/v1/me with the revoked token")
}

// startComboBrowserHost generates the combination name, builds its server, starts it on
// SQLite with env added to its environment and returns its base URL, as startBrowserHost
// does for the default bundle.
func startComboBrowserHost(t *testing.T, name string, env ...string) string {
	t.Helper()
	var c combo
	for _, cc := range combos {
		if cc.name == name {
			c = cc
		}
	}
	require.NotEmpty(t, c.name, "no combo %s", name)
	dir := generatedHost(t, c)
	bin := filepath.Join(t.TempDir(), "server")
	goCmd(t, dir, nil, "build", "-o", bin, "./cmd/server")
	port := freePort(t)
	base := fmt.Sprintf("http://localhost:%d", port)
	work := t.TempDir()
	startServer(t, bin, work, append([]string{
		fmt.Sprintf("ADDR=127.0.0.1:%d", port),
		"BASE_URL=" + base,
		"DATABASE_URL=sqlite:" + filepath.Join(work, "app.db"),
	}, env...)...)
	return base
}
