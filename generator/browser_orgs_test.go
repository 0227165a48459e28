package generator_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

var orgInvitationLink = regexp.MustCompile(`http://localhost:\d+(/invitations/[A-Za-z0-9_-]+)`)

// TestBrowserOrganizationsAccessibility runs axe-core (axeSource, axeRun) in headless Chromium
// on the organization pages of the default bundle, the header switcher on each: the list and
// create form, the overview, the members page with a pending invitation, the settings (also
// with a refused form), and the invitation page as the invited guest sees it (also refused).
// Each is audited in the light and the dark theme at 1280 and 390 px; a violation of impact
// serious or critical fails the test.
func TestBrowserOrganizationsAccessibility(t *testing.T) {
	chromium := requireChromium(t)
	axe := axeSource(t)
	base := startBrowserHost(t)
	ctx := newChromium(t, chromium)
	artifacts := filepath.Join(artifactsDir(t), "a11y-orgs")
	require.NoError(t, os.MkdirAll(artifacts, 0o755))

	audited := 0
	audit := axeAuditor(t, ctx, axe, artifacts, &audited)
	visit := func(name, path, ready string) {
		t.Helper()
		run(t, ctx, "open "+path, chromedp.Navigate(base+path), chromedp.WaitVisible(ready))
		audit(name)
	}

	// A confirmed account (so it has its personal organization and the switcher).
	const email, password = "orgs-a11y@example.com", "correct horse battery staple"
	run(t, ctx, "register",
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
		chromedp.Navigate(base+"/users/confirm"),
		chromedp.WaitVisible(`//input[@id="code"]`),
	)
	m := confirmCode.FindStringSubmatch(mailbox(t, newBrowser(t, base), email, "confirm_email"))
	require.NotNil(t, m, "no code in the confirmation email")
	run(t, ctx, "confirm the address",
		chromedp.SendKeys(chromedp.ID("code"), m[1]),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(`//p[contains(., "Your email address is confirmed")]`),
	)

	visit("organizations", "/organizations", `//h1[.="Organizations"]`)
	run(t, ctx, "create an organization",
		chromedp.SendKeys(chromedp.ID("org-name"), "Acme Research"),
		chromedp.Submit(chromedp.ID("org-name")),
		chromedp.WaitVisible(`//h1[.="Acme Research"]`),
		chromedp.WaitReady(chromedp.ID("org-switcher")), // in the page; hidden in the header on phones, where the list switches
	)
	audit("organization")
	visit("org-settings", "/organizations/acme-research/settings", `//h1[.="Organization settings"]`)
	// A refused form: the page again with its error summary and the field marked.
	run(t, ctx, "rename to nothing",
		chromedp.Clear(chromedp.ID("org-name")),
		chromedp.Submit(chromedp.ID("org-name")),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
	)
	audit("org-settings-refused")
	run(t, ctx, "invite someone",
		chromedp.Navigate(base+"/organizations/acme-research/members"),
		chromedp.SendKeys(chromedp.ID("invite-email"), "guest@example.com"),
		chromedp.Submit(chromedp.ID("invite-email")),
		chromedp.WaitVisible(`//h3[.="Pending"]`),
	)
	audit("org-members")

	// The invited guest's view: the sign-up form with the address fixed.
	link := orgInvitationLink.FindStringSubmatch(mailbox(t, newBrowser(t, base), "guest@example.com", "org_invitation"))
	require.NotNil(t, link, "no link in the invitation")
	run(t, ctx, "log out", chromedp.Click(chromedp.CSS(`header form[action="/users/log-out"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/users/register"]`)))
	visit("invitation-sign-up", link[1], `//input[@id="invite-password"]`)
	run(t, ctx, "sign up with a short password",
		chromedp.SendKeys(chromedp.ID("invite-password"), "short"),
		chromedp.Submit(chromedp.ID("invite-password")),
		chromedp.WaitVisible(chromedp.ID("invite-password-error")),
	)
	audit("invitation-sign-up-refused")
	t.Logf("axe-core: %d organization page views audited", audited)
}
