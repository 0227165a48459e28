package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// loopbackURL refuses a database URL that is not on this machine's loopback.
func loopbackURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("-postgres: want a postgres:// URL, got scheme %q", u.Scheme)
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1":
		return u, nil
	}
	return nil, fmt.Errorf("-postgres: host %q is not loopback; the harness only targets 127.0.0.1", u.Hostname())
}

// freshDatabase creates an empty database next to the one in adminURL and returns its URL;
// it is dropped at exit (and by the returned drop function, which is safe to call twice).
func freshDatabase(ctx context.Context, e *env, adminURL string) (string, func(), error) {
	u, err := loopbackURL(adminURL)
	if err != nil {
		return "", nil, err
	}
	db, err := sql.Open("pgx", adminURL)
	if err != nil {
		return "", nil, err
	}
	db.SetMaxOpenConns(1)
	name := fmt.Sprintf("sigra_bench_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(cctx, "CREATE DATABASE "+name); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create database: %w (is PostgreSQL up? .ci/postgres.sh start /tmp/pg 55432)", err)
	}
	dropped := false
	drop := func() {
		if dropped {
			return
		}
		dropped = true
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(dctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "bench: drop database %s: %v\n", name, err)
		}
		db.Close()
	}
	e.onClose(drop)
	nu := *u
	nu.Path = "/" + name
	return nu.String(), drop, nil
}

// redact hides a password in a database URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxx")
	}
	return u.String()
}
