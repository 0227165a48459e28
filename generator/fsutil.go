package generator

import "io/fs"

func readDir(h *Host, dir string) ([]string, error) {
	entries, err := fs.ReadDir(h.FS, dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
