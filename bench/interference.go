package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// maxOtherWork is the share of the cores other work may use during a judged run. Beyond it
// the run competed with something and its figures are not judged.
const maxOtherWork = 0.10

// cpuSample is the CPU time spent so far by the whole machine and by each part of the system
// under test, taken at the start and at the end of a run.
type cpuSample struct {
	at      time.Time
	machine time.Duration // user, nice, system and steal time of every core (/proc/stat)
	server  time.Duration // the generated server
	harness time.Duration // this process, the load generator
	db      time.Duration // the PostgreSQL server's processes (none on SQLite)
}

func sampleCPU(s *server) (cpuSample, error) {
	machine, err := machineCPU()
	if err != nil {
		return cpuSample{}, err
	}
	srv, err := s.cpuTime()
	if err != nil {
		return cpuSample{}, err
	}
	return cpuSample{at: time.Now(), machine: machine, server: srv, harness: harnessCPU(), db: processesCPU("postgres")}, nil
}

// otherWork is the share of all cores that went to anything but the system under test
// between two samples: the machine's busy time less what the server, the harness and the
// database spent. A database backend that exited in between took its time with it, so the
// figure errs towards more other work, never less. Interrupt and softirq time is left out
// on both sides: here it is the loopback traffic of the run itself.
func otherWork(a, b cpuSample) float64 {
	wall := b.at.Sub(a.at)
	if wall <= 0 {
		return 0
	}
	other := (b.machine - a.machine) - (b.server - a.server) - (b.harness - a.harness) - (b.db - a.db)
	return max(0, float64(other)/(float64(wall)*float64(runtime.NumCPU())))
}

// judgeOtherWork marks the section busy when other work took more than maxOtherWork of the
// cores during what (a run), and says how much it took either way.
func judgeOtherWork(rep *report, what string, a, b cpuSample) {
	share := otherWork(a, b)
	rep.note("other work on the machine during %s: %.1f%% of the cores (judged up to %.0f%%)", what, 100*share, 100*maxOtherWork)
	if share > maxOtherWork {
		rep.markBusy(fmt.Sprintf("other work took %.0f%% of the cores during %s", 100*share, what))
	}
}

// machineCPU is the busy time of all cores from the first line of /proc/stat: user, nice,
// system and steal (time another virtual machine took from ours).
func machineCPU() (time.Duration, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(data), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, errors.New("unexpected /proc/stat")
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 8} { // user, nice, system, steal
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, err
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// processesCPU is the CPU time used so far by the live processes whose command is name.
func processesCPU(name string) time.Duration {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var total time.Duration
	for _, p := range stats {
		data, err := os.ReadFile(p)
		if err != nil {
			continue // exited meanwhile
		}
		if comm, cpu, err := parseStat(string(data)); err == nil && comm == name {
			total += cpu
		}
	}
	return total
}

// parseStat reads the command and utime+stime of a /proc/PID/stat line.
func parseStat(stat string) (comm string, cpu time.Duration, err error) {
	// The command (field 2, in parentheses) may hold spaces; the fields after its ")" are fixed.
	open, end := strings.IndexByte(stat, '('), strings.LastIndexByte(stat, ')')
	if open < 0 || end < open {
		return "", 0, errors.New("unexpected /proc/PID/stat")
	}
	f := strings.Fields(stat[end+1:])
	if len(f) < 13 {
		return "", 0, errors.New("unexpected /proc/PID/stat")
	}
	var ticks int64
	for _, v := range f[11:13] { // utime, stime (fields 14 and 15), in clock ticks
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", 0, err
		}
		ticks += n
	}
	return stat[open+1 : end], time.Duration(ticks) * time.Second / clockTicks, nil
}
