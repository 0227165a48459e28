package generator_test

import (
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// confirmCode finds the 6-digit code on its own line of a confirmation email.
var confirmCode = regexp.MustCompile(`(?m)^\s+(\d{6})\s*$`)

// driveSettingsFlow is the account lifecycle after registration, over real HTTP against the
// built server: confirm with the emailed code (the account flow confirms with the link), log
// in, change the email and confirm it from the new address, change the password (a second
// browser's session dies, this one lives), then reset the password and log in with it.
func driveSettingsFlow(t *testing.T, srv *server) {
	suffix := hex.EncodeToString([]byte(t.Name()))[:8]
	email, newEmail := "life-"+suffix+"@example.com", "life-new-"+suffix+"@example.com"
	password := "correct horse battery staple"

	b := newBrowser(t, srv.base)
	require.Equal(t, http.StatusOK, b.register(url.Values{"email": {email}, "password": {password}}).status)

	// Confirm with the code from the same email, entered on the confirmation page with the
	// account's password (this browser is not logged in to it).
	m := confirmCode.FindStringSubmatch(mailbox(t, b, email, "confirm_email"))
	require.NotNil(t, m, "no code in the confirmation email")
	wrong := b.post("/users/confirm", url.Values{"email": {email}, "code": {"000000"}, "password": {password}})
	require.Equal(t, http.StatusUnprocessableEntity, wrong.status, wrong.body)
	ok := b.post("/users/confirm", url.Values{"email": {email}, "code": {m[1]}, "password": {password}})
	require.Equal(t, http.StatusSeeOther, ok.status, ok.body)

	logIn := func(b *browser, email, password string) {
		t.Helper()
		res := b.post("/users/log-in", url.Values{"email": {email}, "password": {password}})
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		require.Equal(t, "/", res.location)
	}
	logIn(b, email, password)
	settings := b.get("/users/settings")
	require.Equal(t, http.StatusOK, settings.status)
	require.Contains(t, settings.body, "<dd>Yes</dd>", "the code should have confirmed the email")

	// Change the email: a link goes to the new address, a notice to the old one.
	asked := b.post("/users/settings/email", url.Values{"email": {newEmail}, "current_password": {password}})
	require.Equal(t, http.StatusSeeOther, asked.status, asked.body)
	mailbox(t, b, email, "email_change_requested")
	change := mailedPath(t, b, newEmail, "change_email")
	require.Equal(t, http.StatusOK, b.get(change).status, "the link page shows a button")
	require.Contains(t, b.get("/users/settings").body, email, "a GET must not change the email")
	applied := b.post(change, url.Values{})
	require.Equal(t, http.StatusSeeOther, applied.status, applied.body)
	require.Contains(t, b.get("/users/settings").body, newEmail)
	mailbox(t, b, email, "email_changed")
	require.Equal(t, http.StatusNotFound, b.post(change, url.Values{}).status, "a change link works once")

	// A second browser logs in with the new address; changing the password ends its session
	// and keeps this one.
	other := newBrowser(t, srv.base)
	logIn(other, newEmail, password)
	require.Equal(t, http.StatusOK, other.get("/users/settings").status)
	newPassword := "an entirely different passphrase"
	bad := b.post("/users/settings/password", url.Values{"current_password": {"not my password"}, "password": {newPassword}, "password_confirmation": {newPassword}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.status, bad.body)
	changed := b.post("/users/settings/password", url.Values{"current_password": {password}, "password": {newPassword}, "password_confirmation": {newPassword}})
	require.Equal(t, http.StatusSeeOther, changed.status, changed.body)
	require.Equal(t, http.StatusOK, b.get("/users/settings").status, "the session that changed the password stays")
	require.Equal(t, http.StatusSeeOther, other.get("/users/settings").status, "the other session must end")
	mailbox(t, b, newEmail, "password_changed")

	// Reset the password from a fresh browser and log in with the result.
	r := newBrowser(t, srv.base)
	require.Equal(t, http.StatusSeeOther, r.post("/users/reset-password", url.Values{"email": {newEmail}}).status)
	reset := mailedPath(t, r, newEmail, "reset_password")
	finalPassword := "the last passphrase of the day"
	done := r.post(reset, url.Values{"password": {finalPassword}, "password_confirmation": {finalPassword}})
	require.Equal(t, http.StatusSeeOther, done.status, done.body)
	require.Equal(t, http.StatusSeeOther, b.get("/users/settings").status, "a reset ends every session")
	require.Equal(t, http.StatusUnprocessableEntity, r.post("/users/log-in", url.Values{"email": {newEmail}, "password": {newPassword}}).status)
	logIn(r, newEmail, finalPassword)
	require.Contains(t, r.get("/users/settings").body, newEmail)
}
