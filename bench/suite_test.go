package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Other work is what the machine spent beyond the server, the harness and the database.
func TestOtherWork(t *testing.T) {
	cores := time.Duration(runtime.NumCPU())
	t0 := time.Unix(1000, 0)
	a := cpuSample{at: t0, machine: 10 * time.Second, server: 3 * time.Second, harness: 2 * time.Second, db: time.Second}
	quiet := cpuSample{at: t0.Add(time.Second), machine: a.machine + cores*time.Second*95/100,
		server: a.server + cores*time.Second/2, harness: a.harness + cores*time.Second*3/10, db: a.db + cores*time.Second/10}
	if got := otherWork(a, quiet); got < 0.049 || got > 0.051 {
		t.Errorf("otherWork = %.3f, want 0.05 (95%% busy, 90%% of it the system under test)", got)
	}
	busy := quiet
	busy.server = a.server + cores*time.Second/5 // the rest of the busy time went elsewhere
	var out bytes.Buffer
	r := newReport(&out)
	judgeOtherWork(r, "the run", a, quiet)
	if r.busy != "" {
		t.Errorf("5%% other work marked the section busy: %s", r.busy)
	}
	judgeOtherWork(r, "the run", a, busy)
	if !strings.Contains(r.busy, "other work took 35% of the cores during the run") {
		t.Errorf("35%% other work: busy = %q", r.busy)
	}
}

func TestParseStat(t *testing.T) {
	comm, cpu, err := parseStat("4242 (postgres: a (b)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 5 0 0")
	if err != nil || comm != "postgres: a (b)" || cpu != 3*time.Second {
		t.Errorf("parseStat = %q, %v, %v; want the command with its parentheses and 300 ticks", comm, cpu, err)
	}
	if _, _, err := parseStat("4242 postgres S 1"); err == nil {
		t.Error("a line without a command in parentheses parsed")
	}
}

func TestBusySectionIsNotJudged(t *testing.T) {
	var out bytes.Buffer
	r := newReport(&out)
	r.tag = "SQLite"
	r.markBusy("other work took 40% of the cores during the run")
	r.target("ratio", "0.70×", "≥ 0.85×", false)
	r.target("ratio met", "0.90×", "≥ 0.85×", true)
	r.check("peak RSS", "150 MiB", "≤ 256 MiB", true)
	r.busy = ""
	r.target("quiet ratio", "0.70×", "≥ 0.85×", false)
	r.summary()
	text := out.String()
	for _, want := range []string{
		"ratio                                          0.70×                      target ≥ 0.85×: machine busy: rerun",
		"not judged: other work took 40% of the cores during the run",
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

// The interval is the overall ratio ± 1.96 standard errors of the per-round ratios.
func TestRatioInterval(t *testing.T) {
	round := func(rps float64) loadResult { return loadResult{n: int64(rps), elapsed: time.Second} }
	var outs, ins []loadResult
	for _, in := range []float64{80, 90, 80, 90} { // per-round ratios 0.8, 0.9, 0.8, 0.9: sd 0.0577
		outs, ins = append(outs, round(100)), append(ins, round(in))
	}
	lo, hi, ok := ratioInterval(0.85, outs, ins)
	// se = 0.0577 / 2 = 0.0289; 1.96 se = 0.0566
	if !ok || lo < 0.793 || lo > 0.794 || hi < 0.906 || hi > 0.907 {
		t.Errorf("ratioInterval = %.4f, %.4f, %v; want 0.7934 to 0.9066", lo, hi, ok)
	}
	if _, _, ok := ratioInterval(0.85, outs[:3], ins[:3]); ok {
		t.Error("three rounds gave an interval; want none below four")
	}
}
