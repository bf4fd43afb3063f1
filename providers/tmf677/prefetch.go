package tmf677

import "io"

// prefetcher reads a response body on a goroutine of its own, up to
// prefetchChunks chunks ahead of the decoder: the socket reads (a tenth of
// the decoder's goroutine on a big answer, the syscalls and net/http's
// body bookkeeping) overlap the decoding instead of interrupting it. The
// bytes, their order and the error at the end are the body's.
//
// The goroutine starts with the first Read and is always ended by stop
// before DecodeReader returns, so nothing reads the body once the HTTP
// client has it back (it drains and closes it, and reads the size limit's
// state).
type prefetcher struct {
	rd      io.Reader
	started bool
	full    chan []byte // filled chunks, in order; closed after the last
	free    chan []byte // chunks handed back for reuse
	quit    chan struct{}
	done    chan struct{}
	n       int    // chunks allocated (at most prefetchChunks)
	big     bool   // a read filled its chunk: the small first one is replaced
	err     error  // the body's final error (nil at io.EOF); read after full is closed
	cur     []byte // what is left of the chunk being handed out
	last    []byte // that chunk, to hand back once read
}

// Chunk sizes: the scanner's window is 64 KiB; four chunks in flight are
// 256 KiB at most, allocated only as the body outruns the decoder.
const (
	firstChunk     = 8 << 10
	prefetchChunk  = 64 << 10
	prefetchChunks = 4
)

func newPrefetcher(rd io.Reader) *prefetcher {
	return &prefetcher{rd: rd}
}

// Read hands out the prefetched bytes in order, then the body's error
// (io.EOF at its end).
func (p *prefetcher) Read(b []byte) (int, error) {
	if !p.started {
		p.started = true
		p.full = make(chan []byte, prefetchChunks)
		p.free = make(chan []byte, prefetchChunks)
		p.quit = make(chan struct{})
		p.done = make(chan struct{})
		go p.run()
	}
	for len(p.cur) == 0 {
		if p.last != nil {
			p.free <- p.last[:0] // never blocks: free holds every chunk
			p.last = nil
		}
		c, ok := <-p.full
		if !ok {
			if p.err != nil {
				return 0, p.err
			}
			return 0, io.EOF
		}
		p.cur, p.last = c, c
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// run is the reading goroutine.
func (p *prefetcher) run() {
	defer close(p.done)
	defer close(p.full)
	empty := 0
	for {
		var c []byte
		select {
		case c = <-p.free:
		case <-p.quit:
			return
		default:
			if p.n < prefetchChunks {
				// The first chunk is small: most answers are a few KiB.
				size := prefetchChunk
				if p.n == 0 {
					size = firstChunk
				}
				p.n++
				c = make([]byte, 0, size)
				break
			}
			select {
			case c = <-p.free:
			case <-p.quit:
				return
			}
		}
		if cap(c) < prefetchChunk && p.big {
			c = make([]byte, 0, prefetchChunk)
		}
		n, err := p.rd.Read(c[:cap(c)])
		if n == cap(c) {
			p.big = true // the answer is not small: full-size chunks from now on
		}
		if n == 0 && err == nil {
			// A reader may return 0, nil; not for ever (as io.Reader
			// callers are told to allow).
			if empty++; empty >= 100 {
				p.err = io.ErrNoProgress
				return
			}
			p.free <- c
			continue
		}
		empty = 0
		if n > 0 {
			select {
			case p.full <- c[:n]:
			case <-p.quit:
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				p.err = err
			}
			return
		}
	}
}

// stop ends the reading goroutine and waits for it (it may be inside one
// Read of the body, which returns as the transfer goes on, fails, or the
// request's context ends). Calling it more than once, or before any Read,
// is harmless.
func (p *prefetcher) stop() {
	if !p.started || p.quit == nil {
		return
	}
	close(p.quit)
	<-p.done
	p.quit = nil
}
