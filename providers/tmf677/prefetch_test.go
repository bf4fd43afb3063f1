package tmf677

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
)

// TestPrefetcherIsTheBody: through the prefetcher, a body reads as the
// same bytes and ends with the same error, however its reads are cut.
func TestPrefetcherIsTheBody(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	body := make([]byte, 5*prefetchChunk+123)
	for i := range body {
		body[i] = byte(rng.IntN(256))
	}
	boom := errors.New("connection reset by peer")
	for name, mk := range map[string]func() io.Reader{
		"whole":    func() io.Reader { return bytes.NewReader(body) },
		"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(body[:3000])) },
		"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(body)) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(body)) },
		"error":    func() io.Reader { return io.MultiReader(bytes.NewReader(body[:70000]), iotest.ErrReader(boom)) },
	} {
		want, wantErr := io.ReadAll(mk())
		p := newPrefetcher(mk())
		var got []byte
		buf := make([]byte, 1+rng.IntN(100000))
		var err error
		for {
			var n int
			n, err = p.Read(buf[:1+rng.IntN(len(buf))])
			got = append(got, buf[:n]...)
			if err != nil {
				break
			}
		}
		p.stop()
		p.stop()
		if !bytes.Equal(got, want) {
			t.Fatalf("%s: %d bytes, want %d", name, len(got), len(want))
		}
		if wantErr == nil && err != io.EOF || wantErr != nil && !errors.Is(err, boom) {
			t.Fatalf("%s: error %v, want %v", name, err, wantErr)
		}
	}
	// A reader that never makes progress is reported, not waited on.
	p := newPrefetcher(zeroReader{})
	if _, err := p.Read(make([]byte, 10)); err != io.ErrNoProgress {
		t.Fatalf("zero reads: %v", err)
	}
	p.stop()
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// countingReader counts the reads in progress and done.
type countingReader struct {
	r            io.Reader
	active, done atomic.Int32
}

func (c *countingReader) Read(b []byte) (int, error) {
	c.active.Add(1)
	defer c.active.Add(-1)
	defer c.done.Add(1)
	return c.r.Read(b)
}

// TestPrefetcherStopWaitsForTheRead: stop returns only once the goroutine
// is out of the body's Read, and nothing reads the body after it (the HTTP
// client drains and closes it then).
func TestPrefetcherStopWaitsForTheRead(t *testing.T) {
	pr, pw := io.Pipe()
	cr := &countingReader{r: pr}
	p := newPrefetcher(cr)
	go pw.Write([]byte("[{"))
	if n, err := p.Read(make([]byte, 10)); n != 2 || err != nil {
		t.Fatalf("%d, %v", n, err)
	}
	stopped := make(chan struct{})
	go func() { p.stop(); close(stopped) }()
	select {
	case <-stopped:
		if cr.active.Load() != 0 {
			t.Fatal("stop returned while the body was being read")
		}
	case <-time.After(100 * time.Millisecond):
		// Blocked in Read on the pipe, as a body waits on the network:
		// the transfer going on lets it out.
		go pw.Write([]byte("more"))
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("stop did not return after the read")
		}
	}
	n := cr.done.Load()
	go pw.Write([]byte("even more"))
	time.Sleep(20 * time.Millisecond)
	if cr.done.Load() != n || cr.active.Load() != 0 {
		t.Fatal("the body was read after stop")
	}
	pw.Close()
}
