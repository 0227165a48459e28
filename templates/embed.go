// Package templates holds the embedded templates the generator renders.
//
// Each top-level folder is the tree of one feature (generator/features.go lists them) and
// mirrors what the feature writes into the host: templates/core/internal/__context__/user.go.tmpl
// becomes internal/accounts/user.go for `sigra-install Accounts User users`. Path placeholders are
// documented in generator.Model.TargetPath. Files are executed with text/template. Go and SQL
// templates use {{ }}; every other file (pages, emails, CSS, JS) uses [[ ]], so that the
// html/template and text/template actions inside them pass through untouched.
package templates

import "embed"

// FS holds every template. The all: prefix keeps files starting with _ or . as well.
//
//go:embed all:core all:mfa all:passkeys all:passkeys_admin all:orgs all:admin all:orgs_admin all:admin_server all:server all:bearer all:api all:jwt all:oauth all:oauth_google all:oauth_github all:oauth_oidc
var FS embed.FS
