package generator

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateAcceptsGoodArguments(t *testing.T) {
	for _, args := range [][3]string{
		{"Accounts", "User", "users"},
		{"Identity", "Member", "members"},
		{"Auth2", "TeamMember", "team_members"},
	} {
		if err := DefaultOptions(args[0], args[1], args[2]).Validate(); err != nil {
			t.Errorf("%v: unexpected error %v", args, err)
		}
	}
}

func TestValidateRejectsBadArguments(t *testing.T) {
	cases := []struct {
		context, schema, table string
		arg, reason            string
	}{
		{"accounts", "User", "users", "context", "upper-case"},
		{"", "User", "users", "context", "empty"},
		{"Acc-ounts", "User", "users", "context", "letters and digits"},
		{"Accounts", "user", "users", "schema", "upper-case"},
		{"Accounts", "Accounts", "users", "schema", "differ"},
		{"Accounts", "User", "Users", "table", "snake_case"},
		{"Accounts", "User", "1users", "table", "snake_case"},
		{"Accounts", "User", "user-s", "table", "snake_case"},
		{"Accounts", "User", "func", "table", "keyword"},
		{"Accounts", "User", "string", "table", "predeclared"},
		{"Accounts", "Any", "users", "schema", "predeclared"}, // "any" is fine, "Any" is not predeclared
		{"Http", "User", "users", "context", "clashes"},
		{"Accounts", "Error", "users", "schema", "predeclared"},
	}
	for _, c := range cases {
		err := DefaultOptions(c.context, c.schema, c.table).Validate()
		if c.schema == "Any" || c.schema == "Error" {
			// Exported names never collide with Go's lower-case predeclared identifiers.
			if err != nil {
				t.Errorf("%s %s %s: unexpected error %v", c.context, c.schema, c.table, err)
			}
			continue
		}
		var ae *ArgError
		if !errors.As(err, &ae) {
			t.Errorf("%s %s %s: want *ArgError, got %v", c.context, c.schema, c.table, err)
			continue
		}
		msg := err.Error()
		if ae.Arg != c.arg || !strings.Contains(msg, c.reason) || !strings.Contains(msg, "example:") || strings.Contains(msg, "\n") {
			t.Errorf("%s %s %s: got %q (arg %s), want one line about %s mentioning %q and an example", c.context, c.schema, c.table, msg, ae.Arg, c.arg, c.reason)
		}
	}
}

func TestModelNames(t *testing.T) {
	cases := []struct {
		context, schema, table string
		pkg, auth, web, v      string
		tokens, sessions, fk   string
	}{
		{"Accounts", "User", "users", "accounts", "userauth", "accountsweb", "user", "user_tokens", "user_sessions", "user_id"},
		{"Identity", "Member", "members", "identity", "memberauth", "identityweb", "member", "member_tokens", "member_sessions", "member_id"},
		{"Auth", "TeamMember", "team_members", "auth", "teammemberauth", "authweb", "teamMember", "team_member_tokens", "team_member_sessions", "team_member_id"},
		{"Accounts", "HTTPUser", "http_users", "accounts", "httpuserauth", "accountsweb", "httpUser", "http_user_tokens", "http_user_sessions", "http_user_id"},
	}
	for _, c := range cases {
		m := newModel(DefaultOptions(c.context, c.schema, c.table), "example.com/app")
		got := []string{m.Pkg, m.AuthPkg, m.WebPkg, m.SchemaVar, m.TokensTable, m.SessionsTable, m.ForeignKey}
		want := []string{c.pkg, c.auth, c.web, c.v, c.tokens, c.sessions, c.fk}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s %s: got %v, want %v", c.context, c.schema, got, want)
		}
		if m.PkgPath != "example.com/app/internal/"+c.pkg {
			t.Errorf("PkgPath = %s", m.PkgPath)
		}
	}
}

func TestModelIDType(t *testing.T) {
	o := DefaultOptions("Accounts", "User", "users")
	if got := newModel(o, "m").IDType; got != "uuid.UUID" {
		t.Errorf("binary id: IDType = %s", got)
	}
	o.BinaryID = false
	if got := newModel(o, "m").IDType; got != "int64" {
		t.Errorf("no binary id: IDType = %s", got)
	}
}

func TestTargetPath(t *testing.T) {
	m := newModel(DefaultOptions("Identity", "TeamMember", "members"), "m")
	cases := map[string]string{
		"internal/__context__/user.go.tmpl":           "internal/identity/user.go",
		"internal/__auth__/auth.go.tmpl":              "internal/teammemberauth/auth.go",
		"internal/__web__/pages/layout.html.tmpl":     "internal/identityweb/pages/layout.html",
		"internal/__context__/__schema__.go.tmpl":     "internal/identity/team_member.go",
		"migrations/sqlite/create___table__.sql.tmpl": "migrations/sqlite/create_members.sql",
	}
	for in, want := range cases {
		if got := m.TargetPath(in); got != want {
			t.Errorf("TargetPath(%q) = %q, want %q", in, got, want)
		}
	}
}
