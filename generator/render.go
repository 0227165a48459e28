package generator

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"strings"
	"text/template"

	"golang.org/x/tools/imports"

	"github.com/sigra-go/sigra-install/templates"
)

// renderer executes templates from an fs.FS against a Model.
type renderer struct {
	fsys  fs.FS
	model *Model
}

var funcs = template.FuncMap{
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
}

// render executes one template (path relative to the templates root, e.g.
// "core/internal/__context__/user.go.tmpl") and returns formatted bytes. Go files are gofmt'ed
// with their imports grouped, then parsed, so a template bug is reported here and not in the host.
func (r *renderer) render(tmplPath string) ([]byte, error) {
	src, err := fs.ReadFile(r.fsys, tmplPath)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	target := strings.TrimSuffix(tmplPath, ".tmpl")
	t := template.New(tmplPath).Funcs(funcs).Option("missingkey=error")
	if usesSquareDelims(target) {
		// Pages and emails are html/template or text/template files themselves; the
		// generator's own actions in them use [[ ]] so that {{ }} pass through.
		t = t.Delims("[[", "]]")
	}
	if t, err = t.Parse(string(src)); err != nil {
		return nil, fmt.Errorf("parse template %s: %w", tmplPath, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, r.model); err != nil {
		return nil, fmt.Errorf("execute template %s: %w", tmplPath, err)
	}
	out := buf.Bytes()
	if path.Ext(target) == ".go" {
		return formatGo(target, out)
	}
	return out, nil
}

// usesSquareDelims reports whether a template is rendered with [[ ]] delimiters: everything but
// Go and SQL files, which use the usual {{ }}.
func usesSquareDelims(target string) bool {
	switch path.Ext(target) {
	case ".go", ".sql":
		return false
	}
	return true
}

// formatGo gofmt's a Go file and sorts its imports without adding or removing any
// (FormatOnly), then parse-checks the result.
func formatGo(name string, src []byte) ([]byte, error) {
	out, err := imports.Process(name, src, &imports.Options{FormatOnly: true, Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		return nil, fmt.Errorf("format %s: %w\n%s", name, err, numbered(src, err))
	}
	if _, err := parser.ParseFile(token.NewFileSet(), name, out, parser.AllErrors); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	return out, nil
}

// numbered returns the lines of src around the line an error names, numbered, so a template
// author sees the broken output rather than only a message.
func numbered(src []byte, err error) string {
	line := 0
	fmt.Sscanf(afterFirstColon(err.Error()), "%d", &line)
	lines := strings.Split(string(src), "\n")
	from, to := max(line-6, 0), min(line+5, len(lines))
	if line == 0 {
		from, to = 0, min(len(lines), 40)
	}
	var b strings.Builder
	for i := from; i < to; i++ {
		fmt.Fprintf(&b, "%5d  %s\n", i+1, lines[i])
	}
	return b.String()
}

func afterFirstColon(s string) string {
	if i := strings.Index(s, ":"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// defaultFS is the embedded template tree.
var defaultFS fs.FS = templates.FS
