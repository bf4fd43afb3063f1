package sim

import (
	"net/http"
	"strconv"
)

// reply is an answer built in memory, so that the state change behind it is
// committed before the latency wait and nothing is half-written when the
// client goes away. It implements http.ResponseWriter for convenience.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (r *reply) Header() http.Header { return r.header }

func (r *reply) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body = append(r.body, b...)
	return len(b), nil
}

func (r *reply) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

// raw sets the whole answer; b is kept, not copied (the cached big lines are
// megabytes and must not be copied on every request).
func (r *reply) raw(status int, contentType string, b []byte) {
	r.status = status
	r.header.Set("Content-Type", contentType)
	r.body = b
}

// json encodes v with the indentation the seeds use.
func (r *reply) json(status int, v any) {
	b, err := encodeJSON(v, true, 0)
	if err != nil {
		// Every value the simulator encodes is made of plain types; this
		// branch is unreachable but must still answer something valid.
		status, b = http.StatusInternalServerError, []byte(`{"code":"500","message":"encoding failed"}`)
	}
	r.raw(status, "application/json", b)
}

func (r *reply) flush(w http.ResponseWriter) {
	h := w.Header()
	for k, v := range r.header {
		h[k] = v
	}
	h.Set("Content-Length", strconv.Itoa(len(r.body)))
	if r.status == 0 {
		r.status = http.StatusOK
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}
