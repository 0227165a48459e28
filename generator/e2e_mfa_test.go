package generator_test

import (
	"bytes"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/require"
)

var (
	e2eSecretRE     = regexp.MustCompile(`id="totp-secret" data-secret="([A-Z2-7]+)"`)
	e2eBackupCodeRE = regexp.MustCompile(`<li><code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code></li>`)
)

// storedSecrets returns what the database holds where the TOTP secret is kept, so the test
// can check it is not the secret. For SQLite it is the raw database files; for PostgreSQL the
// column itself.
type storedSecrets func(t *testing.T) [][]byte

func sqliteFiles(path string) storedSecrets {
	return func(t *testing.T) [][]byte {
		var out [][]byte
		for _, f := range []string{path, path + "-wal"} {
			if b, err := os.ReadFile(f); err == nil {
				out = append(out, b)
			}
		}
		require.NotEmpty(t, out, "no SQLite database files at %s", path)
		return out
	}
}

func postgresColumn(dbURL, table string) storedSecrets {
	return func(t *testing.T) [][]byte {
		db, err := sql.Open("pgx", dbURL)
		require.NoError(t, err)
		defer db.Close()
		rows, err := db.Query("SELECT totp_secret FROM " + table + " WHERE totp_secret IS NOT NULL")
		require.NoError(t, err)
		defer rows.Close()
		var out [][]byte
		for rows.Next() {
			var b []byte
			require.NoError(t, rows.Scan(&b))
			out = append(out, b)
		}
		require.NoError(t, rows.Err())
		require.NotEmpty(t, out, "no TOTP secret stored in %s", table)
		return out
	}
}

func totpAt(t *testing.T, secret string, at time.Time) string {
	code, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	require.NoError(t, err)
	return code
}

// driveMFAFlow enrolls MFA over real HTTP with a code computed from the secret the page
// shows, checks the secret is encrypted at rest, then logs in three ways: password + TOTP,
// password + backup code (ticking "trust this browser"), and password alone in that trusted
// browser.
func driveMFAFlow(t *testing.T, srv *server, stored storedSecrets) {
	b := newBrowser(t, srv.base)
	email := "mfa-" + hex.EncodeToString([]byte(t.Name()))[:8] + "@example.com"
	password := "correct horse battery staple"
	logIn := func(b *browser, wantLocation string) {
		t.Helper()
		res := b.post("/users/log-in", url.Values{"email": {email}, "password": {password}})
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		require.Equal(t, wantLocation, res.location)
	}

	// Registering does not log in (a taken address must look the same); log in with the
	// password, which an unconfirmed account may do.
	reg := b.register(url.Values{"email": {email}, "password": {password}})
	require.Equal(t, http.StatusOK, reg.status, reg.body)
	logIn(b, "/")
	// Only a confirmed account may enroll: confirm with the emailed code, logged in.
	code := confirmCode.FindStringSubmatch(mailbox(t, b, email, "confirm_email"))
	require.NotNil(t, code, "no code in the confirmation email")
	confirmed := b.post("/users/confirm", url.Values{"code": {code[1]}})
	require.Equal(t, http.StatusSeeOther, confirmed.status, confirmed.body)

	// Enrollment: the page shows the otpauth URI, the base32 secret and a same-origin QR code.
	page := b.get("/users/settings/mfa")
	require.Equal(t, http.StatusOK, page.status, page.body)
	require.Equal(t, "no-store", page.header.Get("Cache-Control"))
	require.Contains(t, page.body, "otpauth://totp/")
	require.Contains(t, page.body, `src="/users/settings/mfa/qr.png"`)
	m := e2eSecretRE.FindStringSubmatch(page.body)
	require.NotNil(t, m, "no secret on the enrollment page")
	secret := m[1]
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(raw), 20, "TOTP secret shorter than 160 bits")
	qr := b.get("/users/settings/mfa/qr.png")
	require.Equal(t, http.StatusOK, qr.status)
	require.Equal(t, "image/png", qr.header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(qr.body, "\x89PNG"), "QR code is not a PNG")

	enrollCode := totpAt(t, secret, time.Now())
	done := b.post("/users/settings/mfa/totp", url.Values{"code": {enrollCode}})
	require.Equal(t, http.StatusOK, done.status, done.body)
	require.Equal(t, "no-store", done.header.Get("Cache-Control"))
	var codes []string
	for _, c := range e2eBackupCodeRE.FindAllStringSubmatch(done.body, -1) {
		codes = append(codes, c[1])
	}
	require.Len(t, codes, 10)

	// At rest the secret is neither the base32 text nor the raw bytes.
	for _, blob := range stored(t) {
		require.False(t, bytes.Contains(blob, []byte(secret)), "base32 TOTP secret stored in the clear")
		require.False(t, bytes.Contains(blob, raw), "raw TOTP secret stored in the clear")
	}

	// Password + TOTP. The enrollment code is spent; the next step's code works.
	require.Equal(t, http.StatusSeeOther, b.post("/users/log-out", nil).status)
	logIn(b, "/users/mfa")
	blocked := b.get("/users/settings")
	require.Equal(t, http.StatusSeeOther, blocked.status)
	require.True(t, strings.HasPrefix(blocked.location, "/users/mfa"), "pending login reached %s", blocked.location)
	replay := b.post("/users/mfa", url.Values{"code": {enrollCode}})
	require.Equal(t, http.StatusUnprocessableEntity, replay.status, "the enrollment code was accepted again")
	require.Contains(t, replay.body, "That code was already used")
	ok := b.post("/users/mfa", url.Values{"code": {totpAt(t, secret, time.Now().Add(30*time.Second))}})
	require.Equal(t, http.StatusSeeOther, ok.status, ok.body)
	require.Equal(t, "/", ok.location)
	require.Contains(t, b.get("/").body, email)

	// Password + backup code, trusting this browser.
	require.Equal(t, http.StatusSeeOther, b.post("/users/log-out", nil).status)
	logIn(b, "/users/mfa")
	backup := b.post("/users/mfa", url.Values{"backup_code": {codes[0]}, "trust_browser": {"true"}})
	require.Equal(t, http.StatusSeeOther, backup.status, backup.body)
	require.Equal(t, "/users/settings/mfa", backup.location)
	left := b.get("/users/settings/mfa")
	require.Equal(t, http.StatusOK, left.status)
	require.Contains(t, left.body, "<dd>9</dd>")

	// The trusted browser needs only the password; another browser still gets the challenge.
	require.Equal(t, http.StatusSeeOther, b.post("/users/log-out", nil).status)
	logIn(b, "/")
	require.Contains(t, b.get("/").body, email)
	logIn(newBrowser(t, srv.base), "/users/mfa")

	// The spent backup code does not work twice.
	other := newBrowser(t, srv.base)
	logIn(other, "/users/mfa")
	require.Equal(t, http.StatusUnprocessableEntity, other.post("/users/mfa", url.Values{"backup_code": {codes[0]}}).status)
}

// mfaTable is the generated MFA table of a combination: <schema>_mfa (the schemas of the
// combinations are single words, so their snake case is their lower case).
func (c combo) mfaTable() string { return strings.ToLower(c.args[1]) + "_mfa" }
