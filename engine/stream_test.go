package engine

import (
	"context"
	"strings"
	"testing"

	"simdesk/model"
	"simdesk/providers"
)

// streamer is a provider that streams its buckets to the sink LookupStream
// is given (as tmf677 does), and echoes a secret in them.
type streamer struct {
	fake
	buckets []model.Bucket
}

func (s *streamer) Lookup(ctx context.Context, id model.Identifier) ([]model.Line, error) {
	return s.LookupStream(ctx, id, nil)
}

func (s *streamer) LookupStream(ctx context.Context, id model.Identifier, sink providers.Sink) ([]model.Line, error) {
	l := model.Line{Type: id.Type, ID: id.Value, Status: "active with s3cr3t"}
	if sink == nil {
		l.Buckets = append([]model.Bucket(nil), s.buckets...)
		return []model.Line{l}, nil
	}
	for i := range s.buckets {
		b := s.buckets[i]
		sink.Bucket(0, &b)
		b.Name = "reused by the provider" // the sink must have copied it
	}
	sink.Line(0, &l)
	return []model.Line{l}, nil
}

type collect struct {
	buckets []model.Bucket
	lines   []model.Line
}

func (c *collect) Bucket(_ int, b *model.Bucket) { c.buckets = append(c.buckets, *b) }
func (c *collect) Line(_ int, l *model.Line)     { c.lines = append(c.lines, *l) }

type secretRedactor struct{}

func (secretRedactor) Redact(s string) string { return strings.ReplaceAll(s, "s3cr3t", "[redacted]") }

// TestStreamedLookupIsRedactedAtTheBoundary: a streamed answer's buckets
// reach the caller's sink redacted, one by one, like a whole answer's.
func TestStreamedLookupIsRedactedAtTheBoundary(t *testing.T) {
	p := &streamer{fake: fake{name: "st"}}
	for _, n := range []string{"Data s3cr3t", "Voice", "SMS s3cr3t s3cr3t"} {
		p.buckets = append(p.buckets, model.Bucket{ID: n, Name: n, Attributes: model.Attrs{{Name: "note", Value: n}}})
	}
	e := New(Options{Operator: "alice", Environment: "demo", Redactor: secretRedactor{}}, Registered{Provider: p})
	var c collect
	res := e.LookupOneStream(context.Background(), "st", msisdn("0611111111"), &c)
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	if len(c.buckets) != 3 || len(c.lines) != 1 {
		t.Fatalf("sink got %d buckets, %d lines", len(c.buckets), len(c.lines))
	}
	for _, b := range c.buckets {
		for _, s := range []string{b.ID, b.Name, b.Attributes[0].Value} {
			if strings.Contains(s, "s3cr3t") || strings.Contains(s, "reused") {
				t.Errorf("streamed bucket field %q", s)
			}
		}
	}
	if c.buckets[2].Name != "SMS [redacted] [redacted]" {
		t.Errorf("bucket name %q", c.buckets[2].Name)
	}
	if c.lines[0].Status != "active with [redacted]" || res.Lines[0].Status != "active with [redacted]" {
		t.Errorf("line status %q / %q", c.lines[0].Status, res.Lines[0].Status)
	}
	// Without a sink the same answer comes whole, redacted the same way.
	res = e.LookupOne(context.Background(), "st", msisdn("0611111111"))
	if got := res.Lines[0].Buckets[2].Name; got != "SMS [redacted] [redacted]" {
		t.Errorf("whole answer bucket name %q", got)
	}
}
