package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// confirmAccount confirms a's address as its owner would, so the logged-in figures are those
// of a confirmed user (no confirmation banner; the features' confirmation hooks have run, so
// the header shows, say, an organization switcher): the code of the latest confirmation mail,
// read from the dev mailbox (the bench's server runs with APP_ENV=dev and no SMTP_URL, so
// every mail stays there), typed on the confirmation page while logged in. It returns the
// session cookie afterwards. It needs a server that keeps a dev mailbox, and a client that
// does not follow redirects (newClient's).
func confirmAccount(ctx context.Context, c *http.Client, base string, a account) (string, error) {
	list, err := getBody(ctx, c, base, "/dev/mailbox", "")
	if err != nil {
		return "", fmt.Errorf("dev mailbox: %w", err)
	}
	row := regexp.MustCompile(`<tr data-to="` + regexp.QuoteMeta(html.EscapeString(a.email)) + `" data-kind="confirm_email">(?s:.*?)href="/dev/mailbox/(\d+)"`)
	m := row.FindAllStringSubmatch(list, -1)
	if m == nil {
		return "", fmt.Errorf("no confirmation mail to %s in the dev mailbox", a.email)
	}
	msg, err := getBody(ctx, c, base, "/dev/mailbox/"+m[len(m)-1][1], "")
	if err != nil {
		return "", fmt.Errorf("dev mailbox message: %w", err)
	}
	code := regexp.MustCompile(`(?m)^\s*(\d{6})\s*$`).FindStringSubmatch(msg)
	if code == nil {
		return "", fmt.Errorf("no 6-digit code in the confirmation mail to %s", a.email)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/users/confirm", strings.NewReader(url.Values{"code": {code[1]}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("X-Forwarded-For", nextIP())
	req.Header.Set("Cookie", a.cookie)
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("POST /users/confirm with the mailed code answered %d (want 303)", resp.StatusCode)
	}
	jar := parseCookieHeader(a.cookie)
	jar.apply(resp.Cookies())
	// Follow the redirect, as a browser would, so its one-shot flash cookie is spent.
	return settle(ctx, c, base, resp.Header.Get("Location"), jar.header())
}
