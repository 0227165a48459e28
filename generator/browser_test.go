package generator_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"
)

// TestBrowserPasskeys is the real-browser check of passkeys: headless Chromium, with the
// DevTools virtual authenticator standing in for a platform authenticator, registers an
// account through the forms, adds a passkey from the settings page, logs out and logs in
// again with the passkey alone, then turns on two-factor authentication and answers the
// challenge after a password login with the passkey, all against the generated server.
// Screenshots of the log-in, settings and challenge pages are saved to $SIGRA_ARTIFACTS
// (default: artifacts/ at the repository root).
//
// It needs a Chromium binary: it skips without one, except under CI, where it fails.
func TestBrowserPasskeys(t *testing.T) {
	chromium := requireChromium(t)

	base := startBrowserHost(t)
	ctx := newChromium(t, chromium)
	artifacts := artifactsDir(t)
	email := "browser@example.com"

	// The log-in page offers passkeys once its script has run (the button is hidden without
	// JavaScript), beside the password form.
	run(t, ctx, "open the log-in page",
		chromedp.Navigate(base+"/users/log-in"),
		chromedp.WaitVisible(chromedp.CSS(`[data-passkey-button]`)),
		chromedp.WaitVisible(chromedp.ID("password")),
	)
	screenshot(t, ctx, filepath.Join(artifacts, "passkeys-log-in.png"))

	// Register through the form, which asks to confirm the address, then log in with the
	// password (an unconfirmed account may log in; the login opens the sudo window).
	const password = "correct horse battery staple"
	run(t, ctx, "register",
		chromedp.Navigate(base+"/users/register"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//h1[contains(., "Check your email")]`),
	)
	run(t, ctx, "log in after registering",
		chromedp.Navigate(base+"/users/log-in"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(`//p[contains(., "You are logged in as")]`),
	)
	// Only a confirmed account may add a passkey: enter the emailed code, logged in.
	m := confirmCode.FindStringSubmatch(mailbox(t, newBrowser(t, base), email, "confirm_email"))
	require.NotNil(t, m, "no code in the confirmation email")
	run(t, ctx, "confirm the address",
		chromedp.Navigate(base+"/users/confirm"),
		chromedp.SendKeys(chromedp.ID("code"), m[1]),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(`//p[contains(., "Your email address is confirmed")]`),
	)

	// The authenticator: CTAP2, built in, holding discoverable credentials, with user
	// verification (a PIN or fingerprint) that succeeds without a prompt.
	_, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{})
	require.NoError(t, err, "WebAuthn.enable")
	auth, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
		Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol:                    webauthn.AuthenticatorProtocolCtap2,
			Ctap2version:                webauthn.Ctap2versionCtap21,
			Transport:                   webauthn.AuthenticatorTransportInternal,
			HasResidentKey:              true,
			HasUserVerification:         true,
			IsUserVerified:              true,
			AutomaticPresenceSimulation: true,
		},
	})
	require.NoError(t, err, "WebAuthn.addVirtualAuthenticator")

	// Add a passkey from the settings page, in the sudo window the login opened.
	run(t, ctx, "add a passkey",
		chromedp.Navigate(base+"/users/settings"),
		chromedp.Click(chromedp.CSS(`a[href="/users/settings/passkeys"]`)),
		chromedp.WaitEnabled(chromedp.CSS(`[data-passkey-register] button[type="submit"]`)),
		chromedp.SendKeys(chromedp.ID("passkey-name"), "Headless Chromium"),
		chromedp.Click(chromedp.CSS(`[data-passkey-register] button[type="submit"]`)),
		chromedp.WaitVisible(`//p[contains(@class, "flash") and contains(., "Passkey added.")]`),
	)
	listed, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".passkey-list")))
	require.NoError(t, err)
	require.Contains(t, listed, "Headless Chromium")
	screenshot(t, ctx, filepath.Join(artifacts, "passkeys-settings.png"))
	// On a phone the list still fits: the Rename form gives way instead of sticking out.
	run(t, ctx, "phone width", chromedp.EmulateViewport(390, 900))
	problems, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](layoutProblems))
	require.NoError(t, err)
	require.Empty(t, problems, "the passkeys list at 390 px")
	screenshot(t, ctx, filepath.Join(artifacts, "passkeys-settings-390.png"))
	run(t, ctx, "desktop width", chromedp.EmulateReset())

	creds, err := chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth.AuthenticatorID})
	require.NoError(t, err)
	require.Len(t, creds.Credentials, 1, "the authenticator should hold one credential")
	require.True(t, creds.Credentials[0].IsResidentCredential, "the passkey must be discoverable")
	require.Equal(t, "localhost", creds.Credentials[0].RpID)
	require.Len(t, creds.Credentials[0].UserHandle, 64, "the user handle is 64 random bytes")

	// Log out, then log in with the passkey alone: no email, no password. First through the
	// email field's autofill (conditional mediation), which the virtual authenticator answers
	// by itself as soon as the log-in page asks.
	logOut := func() {
		run(t, ctx, "log out",
			chromedp.Click(chromedp.CSS(`header form[action="/users/log-out"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`main a[href="/users/register"]`)),
		)
	}
	loggedIn := func(how string) {
		run(t, ctx, how,
			chromedp.WaitVisible(`//p[contains(@class, "flash") and contains(., "Welcome back!")]`),
		)
		who, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
		require.NoError(t, err)
		require.Contains(t, who, "You are logged in as "+email, how)
	}
	logOut()
	run(t, ctx, "open the log-in page for autofill", chromedp.Navigate(base+"/users/log-in"))
	loggedIn("log in through passkey autofill")

	// Then with the "Log in with a passkey" button, in a browser without autofill for
	// passkeys: the page must fall back to the button alone.
	_, err = chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
		Source: `PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);`,
	})
	require.NoError(t, err)
	logOut()
	run(t, ctx, "log in with the passkey button",
		chromedp.Navigate(base+"/users/log-in"),
		chromedp.WaitVisible(chromedp.CSS(`[data-passkey-button]`)),
		chromedp.Click(chromedp.CSS(`[data-passkey-button]`)),
	)
	loggedIn("log in with the passkey button")

	// Turn on two-factor authentication with a code computed from the setup key the page
	// shows (the passkey login just now opened the sudo window), then log in with the
	// password and answer the challenge with the passkey instead of a code.
	run(t, ctx, "open the two-factor settings",
		chromedp.Navigate(base+"/users/settings/mfa"),
		chromedp.WaitVisible(chromedp.ID("totp-secret")),
	)
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("totp-secret")))
	require.NoError(t, err)
	code, err := totp.GenerateCode(strings.Join(strings.Fields(secret), ""), time.Now()) // shown in groups of four
	require.NoError(t, err)
	run(t, ctx, "turn on two-factor authentication",
		chromedp.SendKeys(chromedp.ID("code"), code),
		chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.ID("backup-codes")),
	)
	logOut()
	run(t, ctx, "log in with the password",
		chromedp.Navigate(base+"/users/log-in"),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(`[data-passkey-button]`)),
	)
	screenshot(t, ctx, filepath.Join(artifacts, "passkeys-mfa-challenge.png"))
	run(t, ctx, "answer the challenge with the passkey",
		chromedp.Click(chromedp.CSS(`[data-passkey-button]`)),
		chromedp.WaitVisible(`//p[contains(@class, "flash") and contains(., "Two-factor authentication verified.")]`),
	)
	who, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	require.NoError(t, err)
	require.Contains(t, who, "You are logged in as "+email, "after the passkey as second factor")

	creds, err = chromedp.Call(ctx, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth.AuthenticatorID})
	require.NoError(t, err)
	require.GreaterOrEqual(t, creds.Credentials[0].SignCount, float64(4), "registration, two logins and the second factor all signed")
}

// startBrowserHost generates the default bundle, builds its server, starts it on SQLite and
// returns its base URL. WebAuthn needs a host name as RP ID (an IP address is not valid) and a
// secure context, which http://localhost is. The port is picked first so BASE_URL can name it.
func startBrowserHost(t *testing.T) string {
	t.Helper()
	var c combo
	for _, cc := range combos {
		if cc.name == "default" {
			c = cc
		}
	}
	dir := generatedHost(t, c)
	bin := filepath.Join(t.TempDir(), "server")
	goCmd(t, dir, nil, "build", "-o", bin, "./cmd/server")

	port := freePort(t)
	base := fmt.Sprintf("http://localhost:%d", port)
	work := t.TempDir()
	startServer(t, bin, work,
		fmt.Sprintf("ADDR=127.0.0.1:%d", port),
		"BASE_URL="+base,
		"DATABASE_URL=sqlite:"+filepath.Join(work, "app.db"))
	return base
}

// requireChromium returns the browser for a tier-6 test, or skips it (fails under CI) with
// -short or when no Chromium is installed.
func requireChromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		skipTier(t, "tier 6 runs the generated server in a browser; skipped with -short")
	}
	chromium := findChromium()
	if chromium == "" {
		skipTier(t, "no Chromium found (looked for chromium, chromium-browser, google-chrome); install it with: apt-get install -y chromium")
	}
	return chromium
}

// findChromium returns the first Chromium-family browser on PATH, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newChromium starts a headless Chromium with a throwaway profile and no outside traffic,
// and returns a tab context that ends with the test.
func newChromium(t *testing.T, path string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // tests often run as root, where the sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelTab()
		cancelAlloc()
	})
	// Start the browser now, so a broken installation fails here with a clear message.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")), "start %s", path)
	return ctx
}

// run performs one named step of the browser flow.
func run(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(stepCtx, actions...); err != nil {
		url, _ := chromedp.Run(ctx, chromedp.Location())
		body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		t.Fatalf("%s: %v\nat %s:\n%s", step, err, url, body)
	}
}

// screenshot saves the whole page (quality 100 means PNG) and logs where.
func screenshot(t *testing.T, ctx context.Context, file string) {
	t.Helper()
	shotCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(shotCtx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(file, png, 0o644))
	t.Logf("screenshot: %s", file)
}

// artifactsDir is $SIGRA_ARTIFACTS, or artifacts/ at the repository root.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("SIGRA_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	abs, err := filepath.Abs(dir)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(abs, 0o755))
	return abs
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
