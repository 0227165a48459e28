package generator

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Apply writes the actions into dir. Every file is first written to a temporary file beside
// its target; only when all of them are written are they renamed into place, so a failure
// leaves the host as it was (save for directories that were created empty).
//
// The files are staged in parallel: a default bundle is a few hundred files, and on a
// journalling file system each create costs more than rendering it did.
func Apply(actions []Action, dir string) error {
	var writes []Action
	for _, a := range actions {
		if a.Kind == ActConflict {
			return errors.New("refusing to apply a plan with conflicts")
		}
		if a.Writes() {
			writes = append(writes, a)
		}
	}
	made := map[string]bool{}
	for _, a := range writes {
		d := filepath.Dir(filepath.Join(dir, filepath.FromSlash(a.Path)))
		if made[d] {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create directory for %s: %w", a.Path, err)
		}
		made[d] = true
	}

	tmps := make([]string, len(writes))
	errs := make([]error, len(writes))
	var wg sync.WaitGroup
	slots := make(chan struct{}, 8)
	for i, a := range writes {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			tmps[i], errs[i] = stage(a, filepath.Join(dir, filepath.FromSlash(a.Path)))
		})
	}
	wg.Wait()
	cleanup := func(from int) {
		for _, tmp := range tmps[from:] {
			if tmp != "" {
				os.Remove(tmp)
			}
		}
	}
	for i, err := range errs {
		if err != nil {
			cleanup(0)
			return fmt.Errorf("write %s: %w", writes[i].Path, err)
		}
	}
	for i, a := range writes {
		final := filepath.Join(dir, filepath.FromSlash(a.Path))
		if err := os.Rename(tmps[i], final); err != nil {
			cleanup(i)
			return fmt.Errorf("rename into %s: %w", final, err)
		}
	}
	return nil
}

// stage writes a's data to a new temporary file beside final and returns its name. A file
// that replaces one keeps that file's mode; a new one is 0644 less the umask, as os.WriteFile
// would make it.
func stage(a Action, final string) (string, error) {
	mode, existing := fs.FileMode(0o644), false
	if info, err := os.Stat(final); err == nil {
		mode, existing = info.Mode().Perm(), true
	}
	var f *os.File
	var err error
	for range 10 {
		name := filepath.Join(filepath.Dir(final), ".sigra-"+rand.Text()[:12]+".tmp")
		if f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode); !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", err
	}
	_, werr := f.Write(a.Data)
	err = errors.Join(werr, f.Close())
	if err == nil && existing {
		err = os.Chmod(f.Name(), mode) // the umask applied at creation must not narrow it
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
