package generator

// coreFeature is the always-on auth core: the context, UserAuth, the web handlers and pages,
// and the migrations.
type coreFeature struct{}

func (coreFeature) Name() string               { return "core" }
func (coreFeature) Enabled(*Model, *Host) bool { return true }

func (coreFeature) Contribute(b *Builder) error {
	if err := b.AddTree("core"); err != nil {
		return err
	}
	b.Require("golang.org/x/crypto", "modernc.org/sqlite", "github.com/jackc/pgx/v5", "github.com/pressly/goose/v3")
	// Mail: SMTP through go-mail, queued delivery through River on both databases, and an
	// in-process SMTP server for the generated tests.
	b.Require("github.com/wneessen/go-mail", "github.com/riverqueue/river",
		"github.com/riverqueue/river/riverdriver/riversqlite", "github.com/riverqueue/river/riverdriver/riverdatabasesql",
		"github.com/emersion/go-smtp")
	// Input screening: Unicode normalisation of emails, the password strength estimate.
	b.Require("golang.org/x/text", "github.com/trustelem/zxcvbn", "github.com/dlclark/regexp2")
	if b.Model.BinaryID {
		b.Require("github.com/google/uuid")
	}
	return nil
}

// mfaFeature is two-factor authentication: TOTP, backup codes, trusted browsers, the
// challenge after the first factor. Always on, but a unit of its own: core reaches it only
// through the logInGate and settingsCarder seams, and it declares the mfaMethod seam that
// other second factors (passkeys) use.
type mfaFeature struct{}

func (mfaFeature) Name() string               { return "mfa" }
func (mfaFeature) Enabled(*Model, *Host) bool { return true }

func (mfaFeature) Contribute(b *Builder) error {
	if err := b.AddTree("mfa"); err != nil {
		return err
	}
	b.Require("github.com/pquerna/otp") // TOTP and its QR code
	b.WebFeature("newMFA")
	return nil
}

// serverFeature writes a runnable cmd/server when the host has no main package of its own.
type serverFeature struct{}

func (serverFeature) Name() string                   { return "server" }
func (serverFeature) Enabled(_ *Model, h *Host) bool { return len(h.MainDirs) == 0 }

func (serverFeature) Contribute(b *Builder) error {
	if err := b.AddTree("server"); err != nil {
		return err
	}
	b.Note("go run ./cmd/server          # serves http://localhost:4000 on SQLite (data/app.db)")
	return nil
}

// injectFeature wires the generated handlers into a host that already has a main package.
type injectFeature struct{}

func (injectFeature) Name() string                   { return "inject" }
func (injectFeature) Enabled(_ *Model, h *Host) bool { return len(h.MainDirs) > 0 }

func (injectFeature) Contribute(b *Builder) error {
	inj, err := planMainInjection(b.Model, b.Host)
	if err != nil {
		return err
	}
	b.Inject(inj)
	if inj.Notice != "" {
		b.Note("%s", inj.Notice)
	}
	return nil
}

// passkeysFeature adds WebAuthn passkeys: registration from the settings pages, passkey-first
// login, the small browser script, the tables and the emails. Off with --no-passkeys, which
// leaves no passkey code, route, table or dependency behind.
type passkeysFeature struct{}

func (passkeysFeature) Name() string                   { return "passkeys" }
func (passkeysFeature) Enabled(m *Model, _ *Host) bool { return m.Passkeys }
func (passkeysFeature) Requires() []string             { return []string{"mfa"} }

func (passkeysFeature) Contribute(b *Builder) error {
	if err := b.AddTree("passkeys"); err != nil {
		return err
	}
	b.Require("github.com/go-webauthn/webauthn", "github.com/descope/virtualwebauthn")
	// With the admin area on, passkeys also fill its panel of an account's page (the
	// adminPanel and adminSection seams the admin feature declares): a unit of both.
	if b.Model.Admin {
		if err := b.AddTree("passkeys_admin"); err != nil {
			return err
		}
	}
	b.WebFeature("newPasskeys")
	return nil
}

// adminFeature is the admin area: platform admin grants (the `admin` command of cmd/server,
// or exported functions for a host with its own main), bans, the users and audit pages, the
// CSV export and impersonation. On by default; --no-admin leaves no admin code, route, table
// or mention behind. It requires MFA because, by default, an admin must have it on.
type adminFeature struct{}

func (adminFeature) Name() string                   { return "admin" }
func (adminFeature) Enabled(m *Model, _ *Host) bool { return m.Admin }
func (adminFeature) Requires() []string             { return []string{"mfa"} }

func (adminFeature) Contribute(b *Builder) error {
	if err := b.AddTree("admin"); err != nil {
		return err
	}
	// The `admin grant|revoke|list` command plugs into the cmd/server that serverFeature
	// writes; a host with its own main calls accounts.RunAdminCommand itself (README).
	if len(b.Host.MainDirs) == 0 {
		if err := b.AddTree("admin_server"); err != nil {
			return err
		}
		b.Note("go run ./cmd/server admin grant --email you@example.com   # make a confirmed account an admin")
	} else {
		b.Note("admin area: wire `admin grant|revoke|list` into your main with accounts.RunAdminCommand (README, \"Admin area\")")
	}
	// With organizations on, the admin area also lists them (the orgs_admin unit, on the
	// adminSection and adminPanel seams).
	if b.Model.Orgs {
		if err := b.AddTree("orgs_admin"); err != nil {
			return err
		}
	}
	b.WebFeature("newAdmin")
	return nil
}

// orgsFeature adds organizations: the tables, the organization half of the context
// (accounts.Organizations, with its own OrgPolicy and the Can permission table), the personal
// organization made at the first confirmation, invitations by email, the pages under
// /organizations and /invitations, the header switcher and the {org} scoping middleware for
// host routes. On by default; --no-orgs leaves no organization code, table, route or mention.
type orgsFeature struct{}

func (orgsFeature) Name() string                   { return "orgs" }
func (orgsFeature) Enabled(m *Model, _ *Host) bool { return m.Orgs }

func (orgsFeature) Contribute(b *Builder) error {
	if err := b.AddTree("orgs"); err != nil {
		return err
	}
	b.WebFeature("newOrgs")
	return nil
}

// bearerFeature is what API tokens and JWT share: the bearer-token middleware for the host's
// API (RFC 6750 errors, JSON bodies, failures audited and limited per client network) and the
// sample GET /api/v1/me. It declares the bearerVerifier seam; each token feature contributes a
// verifier, and the middleware asks each. It is on whenever --api or --jwt is, so it is
// written once when both are.
type bearerFeature struct{}

func (bearerFeature) Name() string                   { return "bearer" }
func (bearerFeature) Enabled(m *Model, _ *Host) bool { return m.API || m.JWT }

func (bearerFeature) Contribute(b *Builder) error {
	if err := b.AddTree("bearer"); err != nil {
		return err
	}
	b.WebFeature("newBearer")
	return nil
}

// apiFeature adds personal access tokens (--api): the settings pages that create and revoke
// them, the token format scanners recognise, and a bearerVerifier for the shared middleware.
type apiFeature struct{}

func (apiFeature) Name() string                   { return "api" }
func (apiFeature) Enabled(m *Model, _ *Host) bool { return m.API }
func (apiFeature) Requires() []string             { return []string{"bearer"} }

func (apiFeature) Contribute(b *Builder) error {
	if err := b.AddTree("api"); err != nil {
		return err
	}
	b.Note("API tokens: API_TOKEN_PREFIX sets the token prefix (default: the app name and _pat_)")
	b.WebFeature("newAPITokens")
	return nil
}

// jwtFeature adds JWT (--jwt): the token endpoint (password, then the second factor when the
// account has MFA), Ed25519-signed access tokens with a per-account epoch, rotating refresh
// tokens, the JWKS document, and a bearerVerifier for the shared middleware.
type jwtFeature struct{}

func (jwtFeature) Name() string                   { return "jwt" }
func (jwtFeature) Enabled(m *Model, _ *Host) bool { return m.JWT }
func (jwtFeature) Requires() []string             { return []string{"mfa", "bearer"} }

func (jwtFeature) Contribute(b *Builder) error {
	if err := b.AddTree("jwt"); err != nil {
		return err
	}
	// golang-jwt signs and verifies; go-jose checks the tokens in the generated tests.
	b.Require("github.com/golang-jwt/jwt/v5", "github.com/go-jose/go-jose/v4")
	b.Note("JWT: JWT_AUDIENCE (default BASE_URL), JWT_PRIVATE_KEY and JWT_PREVIOUS_PRIVATE_KEY (Ed25519 PEM; by default the key derives from SECRET_KEY_BASE)")
	b.WebFeature("newJWT")
	return nil
}

// oauthFeature adds sign-in with providers (Google, GitHub, any OpenID Connect issuer): the
// authorization-code flow with PKCE, the linked identities, the link confirmation and the
// settings page. On when the Model lists providers (--oauth LIST, gen oauth --providers);
// each provider adds its own small tree, templates/oauth_<provider>/.
type oauthFeature struct{}

func (oauthFeature) Name() string                   { return "oauth" }
func (oauthFeature) Enabled(m *Model, _ *Host) bool { return len(m.OAuth) > 0 }

func (oauthFeature) Contribute(b *Builder) error {
	if err := b.AddTree("oauth"); err != nil {
		return err
	}
	for _, p := range b.Model.OAuth {
		if err := b.AddTree("oauth_" + p); err != nil {
			return err
		}
	}
	b.Require("golang.org/x/oauth2", "github.com/coreos/go-oidc/v3")
	// Test-only: a real OpenID provider served in-process by the generated tests, and the JOSE
	// types its signing keys are declared with.
	b.Require("github.com/zitadel/oidc/v3", "github.com/go-jose/go-jose/v4")
	b.WebFeature("newOAuth")
	for _, p := range b.Model.OAuth {
		b.Note("%s", oauthNotes[p])
	}
	return nil
}

// oauthNotes say, per provider, what to configure after the run.
var oauthNotes = map[string]string{
	"google": "set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET  # Google sign-in; redirect URI $BASE_URL/auth/google/callback",
	"github": "set GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET  # GitHub sign-in; callback URL $BASE_URL/auth/github/callback",
	"oidc":   "set OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_NAME  # OpenID Connect; redirect URI $BASE_URL/auth/oidc/callback",
}
