// Package deps imports one package of each pinned module so that `go mod tidy` keeps them.
package deps

import (
	_ "github.com/descope/virtualwebauthn"
	_ "github.com/dlclark/regexp2"
	_ "github.com/emersion/go-smtp"
	_ "github.com/go-jose/go-jose/v4"
	_ "github.com/go-webauthn/webauthn/webauthn"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/pquerna/otp/totp"
	_ "github.com/pressly/goose/v3"
	_ "github.com/riverqueue/river"
	_ "github.com/riverqueue/river/riverdriver/riverdatabasesql"
	_ "github.com/riverqueue/river/riverdriver/riversqlite"
	_ "github.com/riverqueue/river/rivermigrate"
	_ "github.com/trustelem/zxcvbn"
	_ "github.com/wneessen/go-mail"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/crypto/bcrypt"
	_ "golang.org/x/text/unicode/norm"
	_ "modernc.org/sqlite"
)
