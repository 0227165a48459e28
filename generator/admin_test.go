package generator

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNoAdminLeavesNoTrace checks that --no-admin output has no admin code, route, table,
// command or mention: no file path or line names the admin area, its routes, tables or
// command, bans or impersonation.
func TestNoAdminLeavesNoTrace(t *testing.T) {
	// "admin" alone is also an organization role, so the check looks for what only the admin
	// area writes: its routes, tables, types, command and words.
	mention := regexp.MustCompile(`(?i)imperson|/admin\b|admin[ _]?(area|grant|command|polic|section|panel)|platform admin|newAdmin|adminFeature|IsAdmin|_bans\b`)
	for _, args := range [][3]string{{"Accounts", "User", "users"}, {"Identity", "Member", "members"}} {
		o := DefaultOptions(args[0], args[1], args[2])
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		o.Admin = false
		p, err := Build(o, hostWith(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Files {
			if mention.MatchString(f.Path) {
				t.Errorf("--no-admin writes %s", f.Path)
				continue
			}
			for i, line := range strings.Split(string(f.Data), "\n") {
				if mention.MatchString(line) {
					t.Errorf("--no-admin: %s:%d mentions the admin area: %s", f.Path, i+1, strings.TrimSpace(line))
				}
			}
		}
		if mention.Match(p.GoMod) {
			t.Errorf("--no-admin go.mod mentions the admin area:\n%s", p.GoMod)
		}
	}
}

// TestAdminByDefault checks the default bundle carries the admin area: its routes, its
// tables in both dialects, its pages and stylesheet, the cmd/server command, and the
// registry entry; and that a host with its own main gets no cmd/server file for it.
func TestAdminByDefault(t *testing.T) {
	o := DefaultOptions("Accounts", "User", "users")
	o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p, err := Build(o, hostWith(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range p.Files {
		files[f.Path] = string(f.Data)
	}
	for _, want := range []string{
		"internal/accounts/admin.go",
		"internal/accounts/admin_ban.go",
		"internal/accountsweb/admin.go",
		"internal/accountsweb/assets/admin.css",
		"internal/accountsweb/templates/admin_user.html",
		"cmd/server/admin.go",
		"migrations/sqlite/20260102030505_admin.sql",
		"migrations/postgres/20260102030505_admin.sql",
	} {
		if _, ok := files[want]; !ok {
			t.Errorf("default bundle lacks %s", want)
		}
	}
	if !strings.Contains(files["internal/accountsweb/features.go"], "newAdmin(s)") {
		t.Error("the feature registry does not build the admin feature")
	}
	if !strings.Contains(files["internal/accountsweb/admin.go"], `"GET /admin/users/{id}"`) {
		t.Error("the admin routes are not mounted")
	}

	withMain, err := Build(o, hostWith(t, map[string]string{"main.go": "package main\n\nfunc main() {}\n"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range withMain.Files {
		if strings.HasPrefix(f.Path, "cmd/server/") {
			t.Errorf("a host with its own main gets %s", f.Path)
		}
	}
	if !strings.Contains(strings.Join(withMain.Notes, "\n"), "accounts.RunAdminCommand") {
		t.Errorf("a host with its own main is not told how to wire the admin command: %q", withMain.Notes)
	}
}
