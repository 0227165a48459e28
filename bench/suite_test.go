package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// rounds builds load results of the given requests/s, one second each.
func rounds(rps ...float64) []loadResult {
	var out []loadResult
	for _, r := range rps {
		out = append(out, loadResult{n: int64(r), elapsed: time.Second})
	}
	return out
}

func TestNoisyRounds(t *testing.T) {
	for _, c := range []struct {
		name      string
		outs, ins []float64
		busy      string // a word of the reason, "" for quiet
	}{
		{"quiet", []float64{30000, 30500, 29800, 30200}, []float64{26000, 26400, 25700, 26100}, ""},
		{"logged-out rounds disagree", []float64{30000, 22000, 30500, 29800}, []float64{26000, 19000, 26400, 25700}, "logged-out"},
		{"ratios disagree", []float64{30000, 30500, 29800, 30200}, []float64{27000, 21000, 25700, 26100}, "ratios"},
	} {
		got := noisyRounds(rounds(c.outs...), rounds(c.ins...))
		if (got == "") != (c.busy == "") || !strings.Contains(got, c.busy) {
			t.Errorf("%s: noisyRounds = %q, want a reason mentioning %q", c.name, got, c.busy)
		}
	}
}

func TestBusySectionIsNotJudged(t *testing.T) {
	var out bytes.Buffer
	r := newReport(&out)
	r.tag = "SQLite"
	r.markBusy("the logged-out rounds spread 40%")
	r.target("ratio", "0.70×", "≥ 0.85×", false)
	r.target("ratio met", "0.90×", "≥ 0.85×", true)
	r.check("peak RSS", "150 MiB", "≤ 256 MiB", true)
	r.busy = ""
	r.target("quiet ratio", "0.70×", "≥ 0.85×", false)
	r.summary()
	text := out.String()
	for _, want := range []string{
		"ratio                                          0.70×                      target ≥ 0.85×: machine busy: rerun",
		"not judged: the logged-out rounds spread 40%",
		"target ≤ 256 MiB: met",
		"target ≥ 0.85×: NOT MET",
		"1 of 4 figures with a target are within it.",
		"2 could not be judged (machine busy: rerun on a quiet machine).",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "0.90×                      target ≥ 0.85×: met") {
		t.Errorf("a figure of a busy section printed met:\n%s", text)
	}
}
