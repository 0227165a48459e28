package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

// TestParsePrivateKeyPEM: the JWT key variables accept every PEM private-key form a key tool
// writes (PKCS #8, PKCS #1 RSA, SEC 1 EC), with real or escaped newlines, and refuse a public
// key or a certificate in their place.
func TestParsePrivateKeyPEM(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&ecKey.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	good := map[string]string{
		"RSA, PKCS #1":     enc("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)),
		"ECDSA, PKCS #8":   enc("PRIVATE KEY", pkcs8),
		"ECDSA, SEC 1":     enc("EC PRIVATE KEY", sec1),
		"escaped newlines": strings.ReplaceAll(enc("PRIVATE KEY", pkcs8), "\n", `\n`),
	}
	want := map[string]string{"RSA, PKCS #1": "RSA", "ECDSA, PKCS #8": "ECDSA", "ECDSA, SEC 1": "ECDSA", "escaped newlines": "ECDSA"}
	for name, v := range good {
		if kind, err := parsePrivateKeyPEM(v); err != nil || kind != want[name] {
			t.Errorf("%s: got %q, %v; want %q", name, kind, err, want[name])
		}
	}
	for name, v := range map[string]string{
		"public key": enc("PUBLIC KEY", pub),
		"not PEM":    "MC4CAQAwBQYDK2VwBCIEIGp0uB0dS2YfXm3yH9zJ9l8uFqS5kq3d2u3Qk6zR0bXz",
		"empty":      "",
	} {
		if kind, err := parsePrivateKeyPEM(v); err == nil {
			t.Errorf("%s: accepted as %s", name, kind)
		}
	}
}

// TestSecretProblem: doctor refuses what the generated config.go refuses, and never quotes
// the secret in its message.
func TestSecretProblem(t *testing.T) {
	random := "Jq8vN2xLr5TzK0bWc7YhE3uPa9FmS4dGi6oVt1nRkXyZwQeHjBlMsUfCpDgA_-Aa"
	for _, tt := range []struct {
		secret     string
		production bool
		refused    bool
	}{
		{random, true, false},
		{random[:63], false, true},
		{strings.Repeat("a", 64), false, false}, // outside production only the length counts
		{strings.Repeat("a", 64), true, true},
		{strings.Repeat("correct-horse-battery-staple-", 3), true, true},
		{"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true, true},
	} {
		problem := secretProblem(tt.secret, tt.production)
		if (problem != "") != tt.refused {
			t.Errorf("secretProblem(%q, %v) = %q, want refused=%v", tt.secret, tt.production, problem, tt.refused)
		}
		if problem != "" && strings.Contains(problem, tt.secret[:16]) {
			t.Errorf("the message quotes the secret: %q", problem)
		}
	}
}
