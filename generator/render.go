package generator

import (
	"bytes"
	"fmt"
	"go/format"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"github.com/sigra-go/sigra-install/templates"
)

// renderer executes templates from an fs.FS against a Model.
type renderer struct {
	fsys  fs.FS
	model *Model
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
	t := template.New(tmplPath).Option("missingkey=error")
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

// formatGo gofmt's a Go file (which also sorts the imports inside each block; templates
// write their import blocks grouped, standard library first). Formatting parses the file, so
// a template that renders invalid Go fails here, with the broken lines shown.
func formatGo(name string, src []byte) ([]byte, error) {
	out, err := format.Source(src)
	if err != nil {
		return nil, fmt.Errorf("format %s: %w\n%s", name, err, numbered(src, err))
	}
	return out, nil
}

// numbered returns the lines of src around the line an error names ("12:5: expected ..."),
// numbered, so a template author sees the broken output rather than only a message.
func numbered(src []byte, err error) string {
	line := 0
	if m := errorLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
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

var errorLine = regexp.MustCompile(`(\d+):\d+: `)

// defaultFS is the embedded template tree.
var defaultFS fs.FS = templates.FS
