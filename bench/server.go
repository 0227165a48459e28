package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one running instance of the generated cmd/server.
type server struct {
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:PORT
	logPath string
	exited  chan struct{}
	waitErr error
}

// startServer starts the built server in a fresh working directory (where it keeps its dev
// secret) with the given DATABASE_URL, and waits for its "listening on" line.
func startServer(ctx context.Context, e *env, bin, databaseURL string) (*server, error) {
	wd, err := e.dir("run-")
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(wd, "server.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin)
	cmd.Dir = wd
	cmd.Env = append(os.Environ(),
		"ADDR=127.0.0.1:0",
		"APP_ENV=dev",
		"BASE_URL=http://localhost:4000",
		"DATABASE_URL="+databaseURL,
		// The load generator sends X-Forwarded-For with one address per login so that the
		// per-IP limit on auth POSTs (20 a minute) models many clients, not one.
		"TRUSTED_PROXIES=127.0.0.1/32",
	)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	s := &server{cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	e.onClose(s.stop)

	ready := make(chan string, 1)
	go func() {
		// Copy stdout to the log for as long as the server runs (the log mailer writes there),
		// and report the first "listening on" address.
		br := bufio.NewReaderSize(stdout, 64<<10)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				io.WriteString(logf, line)
				if _, rest, ok := strings.Cut(line, "listening on "); ok {
					select {
					case ready <- strings.TrimSpace(rest):
					default:
					}
				}
			}
			if err != nil {
				return
			}
		}
	}()
	go func() {
		s.waitErr = cmd.Wait()
		logf.Close()
		close(s.exited)
	}()

	timer := time.NewTimer(90 * time.Second)
	defer timer.Stop()
	select {
	case addr := <-ready:
		u, err := url.Parse(strings.Fields(addr)[0])
		if err != nil || u.Hostname() != "127.0.0.1" {
			s.stop()
			return nil, fmt.Errorf("server announced %q, want http://127.0.0.1:PORT", addr)
		}
		s.base = "http://" + u.Host
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("server exited before listening (%v); log tail:\n%s", s.waitErr, s.logTail(15))
	case <-timer.C:
		s.stop()
		return nil, fmt.Errorf("no \"listening on\" line within 90 s; log tail:\n%s", s.logTail(15))
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

func (s *server) pid() int { return s.cmd.Process.Pid }

func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM, waits up to 5 s for a graceful exit, then kills.
func (s *server) stop() {
	if !s.alive() {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return
	case <-time.After(5 * time.Second):
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
}

func (s *server) logTail(n int) string {
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		return err.Error()
	}
	return cmdResult{out: data}.tail(n)
}

// errorLines counts log lines that look like errors or SQLite lock trouble.
func (s *server) errorLines() (errs, busy int, sample string) {
	data, err := os.ReadFile(s.logPath)
	if err != nil {
		return 0, 0, ""
	}
	for _, l := range strings.Split(string(data), "\n") {
		low := strings.ToLower(l)
		if strings.Contains(low, "sqlite_busy") || strings.Contains(low, "database is locked") {
			busy++
		}
		if strings.Contains(low, "level=error") || strings.Contains(low, "panic") {
			errs++
			if sample == "" {
				sample = l
			}
		}
	}
	return errs, busy, sample
}

// cpuTime is the CPU time (user and system) the server process has used, from
// /proc/PID/stat.
func (s *server) cpuTime() (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid()))
	if err != nil {
		return 0, err
	}
	_, cpu, err := parseStat(string(data))
	return cpu, err
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on every Linux platform Go
// supports.
const clockTicks = 100

// harnessCPU is the CPU time this process (the load generator) has used.
func harnessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// RSS from /proc/PID/status, in KiB.

func (s *server) rssKB() (int64, error) {
	return procField(fmt.Sprintf("/proc/%d/status", s.pid()), "VmRSS")
}

func (s *server) hwmKB() (int64, error) {
	return procField(fmt.Sprintf("/proc/%d/status", s.pid()), "VmHWM")
}

// resetHWM resets the peak-RSS counter (VmHWM) of the process (Linux clear_refs value 5).
func (s *server) resetHWM() error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.pid()), []byte("5"), 0)
}

// procField reads a "Name:   123 kB" line of a /proc file.
func procField(path, name string) (int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok || k != name {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			break
		}
		return strconv.ParseInt(f[0], 10, 64)
	}
	return 0, errors.New(name + " not found in " + path)
}
