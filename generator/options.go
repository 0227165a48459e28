package generator

import (
	"fmt"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Options is what the user asked for: the three arguments and the feature flags.
// Operation flags (--dir, --dry-run, --force, --no-tidy) live in ApplyOptions.
type Options struct {
	Context string // Go-style context name, e.g. "Accounts"
	Schema  string // schema (model) name, e.g. "User"
	Table   string // SQL table name, e.g. "users"

	BinaryID bool // UUID keys (default) instead of int64 identity keys
	Orgs     bool // organizations (default on; --no-orgs)
	Admin    bool // admin area (default on; --no-admin)
	Passkeys bool // WebAuthn passkeys (default on; --no-passkeys)
	API      bool // personal access tokens (--api)
	JWT      bool // JWT access + rotating refresh tokens (--jwt)

	// OAuth lists the sign-in providers (--oauth LIST at install, gen oauth --providers LIST
	// later), in OAuthProviders order; empty leaves OAuth out.
	OAuth []string

	// BumpGo lets the plan raise the host's go line to the generated code's floor (--bump-go)
	// instead of refusing a host whose go line is lower. It is an operation flag: it changes
	// go.mod, never the generated files, and is not recorded in the manifest.
	BumpGo bool
	// Main names the main package to wire (--main PATH, a directory or a file in it) when the
	// host has several; empty picks the one that starts an HTTP server.
	Main string

	// Now stamps migration versions. The CLI passes the wall clock; tests pass a fixed time
	// so that output is deterministic.
	Now time.Time
}

// DefaultOptions returns the default v1.10 bundle for the given arguments.
func DefaultOptions(context, schema, table string) Options {
	return Options{
		Context: context, Schema: schema, Table: table,
		BinaryID: true, Orgs: true, Admin: true, Passkeys: true,
	}
}

var (
	goNamePattern  = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	tableNameRegex = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// ArgError is a problem with one positional argument. Its message is one line that names the
// argument, the value and an example.
type ArgError struct {
	Arg, Value, Reason, Example string
}

func (e *ArgError) Error() string {
	return fmt.Sprintf("invalid %s %q: %s (example: %s)", e.Arg, e.Value, e.Reason, e.Example)
}

// Validate checks the three arguments. It returns the first problem as an *ArgError: a bad
// spelling, or a name that would make the generated code fail to compile (see checkNames).
func (o Options) Validate() error {
	if err := validateGoName("context", o.Context, "Accounts"); err != nil {
		return err
	}
	if err := validateGoName("schema", o.Schema, "User"); err != nil {
		return err
	}
	if o.Context == o.Schema {
		return &ArgError{"schema", o.Schema, "must differ from the context name", "Accounts User users"}
	}
	switch {
	case !tableNameRegex.MatchString(o.Table):
		return &ArgError{"table", o.Table, "must be lower snake_case: a lowercase letter, then lowercase letters, digits or _", "users"}
	case token.IsKeyword(o.Table) || isPredeclared(o.Table):
		return &ArgError{"table", o.Table, "is a Go keyword or predeclared identifier", "users"}
	case len(o.Table) > 48:
		return &ArgError{"table", o.Table, "is longer than 48 characters", "users"}
	}
	// The names derived from the arguments (package names, identifiers) must not collide with
	// what the templates already use; the templates are scanned once for that.
	idx, err := templateIndex()
	if err != nil {
		return err
	}
	m := newModel(o, "example.com/app")
	if err := checkNames(m, idx); err != nil {
		return err
	}
	return checkTable(m, idx)
}

// OAuthProviders are the sign-in providers sigra-install knows, in the order they are offered.
var OAuthProviders = []string{"google", "github", "oidc"}

// ParseOAuthProviders reads a comma-separated provider list ("github,google"): each name
// known, none twice; the result is in OAuthProviders order.
func ParseOAuthProviders(list string) ([]string, error) {
	seen := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if !slices.Contains(OAuthProviders, name) {
			return nil, fmt.Errorf("unknown OAuth provider %q (known: %s)", name, strings.Join(OAuthProviders, ", "))
		}
		if seen[name] {
			return nil, fmt.Errorf("OAuth provider %q is listed twice", name)
		}
		seen[name] = true
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("no OAuth provider named (known: %s)", strings.Join(OAuthProviders, ", "))
	}
	return MergeOAuthProviders(nil, seen), nil
}

// MergeOAuthProviders returns the providers of have and of add, in OAuthProviders order.
func MergeOAuthProviders(have []string, add map[string]bool) []string {
	var out []string
	for _, p := range OAuthProviders {
		if add[p] || slices.Contains(have, p) {
			out = append(out, p)
		}
	}
	return out
}

func validateGoName(arg, value, example string) error {
	switch {
	case value == "":
		return &ArgError{arg, value, "is empty", example}
	case !goNamePattern.MatchString(value):
		return &ArgError{arg, value, "must start with an upper-case letter and contain only letters and digits", example}
	case token.IsKeyword(value) || isPredeclared(value):
		return &ArgError{arg, value, "is a Go keyword or predeclared identifier", example}
	case len(value) > 40:
		return &ArgError{arg, value, "is longer than 40 characters", example}
	}
	return nil
}

func isPredeclared(name string) bool {
	return types.Universe.Lookup(name) != nil
}
