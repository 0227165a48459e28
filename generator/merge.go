package generator

import (
	"bytes"
	"strings"
)

// Conflict markers, as git writes them (merge style: yours, then ours). Every editor and
// merge tool recognises them, and HasConflictMarkers finds them again.
const (
	markerOurs   = "<<<<<<< "
	markerSep    = "======="
	markerTheirs = ">>>>>>> "
)

// MergeLabels name the two sides in the conflict markers.
type MergeLabels struct {
	Ours, Theirs string // "yours", "sigra-install 0.2.0"
}

// Merge3 merges two descendants of base line by line, the way diff3 and git merge-file do: a
// region only one side changed takes that side, a region both changed the same way takes it
// once, and a region both changed differently is a conflict, written between standard markers
// with ours first. It returns the merged text and the number of conflicts.
//
// It is pure Go so that upgrade merges the same way on every host, with git or without it, and
// whatever merge.conflictStyle the owner configured; TestMerge3AgreesWithGit checks it against
// git merge-file.
func Merge3(base, ours, theirs []byte, labels MergeLabels) ([]byte, int) {
	b, o, t := splitLines(string(base)), splitLines(string(ours)), splitLines(string(theirs))
	if len(base) == 0 {
		b = nil
	}
	if len(ours) == 0 {
		o = nil
	}
	if len(theirs) == 0 {
		t = nil
	}
	toOurs, toTheirs := lineMatches(b, o), lineMatches(b, t)
	var out strings.Builder
	conflicts := 0
	i, io, it := 0, 0, 0 // next line of base, ours, theirs
	for i < len(b) || io < len(o) || it < len(t) {
		if i < len(b) && toOurs[i] == io && toTheirs[i] == it {
			out.WriteString(b[i]) // unchanged on both sides
			i, io, it = i+1, io+1, it+1
			continue
		}
		// An unstable chunk runs to the next base line both sides kept (or to the end).
		k := i
		for k < len(b) && (toOurs[k] < 0 || toTheirs[k] < 0) {
			k++
		}
		eo, et := len(o), len(t)
		if k < len(b) {
			eo, et = toOurs[k], toTheirs[k]
		}
		bc, oc, tc := b[i:k], o[io:eo], t[it:et]
		switch {
		case sameLines(oc, bc):
			writeLines(&out, tc)
		case sameLines(tc, bc), sameLines(oc, tc):
			writeLines(&out, oc)
		default:
			conflicts++
			writeConflict(&out, oc, tc, labels)
		}
		i, io, it = k, eo, et
	}
	return []byte(out.String()), conflicts
}

// Merge2 merges two versions without a common ancestor: lines both have are kept, and every
// region where they differ is a conflict, since without the base nobody can tell an addition on
// one side from a deletion on the other.
func Merge2(ours, theirs []byte, labels MergeLabels) ([]byte, int) {
	ops := diffLines(splitLines(string(ours)), splitLines(string(theirs)))
	var out strings.Builder
	conflicts := 0
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			out.WriteString(ops[i].line)
			i++
			continue
		}
		var oc, tc []string
		for ; i < len(ops) && ops[i].kind != ' '; i++ {
			if ops[i].kind == '-' {
				oc = append(oc, ops[i].line)
			} else {
				tc = append(tc, ops[i].line)
			}
		}
		conflicts++
		writeConflict(&out, oc, tc, labels)
	}
	return []byte(out.String()), conflicts
}

// HasConflictMarkers reports whether data holds a conflict block: a line starting with the
// opening marker followed, later, by the closing one.
func HasConflictMarkers(data []byte) bool {
	open := false
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte(markerOurs)):
			open = true
		case open && bytes.HasPrefix(line, []byte(markerTheirs)):
			return true
		}
	}
	return false
}

// lineMatches maps each line of a to the line of b it is matched with in a longest common
// subsequence, or -1.
func lineMatches(a, b []string) []int {
	match := make([]int, len(a))
	i, j := 0, 0
	for _, op := range diffLines(a, b) {
		switch op.kind {
		case ' ':
			match[i] = j
			i, j = i+1, j+1
		case '-':
			match[i] = -1
			i++
		case '+':
			j++
		}
	}
	return match
}

func sameLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func writeLines(out *strings.Builder, lines []string) {
	for _, l := range lines {
		out.WriteString(l)
	}
}

// writeConflict writes one conflict block. A side whose last line has no newline (the end of
// the file) gets one, so that the marker after it starts a line of its own.
func writeConflict(out *strings.Builder, ours, theirs []string, labels MergeLabels) {
	side := func(lines []string) {
		for _, l := range lines {
			out.WriteString(l)
		}
		if n := len(lines); n > 0 && !strings.HasSuffix(lines[n-1], "\n") {
			out.WriteString("\n")
		}
	}
	out.WriteString(markerOurs + labels.Ours + "\n")
	side(ours)
	out.WriteString(markerSep + "\n")
	side(theirs)
	out.WriteString(markerTheirs + labels.Theirs + "\n")
}
