package cli

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/smtp"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sigra-go/sigra-install/generator"
)

// These mirror the generated config.go (ConfigFromLookup): doctor refuses what the app would
// refuse at start, and says so before the deploy instead of after it.
const (
	minSecretKeyBase       = 64
	minSecretDistinctBytes = 12
	secretAdvice           = "set SECRET_KEY_BASE to a random secret: openssl rand -base64 48"
)

// runtimeConfig is what the later checks need from the configuration.
type runtimeConfig struct {
	production  bool
	databaseURL string
	queue       bool // MAIL_DELIVERY=queue
}

// checkConfig checks the variables the generated app reads, and those of the installed
// features (features as the manifest records them).
//
// providers are the OAuth providers the manifest records as installed.
func checkConfig(out *generator.Findings, env lookupEnv, features, providers []string) runtimeConfig {
	const area = "config"
	get := func(name, def string) string {
		if v, ok := env(name); ok {
			return v
		}
		return def
	}
	appEnv := get("APP_ENV", "dev")
	cfg := runtimeConfig{production: appEnv == "production", databaseURL: get("DATABASE_URL", "sqlite:data/app.db")}
	switch appEnv {
	case "dev", "test", "production":
		out.Add(area, "APP_ENV", generator.StateOK, appEnv+productionNote(cfg.production), "")
	default:
		out.Add(area, "APP_ENV", generator.StateProblem, fmt.Sprintf("%q is not an environment", appEnv), "set APP_ENV to dev, test or production")
	}

	secret, set := env("SECRET_KEY_BASE")
	switch {
	case !set && cfg.production:
		out.Add(area, "SECRET_KEY_BASE", generator.StateProblem, "not set; production refuses to start without it", secretAdvice)
	case !set:
		out.Add(area, "SECRET_KEY_BASE", generator.StateUnused, "not set: outside production the app keeps a generated one in data/secret_key_base", "")
	default:
		if problem := secretProblem(secret, cfg.production); problem != "" {
			out.Add(area, "SECRET_KEY_BASE", generator.StateProblem, problem, secretAdvice)
		} else {
			out.Add(area, "SECRET_KEY_BASE", generator.StateOK, fmt.Sprintf("set, %d characters", len(secret)), "")
		}
	}

	base := get("BASE_URL", "http://localhost:4000")
	switch u, err := url.Parse(base); {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil:
		out.Add(area, "BASE_URL", generator.StateProblem, fmt.Sprintf("%q is not an origin", base), "set BASE_URL to the public origin users type, such as https://example.com")
	case cfg.production && u.Scheme != "https":
		out.Add(area, "BASE_URL", generator.StateProblem, fmt.Sprintf("%s is not https; production requires an https origin (Secure cookies, passkeys)", base),
			"set BASE_URL to the https:// origin users type, and terminate TLS in front of the app")
	default:
		out.Add(area, "BASE_URL", generator.StateOK, base, "")
	}

	smtpURL, smtpSet := env("SMTP_URL")
	switch {
	case !smtpSet && cfg.production:
		out.Add(area, "SMTP_URL", generator.StateProblem, "not set; production refuses to start without it (nobody would get a confirmation or reset mail)",
			"set SMTP_URL=smtp://user:pass@host:587, or SMTP_URL=log to run without delivery on purpose")
	case !smtpSet:
		out.Add(area, "SMTP_URL", generator.StateUnused, "not set: mails are logged and shown at /dev/mailbox (dev only)", "")
	case smtpURL == "log":
		out.Add(area, "SMTP_URL", generator.StateOK, "log: mails are only logged, never delivered (chosen on purpose)", "")
	default:
		if _, _, _, err := smtpAddr(smtpURL); err != nil {
			out.Add(area, "SMTP_URL", generator.StateProblem, err.Error(), "set SMTP_URL=smtp://user:pass@host:587 (or smtps://…:465)")
		} else {
			out.Add(area, "SMTP_URL", generator.StateOK, "set ("+redactURL(smtpURL)+")", "")
		}
	}

	from := get("MAIL_FROM", "App <noreply@localhost>")
	if _, err := mail.ParseAddress(from); err != nil {
		out.Add(area, "MAIL_FROM", generator.StateProblem, fmt.Sprintf("%q is not an address: %v", from, err), `set MAIL_FROM to "Name <address@your-domain>"`)
	} else {
		out.Add(area, "MAIL_FROM", generator.StateOK, from, "")
	}

	switch delivery := get("MAIL_DELIVERY", "inline"); delivery {
	case "inline":
		out.Add(area, "MAIL_DELIVERY", generator.StateOK, "inline: mail is sent during the request", "")
	case "queue":
		cfg.queue = true
		out.Add(area, "MAIL_DELIVERY", generator.StateOK, "queue: mail is a River job (its tables are checked under database)", "")
	default:
		out.Add(area, "MAIL_DELIVERY", generator.StateProblem, fmt.Sprintf("%q is neither inline nor queue", delivery), "set MAIL_DELIVERY to inline or queue")
	}

	raw, _ := env("TRUSTED_PROXIES")
	switch prefixes, err := parseProxies(raw); {
	case err != nil:
		out.Add(area, "TRUSTED_PROXIES", generator.StateProblem, err.Error(), "list the proxies' addresses or CIDRs, comma-separated: 10.0.0.0/8,fd00::/8")
	case slices.ContainsFunc(prefixes, func(p netip.Prefix) bool { return p.Bits() == 0 }):
		out.Add(area, "TRUSTED_PROXIES", generator.StateProblem, "trusts every address (a /0): anyone can forge X-Forwarded-For and the scheme",
			"list only the addresses of your own proxies or load balancer")
	case len(prefixes) == 0:
		out.Add(area, "TRUSTED_PROXIES", generator.StateUnused, "empty: X-Forwarded-For and -Proto are ignored (set it when a proxy fronts the app)", "")
	default:
		out.Add(area, "TRUSTED_PROXIES", generator.StateOK, fmt.Sprintf("%d prefix(es)", len(prefixes)), "")
	}

	// LISTEN_DATABASE_URL (the generated config.go): where the session change listener
	// connects on PostgreSQL. Reported only when set; never printed, as it may hold a password.
	if listen, ok := env("LISTEN_DATABASE_URL"); ok && strings.TrimSpace(listen) != "" {
		switch {
		case !isPostgresURL(cfg.databaseURL):
			out.Add(area, "LISTEN_DATABASE_URL", generator.StateProblem, "set, but DATABASE_URL is not PostgreSQL; the app refuses to start",
				"unset LISTEN_DATABASE_URL: on SQLite there is nothing to listen for")
		case !isPostgresURL(strings.TrimSpace(listen)):
			out.Add(area, "LISTEN_DATABASE_URL", generator.StateProblem, "not a postgres:// URL; the app refuses to start",
				"point it at DATABASE_URL's database over a direct connection (not a transaction-pooling PgBouncer)")
		default:
			out.Add(area, "LISTEN_DATABASE_URL", generator.StateOK, "set: the session change listener connects there", "")
		}
	}

	checkOAuth(out, env, slices.Contains(features, "oauth"), providers)
	checkJWT(out, env, slices.Contains(features, "jwt"))
	return cfg
}

func productionNote(production bool) string {
	if production {
		return " (the production checks apply)"
	}
	return " (set APP_ENV=production to check the production rules)"
}

// secretProblem repeats the generated secretKeyBase's rules: at least 64 characters, and in
// production not a placeholder (few different characters, or one string repeated). It never
// repeats the secret.
func secretProblem(secret string, production bool) string {
	if len(secret) < minSecretKeyBase {
		return fmt.Sprintf("%d characters; the app wants at least %d", len(secret), minSecretKeyBase)
	}
	if !production {
		return ""
	}
	var seen [256]bool
	distinct := 0
	for i := 0; i < len(secret); i++ {
		if !seen[secret[i]] {
			seen[secret[i]] = true
			distinct++
		}
	}
	if distinct < minSecretDistinctBytes {
		return fmt.Sprintf("only %d different characters, so it is not random; production refuses it", distinct)
	}
	for period := 1; period <= len(secret)/2; period++ {
		if secret[period:] == secret[:len(secret)-period] {
			return fmt.Sprintf("repeats the same %d characters, so it is not random; production refuses it", period)
		}
	}
	return ""
}

// parseProxies reads TRUSTED_PROXIES as the app does: comma-separated CIDRs or addresses.
func parseProxies(raw string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for field := range strings.SplitSeq(raw, ",") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		if !strings.Contains(field, "/") {
			addr, err := netip.ParseAddr(field)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR", field)
			}
			out = append(out, netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(field)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR", field)
		}
		out = append(out, p)
	}
	return out, nil
}

// smtpAddr reads SMTP_URL as the generated mail package does: smtp:// (port 587) or
// smtps:// (implicit TLS, port 465) with a host. Errors never repeat the URL: it holds a
// password.
func smtpAddr(raw string) (host string, port int, implicit bool, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", 0, false, fmt.Errorf("SMTP_URL is not a URL")
	}
	switch u.Scheme {
	case "smtp":
		port = 587
	case "smtps":
		port, implicit = 465, true
	default:
		return "", 0, false, fmt.Errorf("SMTP_URL: the scheme must be smtp:// or smtps://")
	}
	if host = u.Hostname(); host == "" {
		return "", 0, false, fmt.Errorf("SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
			return "", 0, false, fmt.Errorf("SMTP_URL: port %q is not a port", p)
		}
	}
	return host, port, implicit, nil
}

// redactURL shows a URL without its password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "unparsable"
	}
	return u.Redacted()
}

// oauthProviders are the variables each OAuth provider needs (issue 15); OIDC_NAME is
// optional. A provider with none of them set is simply not offered.
var oauthProviders = []struct {
	name string
	vars []string
}{
	{"google", []string{"GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"}},
	{"github", []string{"GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET"}},
	{"oidc", []string{"OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"}},
}

// checkOAuth checks that every provider in use is complete: one the manifest records as
// installed, or one someone started to configure. A provider with only some of its variables
// set, or none, is silently missing from the sign-in page.
func checkOAuth(out *generator.Findings, env lookupEnv, installed bool, recorded []string) {
	if !installed {
		out.Add("oauth", "providers", generator.StateUnused, "OAuth is not installed", "")
		return
	}
	var complete []string
	for _, p := range oauthProviders {
		var set, unset []string
		for _, v := range p.vars {
			if _, ok := env(v); ok {
				set = append(set, v)
			} else {
				unset = append(unset, v)
			}
		}
		switch {
		case len(set) == 0 && slices.Contains(recorded, p.name):
			out.Add("oauth", p.name, generator.StateProblem, fmt.Sprintf("installed, but %s not set, so %s is not offered", strings.Join(unset, ", "), p.name),
				"set "+strings.Join(unset, " and ")+" (redirect URI: BASE_URL/auth/"+p.name+"/callback)")
		case len(set) == 0:
			out.Add("oauth", p.name, generator.StateUnused, "not configured: not offered", "")
		case len(unset) > 0:
			out.Add("oauth", p.name, generator.StateProblem, fmt.Sprintf("%s set but %s not, so %s is not offered", strings.Join(set, ", "), strings.Join(unset, ", "), p.name),
				"set "+strings.Join(unset, " and ")+", or unset "+strings.Join(set, " and "))
		default:
			if p.name == "oidc" {
				if issuer, _ := env("OIDC_ISSUER"); !strings.HasPrefix(issuer, "https://") {
					out.Add("oauth", p.name, generator.StateProblem, "OIDC_ISSUER is not an https URL", "set OIDC_ISSUER to the provider's https:// issuer URL")
					continue
				}
			}
			complete = append(complete, p.name)
			out.Add("oauth", p.name, generator.StateOK, "configured", "")
		}
	}
	if len(complete) == 0 {
		out.Add("oauth", "providers", generator.StateUnused, "no provider configured: the sign-in page offers none", "")
	}
}

// checkJWT checks the optional JWT keys: when set they must be PEM private keys (by default
// the signing key is derived from SECRET_KEY_BASE; JWT_PREVIOUS_PRIVATE_KEY only verifies,
// during a rotation).
func checkJWT(out *generator.Findings, env lookupEnv, installed bool) {
	if !installed {
		out.Add("jwt", "keys", generator.StateUnused, "JWT is not installed", "")
		return
	}
	for _, name := range []string{"JWT_PRIVATE_KEY", "JWT_PREVIOUS_PRIVATE_KEY"} {
		v, ok := env(name)
		if !ok {
			detail := "not set: the signing key is derived from SECRET_KEY_BASE"
			if name == "JWT_PREVIOUS_PRIVATE_KEY" {
				detail = "not set: no key rotation in progress"
			}
			out.Add("jwt", name, generator.StateUnused, detail, "")
			continue
		}
		// The generated app signs with EdDSA only and accepts only an Ed25519 key in PKCS #8,
		// the form openssl genpkey writes: any other key would stop it at start.
		switch kind, err := parsePrivateKeyPEM(v); {
		case err != nil:
			out.Add("jwt", name, generator.StateProblem, err.Error(), "set "+name+" to a PEM private key (openssl genpkey -algorithm ed25519), with its newlines")
		case kind != "Ed25519":
			out.Add("jwt", name, generator.StateProblem, "an "+kind+" private key, but the app signs only with Ed25519 (EdDSA) and refuses to start",
				"make an Ed25519 key with openssl genpkey -algorithm ed25519 and set "+name+" to its PEM")
		default:
			out.Add("jwt", name, generator.StateOK, kind+" private key", "")
		}
	}
	if aud, ok := env("JWT_AUDIENCE"); ok {
		out.Add("jwt", "JWT_AUDIENCE", generator.StateOK, aud, "")
	} else {
		out.Add("jwt", "JWT_AUDIENCE", generator.StateUnused, "not set: the audience is BASE_URL", "")
	}
}

// parsePrivateKeyPEM parses a PEM private key (PKCS #8, or the PKCS #1 RSA and SEC 1 EC
// forms) and names its type. Literal \n sequences, as some secret stores keep them, count
// as newlines.
func parsePrivateKeyPEM(v string) (string, error) {
	block, _ := pem.Decode([]byte(strings.ReplaceAll(v, `\n`, "\n")))
	if block == nil {
		return "", fmt.Errorf("not PEM (no -----BEGIN … PRIVATE KEY----- block)")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		switch k.(type) {
		case *rsa.PrivateKey:
			return "RSA", nil
		case *ecdsa.PrivateKey:
			return "ECDSA", nil
		case ed25519.PrivateKey:
			return "Ed25519", nil
		}
		return fmt.Sprintf("%T", k), nil
	}
	if _, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return "RSA", nil
	}
	if _, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return "ECDSA", nil
	}
	return "", fmt.Errorf("a PEM %q block, but not a private key it can parse", block.Type)
}

// checkSMTP connects to SMTP_URL's server and says EHLO, when asked: it proves the address,
// port and TLS mode, and sends nothing.
func checkSMTP(out *generator.Findings, env lookupEnv, enabled bool) {
	raw, ok := env("SMTP_URL")
	switch {
	case !enabled:
		out.Add("smtp", "connect", generator.StateUnused, "not checked (--check-smtp connects and says EHLO)", "")
		return
	case !ok || raw == "log":
		out.Add("smtp", "connect", generator.StateUnused, "no SMTP server configured", "")
		return
	}
	host, port, implicit, err := smtpAddr(raw)
	if err != nil {
		out.Add("smtp", "connect", generator.StateUnused, "SMTP_URL does not parse (see config)", "")
		return
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	if err := smtpHello(addr, host, implicit); err != nil {
		out.Add("smtp", "connect", generator.StateProblem, fmt.Sprintf("%s: %v", addr, err), "check SMTP_URL's host and port, and that this machine may reach it")
		return
	}
	out.Add("smtp", "connect", generator.StateOK, addr+" answered EHLO", "")
}

func smtpHello(addr, host string, implicit bool) error {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	var conn net.Conn
	var err error
	if implicit {
		conn, err = tls.DialWithDialer(dialer, "tcp", addr, &tls.Config{ServerName: host})
	} else {
		conn, err = dialer.Dial("tcp", addr)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("EHLO: %w", err)
	}
	return c.Quit()
}

// isPostgresURL reports whether a URL names PostgreSQL, as the generated openDB reads it.
func isPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}
