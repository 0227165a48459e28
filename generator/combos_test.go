package generator_test

// combo is one flag combination with a golden directory golden/<name>/. This table is the single
// source of truth: TestGoldenDirsMatchCombos fails on a directory without a combo and the reverse.
type combo struct {
	name string
	args []string
	// build marks the combinations that tiers 5 and 6 generate, vet, test and run.
	build bool
}

var combos = []combo{
	{name: "default", args: []string{"Accounts", "User", "users"}, build: true},
	{name: "no-binary-id", args: []string{"Accounts", "User", "users", "--no-binary-id"}, build: true},
	{name: "no-orgs_no-admin_no-passkeys", args: []string{"Accounts", "User", "users", "--no-orgs", "--no-admin", "--no-passkeys"}, build: true},
	{name: "no-admin", args: []string{"Accounts", "User", "users", "--no-admin"}},
	{name: "identity-member_no-binary-id", args: []string{"Identity", "Member", "members", "--no-binary-id"}, build: true},
	{name: "no-orgs", args: []string{"Accounts", "User", "users", "--no-orgs"}},
	{name: "api_jwt", args: []string{"Accounts", "User", "users", "--api", "--jwt"}, build: true},
	{name: "oauth", args: []string{"Accounts", "User", "users", "--oauth", "google,github,oidc"}, build: true},
}

// goldenNow pins the clock so migration versions are stable.
const goldenNow = "2026-01-02T03:04:05Z"
