package generator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Apply writes the actions into dir. Every file is first written to a temporary file beside
// its target; only when all of them are written are they renamed into place, so a failure
// leaves the host as it was (save for directories that were created empty).
func Apply(actions []Action, dir string) error {
	type staged struct{ tmp, final string }
	var done []staged
	cleanup := func() {
		for _, s := range done {
			os.Remove(s.tmp)
		}
	}
	for _, a := range actions {
		if a.Kind == ActConflict {
			cleanup()
			return errors.New("refusing to apply a plan with conflicts")
		}
		if !a.Writes() {
			continue
		}
		final := filepath.Join(dir, filepath.FromSlash(a.Path))
		mode := os.FileMode(0o644)
		if info, err := os.Stat(final); err == nil {
			mode = info.Mode().Perm()
		}
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			cleanup()
			return fmt.Errorf("create directory for %s: %w", a.Path, err)
		}
		tmp, err := os.CreateTemp(filepath.Dir(final), ".sigra-*.tmp")
		if err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", a.Path, err)
		}
		done = append(done, staged{tmp.Name(), final})
		_, werr := tmp.Write(a.Data)
		cerr := tmp.Close()
		if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), mode)); err != nil {
			cleanup()
			return fmt.Errorf("write %s: %w", a.Path, err)
		}
	}
	for i, s := range done {
		if err := os.Rename(s.tmp, s.final); err != nil {
			for _, rest := range done[i:] {
				os.Remove(rest.tmp)
			}
			return fmt.Errorf("rename into %s: %w", s.final, err)
		}
	}
	return nil
}
