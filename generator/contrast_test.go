package generator

import (
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sigra-go/sigra-install/templates"
)

// TestStylesheetContrast holds the account pages' colours to WCAG 2.2 AA in both themes: the
// custom properties of app.css (the light :root, then the dark one of prefers-color-scheme:
// dark, which inherits what it does not set) are parsed and every pair the pages put
// together is measured. Text needs 4.5:1 (SC 1.4.3); control outlines and the focus ring need
// 3:1 against what is around them (SC 1.4.11).
func TestStylesheetContrast(t *testing.T) {
	css, err := fs.ReadFile(templates.FS, "core/internal/__web__/assets/app.css.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	light, dark := themes(t, string(css))

	type pair struct {
		fg, bg string
		min    float64
	}
	const text, nonText = 4.5, 3.0
	pairs := []pair{
		{"text", "bg", text}, {"text", "surface", text},
		{"muted", "bg", text}, {"muted", "surface", text},
		{"accent", "bg", text}, {"accent", "surface", text}, // links, badges, link buttons
		{"accent-hover", "surface", text},
		{"on-accent", "accent", text}, {"on-accent", "accent-hover", text}, // primary buttons
		{"on-accent", "danger", text},                              // danger buttons
		{"danger", "surface", text}, {"danger", "danger-bg", text}, // field and form errors
		{"text", "danger-bg", text}, {"text", "ok-bg", text}, {"text", "warn-bg", text},
		{"accent", "warn-bg", text}, // the confirmation banner's links
		{"control-border", "bg", nonText}, {"control-border", "surface", nonText},
		{"danger", "bg", nonText}, // the border of an invalid field
		{"focus", "bg", nonText}, {"focus", "surface", nonText},
	}
	for _, th := range []struct {
		name  string
		props map[string]string
	}{{"light", light}, {"dark", dark}} {
		for _, p := range pairs {
			ratio := contrast(t, th.props, p.fg, p.bg)
			if ratio < p.min {
				t.Errorf("%s theme: --%s on --%s is %.2f:1, want at least %.1f:1", th.name, p.fg, p.bg, ratio, p.min)
			}
		}
	}

	// The properties above only count if the rules use them.
	for _, want := range []string{
		"color: var(--on-accent);\n  background: var(--accent);", // .button
		"border: 1px solid var(--control-border);",               // text inputs
		"border-color: var(--control-border);",                   // .button-secondary
		"outline: 3px solid var(--focus);",
	} {
		if !strings.Contains(string(css), want) {
			t.Errorf("app.css does not use %q", want)
		}
	}
}

var (
	rootBlock = regexp.MustCompile(`(?s):root\s*\{(.*?)\}`)
	darkBlock = regexp.MustCompile(`(?s)@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}`)
	property  = regexp.MustCompile(`--([a-z-]+):\s*([^;]+);`)
)

// themes returns the custom properties of the light theme and of the dark one.
func themes(t *testing.T, css string) (light, dark map[string]string) {
	t.Helper()
	lm, dm := rootBlock.FindStringSubmatch(css), darkBlock.FindStringSubmatch(css)
	if lm == nil || dm == nil {
		t.Fatal("app.css has no light :root or no prefers-color-scheme: dark :root")
	}
	light, dark = map[string]string{}, map[string]string{}
	for _, m := range property.FindAllStringSubmatch(lm[1], -1) {
		light[m[1]], dark[m[1]] = m[2], m[2]
	}
	for _, m := range property.FindAllStringSubmatch(dm[1], -1) {
		dark[m[1]] = m[2]
	}
	return light, dark
}

// contrast is the WCAG contrast ratio of two of the theme's colours.
func contrast(t *testing.T, props map[string]string, a, b string) float64 {
	t.Helper()
	la, lb := luminance(t, props, a), luminance(t, props, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG relative luminance of the #rrggbb colour --name.
func luminance(t *testing.T, props map[string]string, name string) float64 {
	t.Helper()
	hex, ok := props[name]
	if !ok || len(hex) != 7 || hex[0] != '#' {
		t.Fatalf("--%s = %q, want a #rrggbb colour", name, hex)
	}
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatal(fmt.Errorf("--%s: %w", name, err))
		}
		s := float64(v) / 255
		if s <= 0.04045 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

// TestContrastFormula pins the ratio on known values, so TestStylesheetContrast measures
// what WCAG means: black on white is 21:1, and #767676 on white is the classic 4.54:1.
func TestContrastFormula(t *testing.T) {
	props := map[string]string{"black": "#000000", "white": "#ffffff", "grey": "#767676"}
	if r := contrast(t, props, "black", "white"); math.Abs(r-21) > 0.001 {
		t.Errorf("black on white = %.3f", r)
	}
	if r := contrast(t, props, "white", "grey"); math.Abs(r-4.54) > 0.01 {
		t.Errorf("#767676 on white = %.3f", r)
	}
}
