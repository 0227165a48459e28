package generator

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// apiTraces are the marks of each API feature in the generated output: a path or line that
// matches one means the feature left something behind.
var apiTraces = map[string]*regexp.Regexp{
	"bearer": regexp.MustCompile(`(?i)bearer|/api/v1|writeAPI`),
	"api":    regexp.MustCompile(`(?i)api[_-]tokens?|apitokens?|personal access|_pat_`),
	"jwt":    regexp.MustCompile(`(?i)jwt|jwks|go-jose|refresh_tokens?|token_epochs?`),
}

// apiCode are the marks of each token feature's code, routes, tables and modules: what the
// other feature's output must not have. (The shared bearer unit names both kinds of token in
// its comments.)
var apiCode = map[string]*regexp.Regexp{
	"api": regexp.MustCompile(`api_tokens|APITokens?\b|/users/settings/api-tokens|_pat_`),
	"jwt": regexp.MustCompile(`\bJWT\b\)|\*JWT\b|jwks|/api/v1/auth|refresh_tokens|token_epochs|golang-jwt|go-jose`),
}

// buildWithFlags builds Accounts User users with the API flags set.
func buildWithFlags(t *testing.T, api, jwt bool) *Plan {
	t.Helper()
	o := DefaultOptions("Accounts", "User", "users")
	o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	o.API, o.JWT = api, jwt
	p, err := Build(o, hostWith(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// expectNoTrace fails for every file path or line of p that matches mention.
func expectNoTrace(t *testing.T, p *Plan, what string, mention *regexp.Regexp) {
	t.Helper()
	for _, f := range p.Files {
		if mention.MatchString(f.Path) {
			t.Errorf("%s writes %s", what, f.Path)
			continue
		}
		for i, line := range strings.Split(string(f.Data), "\n") {
			if mention.MatchString(line) {
				t.Errorf("%s: %s:%d: %s", what, f.Path, i+1, strings.TrimSpace(line))
			}
		}
	}
	if mention.Match(p.GoMod) {
		t.Errorf("%s: go.mod:\n%s", what, p.GoMod)
	}
}

// TestNoAPIFlagsLeaveNoTrace checks that without --api and --jwt nothing of the bearer API,
// the tokens or JWT is written: no path, no line, no module.
func TestNoAPIFlagsLeaveNoTrace(t *testing.T) {
	p := buildWithFlags(t, false, false)
	for name, mention := range apiTraces {
		expectNoTrace(t, p, "without --api/--jwt ("+name+")", mention)
	}
	for _, f := range p.Features {
		if f == "bearer" || f == "api" || f == "jwt" {
			t.Errorf("feature %s enabled without its flag", f)
		}
	}
}

// TestAPIFeature checks --api: its files, its migration in both dialects, the shared bearer
// unit, and the registry building both.
func TestAPIFeature(t *testing.T) {
	p := buildWithFlags(t, true, false)
	files := map[string]string{}
	for _, f := range p.Files {
		files[f.Path] = string(f.Data)
	}
	for _, want := range []string{
		"internal/accountsweb/bearer.go",
		"internal/accountsweb/api_tokens.go",
		"internal/accountsweb/assets/api_tokens.js",
		"internal/accountsweb/templates/api_tokens.html",
		"internal/accounts/api_token.go",
		"internal/accounts/api_scopes.go",
		"migrations/sqlite/20260102030525_create_api_tokens.sql",
		"migrations/postgres/20260102030525_create_api_tokens.sql",
	} {
		if _, ok := files[want]; !ok {
			t.Errorf("--api lacks %s", want)
		}
	}
	registry := files["internal/accountsweb/features.go"]
	if !strings.Contains(registry, "newBearer(s),\n\t\tnewAPITokens(s)") {
		t.Errorf("the registry does not build bearer, then API tokens:\n%s", registry)
	}
}

// TestEachAPIFeatureAlone checks that --api and --jwt are independent: either builds without
// the other, brings the shared bearer unit, and leaves nothing of the other behind.
func TestEachAPIFeatureAlone(t *testing.T) {
	apiOnly := buildWithFlags(t, true, false)
	expectNoTrace(t, apiOnly, "--api alone", apiCode["jwt"])
	jwtOnly := buildWithFlags(t, false, true)
	expectNoTrace(t, jwtOnly, "--jwt alone", apiCode["api"])
	for _, c := range []struct {
		p    *Plan
		want string
	}{{apiOnly, "core mfa passkeys orgs admin bearer api server"}, {jwtOnly, "core mfa passkeys orgs admin bearer jwt server"}} {
		if got := strings.Join(c.p.Features, " "); got != c.want {
			t.Errorf("features %q, want %q", got, c.want)
		}
	}
}

// TestJWTFeature checks --jwt: its files, its migration in both dialects, the JOSE modules,
// and the bearer unit written once when both --api and --jwt are on.
func TestJWTFeature(t *testing.T) {
	p := buildWithFlags(t, true, true)
	files := map[string]string{}
	for _, f := range p.Files {
		files[f.Path] = string(f.Data)
	}
	for _, want := range []string{
		"internal/accounts/jwt.go",
		"internal/accounts/jwt_refresh.go",
		"internal/accountsweb/jwt.go",
		"migrations/sqlite/20260102030530_create_jwt_tables.sql",
		"migrations/postgres/20260102030530_create_jwt_tables.sql",
	} {
		if _, ok := files[want]; !ok {
			t.Errorf("--jwt lacks %s", want)
		}
	}
	if !strings.Contains(files["internal/accountsweb/features.go"], "newBearer(s),\n\t\tnewAPITokens(s),\n\t\tnewJWT(s)") {
		t.Errorf("the registry does not build bearer, API tokens, then JWT:\n%s", files["internal/accountsweb/features.go"])
	}
	for _, mod := range []string{"github.com/golang-jwt/jwt/v5 v5.3.1", "github.com/go-jose/go-jose/v4 v4.1.9"} {
		if !strings.Contains(string(p.GoMod), mod) {
			t.Errorf("go.mod lacks %s", mod)
		}
	}
	var bearers int
	for _, f := range p.Features {
		if f == "bearer" {
			bearers++
		}
	}
	if bearers != 1 || strings.Count(files["internal/accountsweb/bearer.go"], "func (s *Server) RequireBearer(") != 1 {
		t.Errorf("the bearer unit is built %d times", bearers)
	}
}
