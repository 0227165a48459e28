package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// statusError stands for a request that got no HTTP answer (timeout, reset, refused).
const statusError = 0

// requestTimeout bounds every single request the harness sends.
const requestTimeout = 30 * time.Second

// maxRequests bounds one load run, whatever its duration.
const maxRequests = 5_000_000

// newClient returns a keep-alive client for up to conns parallel connections that never
// follows redirects and can only dial loopback addresses.
func newClient(conns int) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return nil, fmt.Errorf("bench: refusing to dial %s: loopback only", addr)
			}
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConns:          conns,
		MaxIdleConnsPerHost:   conns,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: requestTimeout,
		DisableCompression:    true,
		ForceAttemptHTTP2:     false,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   requestTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// loadResult is what one fixed-duration run measured.
type loadResult struct {
	n        int64 // requests answered with an expected status
	statuses map[int]int64
	firstErr error
	elapsed  time.Duration
	lat      []time.Duration // of every answered request, sorted
}

func (r loadResult) rps() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r loadResult) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(p*float64(len(r.lat))+0.5) - 1
	return r.lat[max(0, min(i, len(r.lat)-1))]
}

func (r loadResult) String() string {
	return fmt.Sprintf("%.0f req/s  p50 %s  p99 %s  (%d requests in %s; %s)",
		r.rps(), ms(r.pct(0.50)), ms(r.pct(0.99)), r.n, ms(r.elapsed), statusLine(r.statuses))
}

// loadGET drives GET path with `workers` keep-alive workers: first warm-up (not recorded),
// then `d` recorded. want is the status that counts as a served page.
func loadGET(ctx context.Context, c *http.Client, base, path, cookie string, want, workers int, warmup, d time.Duration) loadResult {
	// The requests go to the client's transport directly: http.Client's redirect and
	// timeout bookkeeping (a copy of the headers of each request among them, so more with a
	// Cookie header than without) costs the load generator CPU that the server, sharing the
	// cores with it, then lacks. The transport's response-header timeout and drive's
	// deadline bound each request instead.
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	do := func(ctx context.Context) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return statusError, err
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return statusError, err
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if warmup > 0 {
		drive(ctx, workers, warmup, func(ctx context.Context, _ int64) (int, error) { return do(ctx) }, nil)
	}
	return drive(ctx, workers, d, func(ctx context.Context, _ int64) (int, error) { return do(ctx) },
		func(code int) bool { return code == want })
}

// drive runs op from `workers` goroutines until d has passed (or maxRequests were sent) and
// collects statuses and latencies. ok decides which answers count; nil records nothing.
func drive(ctx context.Context, workers int, d time.Duration, op func(context.Context, int64) (int, error), ok func(int) bool) loadResult {
	ctx, cancel := context.WithTimeout(ctx, d+requestTimeout+5*time.Second)
	defer cancel()
	deadline := time.Now().Add(d)
	var (
		seq      atomic.Int64
		mu       sync.Mutex
		wg       sync.WaitGroup
		res      = loadResult{statuses: map[int]int64{}}
		firstErr error
	)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			counts := map[int]int64{}
			var good int64
			var werr error
			for time.Now().Before(deadline) && ctx.Err() == nil {
				i := seq.Add(1)
				if i > maxRequests {
					break
				}
				t0 := time.Now()
				code, err := op(ctx, i)
				el := time.Since(t0)
				counts[code]++
				if err != nil && werr == nil {
					werr = err
				}
				if ok != nil && ok(code) {
					good++
					lat = append(lat, el)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.n += good
			res.lat = append(res.lat, lat...)
			for k, v := range counts {
				res.statuses[k] += v
			}
			if firstErr == nil {
				firstErr = werr
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.firstErr = firstErr
	sort.Slice(res.lat, func(i, j int) bool { return res.lat[i] < res.lat[j] })
	return res
}

// merge adds up runs of the same load (rounds interleaved with another load).
func merge(rs ...loadResult) loadResult {
	out := loadResult{statuses: map[int]int64{}}
	for _, r := range rs {
		out.n += r.n
		out.elapsed += r.elapsed
		out.lat = append(out.lat, r.lat...)
		for k, v := range r.statuses {
			out.statuses[k] += v
		}
		if out.firstErr == nil {
			out.firstErr = r.firstErr
		}
	}
	sort.Slice(out.lat, func(i, j int) bool { return out.lat[i] < out.lat[j] })
	return out
}
