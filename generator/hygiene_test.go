package generator

import (
	"go/scanner"
	"go/token"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestGeneratedOutputHygiene takes every distinct output of the flag combinations and checks what a
// reader of the generated code would trip over: SQL placeholders that are not numbered in the
// order the statement reads them (`VALUES ($5, $1, ...)`), and blank lines that template
// conditionals leave behind (two in a row anywhere, or one opening or closing a Go block),
// and an import of the context package from the mail package, which must not know it.
func TestGeneratedOutputHygiene(t *testing.T) {
	t.Parallel()
	for _, c := range distinctCombinations(t) {
		o, p := c.opts, c.plan
		m := p.Model
		for _, f := range p.Files {
			src := string(f.Data)
			// Mail delivery knows nothing of accounts: the import graph runs one way.
			if strings.HasPrefix(f.Path, "internal/"+m.MailPkg+"/") && strings.Contains(src, `"`+m.Module+"/internal/"+m.Pkg+`"`) {
				t.Errorf("%+v: %s imports the %s package", o, f.Path, m.Pkg)
			}
			if i := strings.Index(src, "\n\n\n"); i >= 0 {
				t.Errorf("%+v: %s:%d: two blank lines in a row", o, f.Path, lineOf(src, i)+2)
			}
			if path.Ext(f.Path) != ".go" {
				continue
			}
			if m := blankInBlock.FindStringIndex(src); m != nil {
				t.Errorf("%+v: %s:%d: blank line opening or closing a block", o, f.Path, lineOf(src, m[0])+2)
			}
			for _, lit := range stringLiterals(t, f.Path, f.Data) {
				if got := placeholderOrder(lit.text); got != "" {
					t.Errorf("%+v: %s:%d: placeholders out of order (%s) in %q", o, f.Path, lit.line, got, firstLine(lit.text))
				}
			}
		}
	}
}

var (
	blankInBlock = regexp.MustCompile(`[({]\n[ \t]*\n|\n[ \t]*\n[ \t]*[)}]`)
	placeholder  = regexp.MustCompile(`\$(\d+)`)
)

// placeholderOrder returns "" when the $N placeholders of a SQL string are numbered in the
// order they first appear, each one more than the last ($1, $2, $2, $3, ...), and the order
// it found otherwise. A fragment joined to another ("WHERE "+due) may start above $1.
func placeholderOrder(sql string) string {
	var order []string
	seen := map[string]bool{}
	prev := 0
	ok := true
	for _, m := range placeholder.FindAllStringSubmatch(sql, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		order = append(order, "$"+m[1])
		n, _ := strconv.Atoi(m[1])
		if prev != 0 && n != prev+1 {
			ok = false
		}
		prev = n
	}
	if ok {
		return ""
	}
	return strings.Join(order, ", ")
}

type literal struct {
	text string
	line int
}

// stringLiterals returns the string literals of a Go file, unquoted.
func stringLiterals(t *testing.T, name string, src []byte) []literal {
	fset := token.NewFileSet()
	file := fset.AddFile(name, -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, func(pos token.Position, msg string) { t.Errorf("%s: %s", pos, msg) }, 0)
	var out []literal
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok != token.STRING {
			continue
		}
		text, err := strconv.Unquote(lit)
		if err != nil {
			t.Errorf("%s: %v", fset.Position(pos), err)
			continue
		}
		out = append(out, literal{text: text, line: fset.Position(pos).Line})
	}
}

func lineOf(s string, offset int) int { return strings.Count(s[:offset], "\n") + 1 }

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// TestPlaceholderOrder pins what counts as out of order.
func TestPlaceholderOrder(t *testing.T) {
	for sql, want := range map[string]string{
		"INSERT INTO t (a, b, id) VALUES ($1, $2, $3)":           "",
		"UPDATE t SET a = $1, b = $2, c = $2 WHERE id = $3":      "",
		" AND deleted_at <= $3 AND id = $4":                      "",
		"SELECT 1":                                               "",
		"INSERT INTO t (id, a, b) VALUES ($3, $1, $2)":           "$3, $1, $2",
		"UPDATE t SET email = $3, deleted_at = $2 WHERE id = $1": "$3, $2, $1",
		"SELECT * FROM t WHERE a = $1 AND b = $3":                "$1, $3",
	} {
		if got := placeholderOrder(sql); got != want {
			t.Errorf("placeholderOrder(%q) = %q, want %q", sql, got, want)
		}
	}
}
