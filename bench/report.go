package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// verdicts of a figure against its SPEC §7 target.
const (
	vMet         = "met"
	vNotMet      = "NOT MET"
	vReported    = "reported"
	vNotMeasured = "NOT MEASURED"
	vBusy        = "machine busy: rerun"
)

// busyShare is the share of the cores that other work may use, measured while the harness is
// idle, before a section's figures are judged "machine busy: rerun" instead of met or not.
const busyShare = 0.25

type figure struct {
	tag, name, value, target, verdict string
}

// report prints each figure as soon as it is measured and a summary of the targets at the end.
type report struct {
	w    io.Writer
	tag  string
	figs []figure
	// busy says why the current section's figures cannot be judged (other work on the
	// cores, runs that disagree); empty while the machine looks quiet. begin resets it.
	busy string
}

func newReport(w io.Writer) *report { return &report{w: w} }

func (r *report) header() {
	fmt.Fprintf(r.w, "sigra-install benchmark — %s\n", time.Now().Format("2006-01-02 15:04:05 MST"))
	fmt.Fprintf(r.w, "machine: %s/%s, %d cores (GOMAXPROCS %d), %s, %s\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), cpuModel(), memTotal())
	fmt.Fprintf(r.w, "go: %s\n", runtime.Version())
}

// background prints how busy the cores are while the harness itself is idle (1 s sample of
// /proc/stat) and the load average: other work on the same cores skews every figure, so a
// busy sample marks the section's figures "machine busy: rerun".
func (r *report) background(when string) {
	busy, err := backgroundCPU(time.Second)
	if err != nil {
		return
	}
	note := ""
	if busy > busyShare {
		note = " — other work is running on these cores: this section's targets are not judged"
		r.markBusy(fmt.Sprintf("%.0f%% of the cores were busy with other work %s", 100*busy, when))
	}
	fmt.Fprintf(r.w, "background CPU use %s: %.0f%% of %d cores, load average %s%s\n", when, 100*busy, runtime.NumCPU(), loadAverage(), note)
}

// markBusy records why the current section's figures cannot be judged; the first reason
// stays.
func (r *report) markBusy(reason string) {
	if r.busy == "" {
		r.busy = reason
	}
}

// loadAverage is the 1, 5 and 15 minute load average of /proc/loadavg.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// backgroundCPU is the busy fraction of all cores over d, from /proc/stat.
func backgroundCPU(d time.Duration) (float64, error) {
	read := func() (idle, total float64, err error) {
		data, err := os.ReadFile("/proc/stat")
		if err != nil {
			return 0, 0, err
		}
		line, _, _ := strings.Cut(string(data), "\n")
		f := strings.Fields(line)
		if len(f) < 5 || f[0] != "cpu" {
			return 0, 0, fmt.Errorf("unexpected /proc/stat")
		}
		for i, v := range f[1:] {
			x, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return 0, 0, err
			}
			total += x
			if i == 3 || i == 4 { // idle, iowait
				idle += x
			}
		}
		return idle, total, nil
	}
	i0, t0, err := read()
	if err != nil {
		return 0, err
	}
	time.Sleep(d)
	i1, t1, err := read()
	if err != nil || t1 == t0 {
		return 0, fmt.Errorf("no /proc/stat sample")
	}
	return 1 - (i1-i0)/(t1-t0), nil
}

// begin starts a section (tag names it in the summary) and samples the background load
// before it.
func (r *report) begin(tag, title string) {
	r.tag = tag
	r.busy = ""
	fmt.Fprintf(r.w, "\n== %s ==\n", title)
	r.background("before this section")
}

// fig prints a figure that has no target.
func (r *report) fig(name, value string) {
	r.add(figure{name: name, value: value})
}

// target prints a figure beside its target and whether it is met, or "machine busy:
// rerun" when the section's measurements were disturbed (see markBusy): a figure taken on a
// busy machine says nothing about the target either way.
func (r *report) target(name, value, target string, met bool) {
	v := vNotMet
	if met {
		v = vMet
	}
	if r.busy != "" {
		v = vBusy
	}
	r.add(figure{name: name, value: value, target: target, verdict: v})
	if r.busy != "" {
		r.note("not judged: %s", r.busy)
	}
}

// check prints a figure beside its target whatever the background load: for figures that
// other work on the machine does not move (answers by status, peak memory).
func (r *report) check(name, value, target string, met bool) {
	v := vNotMet
	if met {
		v = vMet
	}
	r.add(figure{name: name, value: value, target: target, verdict: v})
}

// reported prints a figure that has a target which is reported, not gated.
func (r *report) reported(name, value, target string, met bool) {
	v := "reported: above target"
	if met {
		v = "reported: within target"
	}
	r.add(figure{name: name, value: value, target: target, verdict: v})
}

// missing records a figure that could not be measured, with the reason.
func (r *report) missing(name, target string, err error) {
	r.add(figure{name: name, value: "—", target: target, verdict: vNotMeasured})
	r.note("%s: %v", name, err)
}

func (r *report) add(f figure) {
	f.tag = r.tag
	r.figs = append(r.figs, f)
	line := fmt.Sprintf("  %-46s %-26s", f.name, f.value)
	if f.target != "" {
		line += fmt.Sprintf(" target %s: %s", f.target, f.verdict)
	} else if f.verdict != "" {
		line += " " + f.verdict
	}
	fmt.Fprintln(r.w, strings.TrimRight(line, " "))
}

// note prints indented free text (how a figure was taken, what went wrong).
func (r *report) note(format string, args ...any) {
	for _, l := range strings.Split(strings.TrimRight(fmt.Sprintf(format, args...), "\n"), "\n") {
		fmt.Fprintf(r.w, "    %s\n", l)
	}
}

// raw prints lines as they are, indented.
func (r *report) raw(text string) {
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fmt.Fprintf(r.w, "    %s\n", l)
	}
}

// summary lists every figure that has a target.
func (r *report) summary() {
	fmt.Fprintf(r.w, "\n== Summary against SPEC §7 ==\n")
	n, met, busy := 0, 0, 0
	for _, f := range r.figs {
		if f.target == "" {
			continue
		}
		n++
		switch {
		case f.verdict == vMet || strings.HasSuffix(f.verdict, "within target"):
			met++
		case f.verdict == vBusy:
			busy++
		}
		fmt.Fprintf(r.w, "  %-10s %-44s %-24s target %s: %s\n",
			f.tag, f.name, f.value, f.target, f.verdict)
	}
	fmt.Fprintf(r.w, "  %d of %d figures with a target are within it.\n", met, n)
	if busy > 0 {
		fmt.Fprintf(r.w, "  %d could not be judged (machine busy: rerun on a quiet machine).\n", busy)
	}
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "cpu unknown"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "cpu unknown"
}

func memTotal() string {
	kb, err := procField("/proc/meminfo", "MemTotal")
	if err != nil {
		return "memory unknown"
	}
	return fmt.Sprintf("%.1f GiB RAM", float64(kb)/(1<<20))
}

// Formatting helpers.

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	}
}

func mib(kb int64) string { return fmt.Sprintf("%.1f MiB", float64(kb)/1024) }

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func minDur(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds[1:] {
		m = min(m, d)
	}
	return m
}

func maxDur(ds []time.Duration) time.Duration {
	m := ds[0]
	for _, d := range ds[1:] {
		m = max(m, d)
	}
	return m
}

// statusLine renders status counts as "200×12 303×4 503×9 error×1" in code order.
func statusLine(counts map[int]int64) string {
	codes := make([]int, 0, len(counts))
	for c := range counts {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var b strings.Builder
	for _, c := range codes {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		switch {
		case c == statusError:
			fmt.Fprintf(&b, "error×%d", counts[c])
		case c < 0:
			fmt.Fprintf(&b, "%d-without-session×%d", -c, counts[c])
		default:
			fmt.Fprintf(&b, "%d×%d", c, counts[c])
		}
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}
