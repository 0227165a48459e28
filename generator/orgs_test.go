package generator

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// orgMention matches any mention of organizations in generated code: the word in either
// spelling, the orgs feature's name, and the {org} path value.
var orgMention = regexp.MustCompile(`(?i)organi[sz]ation|(?:^|[^.\w])orgs?\b|\{org\}`)

// TestNoOrgsLeavesNoTrace checks that --no-orgs output has no organization code, table,
// column, route or mention: no file path or line of any file mentions them.
func TestNoOrgsLeavesNoTrace(t *testing.T) {
	for _, args := range [][3]string{{"Accounts", "User", "users"}, {"Identity", "Member", "members"}} {
		o := DefaultOptions(args[0], args[1], args[2])
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		o.Orgs = false
		p, err := Build(o, hostWith(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Files {
			if orgMention.MatchString(f.Path) {
				t.Errorf("--no-orgs writes %s", f.Path)
				continue
			}
			for i, line := range strings.Split(string(f.Data), "\n") {
				if orgMention.MatchString(line) {
					t.Errorf("--no-orgs: %s:%d mentions organizations: %s", f.Path, i+1, strings.TrimSpace(line))
				}
			}
		}
		if orgMention.Match(p.GoMod) {
			t.Errorf("--no-orgs go.mod mentions organizations:\n%s", p.GoMod)
		}
	}
}

// TestOrgsByDefault checks the default bundle carries organizations: the migration in both
// dialects, the context and web parts, the pages and the stylesheet, in every naming.
func TestOrgsByDefault(t *testing.T) {
	for _, args := range [][3]string{{"Accounts", "User", "users"}, {"Identity", "Member", "members"}} {
		o := DefaultOptions(args[0], args[1], args[2])
		o.Now = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		p, err := Build(o, hostWith(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		m := newModel(o, "example.com/app")
		files := map[string]string{}
		for _, f := range p.Files {
			files[f.Path] = string(f.Data)
		}
		for _, want := range []string{
			"internal/" + m.Pkg + "/organization.go",
			"internal/" + m.WebPkg + "/orgs.go",
			"internal/" + m.WebPkg + "/templates/org_members.html",
			"internal/" + m.WebPkg + "/assets/orgs.css",
		} {
			if _, ok := files[want]; !ok {
				t.Errorf("%v: no %s", args, want)
			}
		}
		for _, dialect := range []string{"sqlite", "postgres"} {
			found := false
			for path, data := range files {
				if strings.HasPrefix(path, "migrations/"+dialect+"/") && strings.HasSuffix(path, "_create_organizations.sql") {
					found = true
					for _, want := range []string{"CREATE TABLE organizations", "ALTER TABLE " + m.SessionsTable + " ADD COLUMN active_organization_id", "ALTER TABLE audit_events ADD COLUMN organization_id", m.ForeignKey + " "} {
						if !strings.Contains(data, want) {
							t.Errorf("%v %s: migration lacks %q", args, dialect, want)
						}
					}
				}
			}
			if !found {
				t.Errorf("%v: no %s organizations migration", args, dialect)
			}
		}
		if !strings.Contains(files["internal/"+m.WebPkg+"/features.go"], "newOrgs") {
			t.Errorf("%v: the feature registry does not build organizations", args)
		}
	}
}
