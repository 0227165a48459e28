package generator

import (
	gover "go/version"

	"golang.org/x/mod/module"
)

// pinned is the version of every module the generated code may require. It must match
// testdata/deps/go.mod, the superset module that proves these versions resolve together
// (TestPinnedMatchesSuperset checks it). Read ../shared/reference/go-dependencies.md before
// moving any of them: goose v3.30.0 breaks the modernc libc pairing, go-mail v0.8.2 needs a
// newer Go.
var pinned = map[string]string{
	"golang.org/x/crypto":                                      "v0.59.0",
	"modernc.org/sqlite":                                       "v1.62.0",
	"github.com/jackc/pgx/v5":                                  "v5.12.0",
	"github.com/pressly/goose/v3":                              "v3.29.0",
	"github.com/google/uuid":                                   "v1.6.0",
	"github.com/pquerna/otp":                                   "v1.5.0",
	"github.com/wneessen/go-mail":                              "v0.8.1",
	"github.com/riverqueue/river":                              "v0.51.2",
	"github.com/riverqueue/river/riverdriver/riversqlite":      "v0.51.2",
	"github.com/riverqueue/river/riverdriver/riverdatabasesql": "v0.51.2",
	// Email normalisation (NFC, NFKC on the domain) and the password strength estimate.
	// zxcvbn's go.mod names no versions, so its one dependency, regexp2, is pinned here too;
	// otherwise go mod tidy in the host would pick whatever is newest that day.
	"golang.org/x/text":           "v0.44.0",
	"github.com/trustelem/zxcvbn": "v1.0.1",
	"github.com/dlclark/regexp2":  "v1.12.0",
	// Test-only: the in-process SMTP server the generated mail tests deliver to.
	"github.com/emersion/go-smtp": "v0.25.1",

	// Passkeys (unless --no-passkeys): the WebAuthn library, and a software authenticator
	// for the generated app's browserless tests.
	"github.com/go-webauthn/webauthn":    "v0.18.2",
	"github.com/descope/virtualwebauthn": "v1.0.3",

	// JWT (--jwt): golang-jwt signs and verifies the access tokens; go-jose, a second and
	// independent JOSE implementation, checks them in the generated tests against the JWKS.
	"github.com/golang-jwt/jwt/v5":  "v5.3.1",
	"github.com/go-jose/go-jose/v4": "v4.1.9",
}

// pinnedGo is the go directive of each pinned module's own go.mod (TestPinnedGoLines reads them
// from the module cache), "" for a module without one. A host's go line must be at least the
// highest of them among the modules its plan requires: the go command refuses to build a module
// whose dependencies declare a newer Go (see goFloor).
var pinnedGo = map[string]string{
	"golang.org/x/crypto":                                      "1.26.0",
	"modernc.org/sqlite":                                       "1.26.0",
	"github.com/jackc/pgx/v5":                                  "1.25.0",
	"github.com/pressly/goose/v3":                              "1.26.0",
	"github.com/google/uuid":                                   "",
	"github.com/pquerna/otp":                                   "1.12",
	"github.com/wneessen/go-mail":                              "1.25.0",
	"github.com/riverqueue/river":                              "1.26.0",
	"github.com/riverqueue/river/riverdriver/riversqlite":      "1.26.0",
	"github.com/riverqueue/river/riverdriver/riverdatabasesql": "1.26.0",
	"github.com/emersion/go-smtp":                              "1.13",
	"github.com/go-webauthn/webauthn":                          "1.26.0",
	"github.com/descope/virtualwebauthn":                       "1.21",
	"golang.org/x/text":                                        "1.26.0",
	"github.com/trustelem/zxcvbn":                              "",
	"github.com/dlclark/regexp2":                               "1.13",
	"github.com/golang-jwt/jwt/v5":                             "1.21",
	"github.com/go-jose/go-jose/v4":                            "1.24.0",
}

// goFloor is the lowest go line a host can have with reqs: the highest go directive among them.
func goFloor(reqs []module.Version) string {
	floor := "1.21"
	for _, r := range reqs {
		if v := pinnedGo[r.Path]; v != "" && gover.Compare("go"+v, "go"+floor) > 0 {
			floor = v
		}
	}
	return floor
}
