package generator_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestBrowserOAuthAccessibility runs axe-core (axeSource, axeRun) in headless Chromium on the
// pages of the oauth combo (--oauth google,github,oidc) with all three providers configured,
// so their buttons show: the log-in and registration pages with the provider buttons,
// /auth/link when the request to link has expired, and /users/settings/identities before and
// after the address is confirmed (then with a button to link each provider). Each is
// audited in the light and the dark theme at 1280 and 390 px; a violation of impact serious
// or critical fails the test. A pending link needs a sign-in at a provider, which this test
// has none of: the steps of /auth/link are rendered by the generated app's own handler tests
// (oauth_test.go, oauth_attack_test.go), against its test OpenID provider.
func TestBrowserOAuthAccessibility(t *testing.T) {
	chromium := requireChromium(t)
	axe := axeSource(t)
	// Discovery runs at the first sign-in with the provider, so an issuer nobody serves is
	// enough for its button.
	base := startComboBrowserHost(t, "oauth",
		"GOOGLE_CLIENT_ID=google-id", "GOOGLE_CLIENT_SECRET=google-secret",
		"GITHUB_CLIENT_ID=github-id", "GITHUB_CLIENT_SECRET=github-secret",
		"OIDC_ISSUER=https://id.example.com", "OIDC_CLIENT_ID=oidc-id", "OIDC_CLIENT_SECRET=oidc-secret",
		"OIDC_NAME=Acme SSO")
	ctx := newChromium(t, chromium)
	artifacts := filepath.Join(artifactsDir(t), "a11y-oauth")
	require.NoError(t, os.MkdirAll(artifacts, 0o755))
	audit := axeAuditor(t, ctx, axe, artifacts, nil)
	visit := func(name, path, ready string) {
		t.Helper()
		run(t, ctx, "open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(ready))
		audit(name)
	}

	visit("log-in", "/users/log-in", `//button[.="Log in with Acme SSO"]`)
	visit("register", "/users/register", `//button[.="Sign up with GitHub"]`)
	visit("link-expired", "/auth/link", `//h1[.="Link expired"]`)

	const email, password = "oauth-a11y@example.com", "correct horse battery staple"
	run(t, ctx, "register and log in",
		chromedp.Navigate(base+"/users/register"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//h1[contains(., "Check your email")]`),
		chromedp.Navigate(base+"/users/log-in"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//p[contains(., "You are logged in as")]`),
	)
	visit("identities-unconfirmed", "/users/settings/identities", `//h1[.="Sign-in providers"]`)
	// Confirmed, the page offers a button to link each provider.
	run(t, ctx, "open the confirmation", chromedp.Navigate(base+"/users/confirm"), chromedp.WaitVisible(`//input[@id="code"]`))
	m := confirmCode.FindStringSubmatch(mailbox(t, newBrowser(t, base), email, "confirm_email"))
	require.NotNil(t, m, "no code in the confirmation email")
	run(t, ctx, "confirm the address",
		chromedp.SendKeys(chromedp.ID("code"), m[1]),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(`//p[contains(., "Your email address is confirmed")]`),
	)
	visit("identities", "/users/settings/identities", `//button[contains(., "Google")]`)
}
