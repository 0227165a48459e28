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
	b.WebFeature("newAdmin")
	return nil
}
