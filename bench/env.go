package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// env is what every step shares: the repository root, one temp directory that is removed at
// exit, and a stack of clean-up functions (servers to stop, databases to drop) run in reverse.
type env struct {
	opts options
	root string // the sigra-install repository (the directory holding its go.mod)
	tmp  string

	mu       sync.Mutex
	cleanups []func()
}

func newEnv(o options) (*env, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "sigra-bench-")
	if err != nil {
		return nil, err
	}
	return &env{opts: o, root: root, tmp: tmp}, nil
}

// onClose registers f to run at exit, before the temp directory is removed.
func (e *env) onClose(f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cleanups = append(e.cleanups, f)
}

func (e *env) close() {
	e.mu.Lock()
	fs := e.cleanups
	e.cleanups = nil
	e.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
	if e.opts.keep {
		fmt.Fprintf(os.Stderr, "bench: kept %s\n", e.tmp)
		return
	}
	// The Go build cache (with -cold-cache) and module files may be read-only.
	_ = filepath.WalkDir(e.tmp, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			_ = os.Chmod(p, 0o755)
		}
		return nil
	})
	_ = os.RemoveAll(e.tmp)
}

// dir makes a fresh directory under the temp directory.
func (e *env) dir(prefix string) (string, error) {
	return os.MkdirTemp(e.tmp, prefix)
}

// goEnv is the environment for go commands: the local toolchain only, no workspace, and
// (with -cold-cache) a build cache of our own that starts empty.
func (e *env) goEnv(extra ...string) []string {
	vars := append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off")
	if e.opts.coldCache {
		vars = append(vars, "GOCACHE="+filepath.Join(e.tmp, "gocache"))
	}
	return append(vars, extra...)
}

// repoRoot walks up from the working directory to the go.mod of sigra-install.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(data, []byte("module github.com/sigra-go/sigra-install\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the harness inside the sigra-install repository (go run ./bench)")
		}
		dir = parent
	}
}

// cmdResult is a finished command: its combined output, wall time and error.
type cmdResult struct {
	out     []byte
	elapsed time.Duration
	err     error
}

// tail returns the last n lines of the output, for error messages.
func (r cmdResult) tail(n int) string {
	lines := strings.Split(strings.TrimRight(string(r.out), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// run runs a command in dir with a time limit, in its own process group so that a timeout
// also ends its children (go test's test binaries). elapsed is the whole process, start to exit.
func run(ctx context.Context, limit time.Duration, dir string, vars []string, name string, args ...string) cmdResult {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = vars
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil && ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("%s: timed out after %s", name, limit)
	} else if err != nil {
		err = fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return cmdResult{out: buf.Bytes(), elapsed: elapsed, err: err}
}
