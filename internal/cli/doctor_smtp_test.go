package cli

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/sigra-go/sigra-install/generator"
)

// recordingSession counts MAIL commands: --check-smtp must never start a message.
type recordingSession struct{ mails *int }

func (s recordingSession) Reset()        {}
func (s recordingSession) Logout() error { return nil }
func (s recordingSession) Mail(string, *smtp.MailOptions) error {
	*s.mails++
	return errors.New("no mail here")
}
func (s recordingSession) Rcpt(string, *smtp.RcptOptions) error { return errors.New("no mail here") }
func (s recordingSession) Data(io.Reader) error                 { return errors.New("no mail here") }

// TestCheckSMTP connects to a real SMTP server (go-smtp, as the generated mail tests use): the
// check greets it with EHLO and quits without sending, and a server that is not there fails it.
func TestCheckSMTP(t *testing.T) {
	var mu sync.Mutex
	var helos []string
	mails := 0
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		mu.Lock()
		defer mu.Unlock()
		helos = append(helos, c.Hostname())
		return recordingSession{&mails}, nil
	}))
	srv.Domain = "mail.test"
	srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	env := func(url string) lookupEnv {
		return func(name string) (string, bool) {
			if name == "SMTP_URL" {
				return url, true
			}
			return "", false
		}
	}
	run := func(url string, enabled bool) generator.Finding {
		var out generator.Findings
		checkSMTP(&out, env(url), enabled)
		if len(out) != 1 {
			t.Fatalf("findings: %+v", out)
		}
		return out[0]
	}

	addr := ln.Addr().String()
	if f := run("smtp://user:pass@"+addr, true); f.State != generator.StateOK || f.Detail != addr+" answered EHLO" {
		t.Errorf("a live server: %+v", f)
	}
	mu.Lock()
	if len(helos) != 1 || helos[0] != "localhost" || mails != 0 {
		t.Errorf("the server saw EHLO %q and %d MAIL command(s); want one EHLO localhost and none", helos, mails)
	}
	mu.Unlock()

	if f := run("smtp://"+addr, false); f.State != generator.StateUnused {
		t.Errorf("without --check-smtp: %+v", f)
	}
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln2.Addr().String()
	ln2.Close()
	if f := run("smtp://user:secret@"+closed, true); f.State != generator.StateProblem || !strings.Contains(f.Detail, "connection refused") || strings.Contains(f.Detail, "secret") {
		t.Errorf("nothing listening: %+v", f)
	}
}
