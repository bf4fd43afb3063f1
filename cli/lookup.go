package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"simdesk/engine"
	"simdesk/model"
)

type lookupJSON struct {
	Query   queryJSON    `json:"query"`
	Results []resultJSON `json:"results"`
}

type queryJSON struct {
	ID      string       `json:"id"`
	Type    model.IDType `json:"type"`
	Account string       `json:"account,omitempty"`
}

type resultJSON struct {
	Provider  string       `json:"provider"`
	Kind      string       `json:"kind"`
	Error     *model.Error `json:"error"`
	Lines     []model.Line `json:"lines"`
	ElapsedMS int64        `json:"elapsed_ms"`
}

func runLookup(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("lookup", flag.ContinueOnError)
	var c common
	c.register(fs, true)
	provider := fs.String("provider", "", "ask only this provider")
	typ := fs.String("type", "", "identifier type: msisdn, sim, subscription, transaction")
	account := fs.String("account", "", "billing account (relatedParty.id)")
	pos, err := start(fs, &c, args)
	if err != nil {
		return fail(env, err)
	}
	if len(pos) != 1 {
		return fail(env, usageErr("lookup needs exactly one identifier (got %d)", len(pos)))
	}
	t, err := model.ParseIDType(*typ)
	if err != nil {
		return fail(env, err)
	}
	id, err := model.ParseIdentifier(pos[0], t, *account)
	if err != nil {
		return fail(env, err)
	}
	s, err := open(env, c)
	if err != nil {
		return failConfig(env, err)
	}
	defer s.Close()
	results, err := s.engine.Lookup(ctx, id, *provider)
	if err != nil {
		return fail(env, err)
	}
	if c.format == "json" {
		writeLookupJSON(env.Stdout, id, results)
	} else {
		writeLookupText(env.Stdout, id, results, s.cfg.MaskIdentifiers, time.Now())
	}
	code := lookupExit(results)
	for _, r := range results {
		// A provider that does not know the line is no error when another
		// one found it; every other failure is worth a line.
		if r.Err != nil && (r.Err.Kind != model.ErrNotFound || code != ExitOK) {
			fmt.Fprintln(env.Stderr, "simdesk: "+oneLine(r.Err.Error()))
		}
	}
	return code
}

// lookupExit: 0 when one provider found the line, 3 when every one said not
// found, else 4.
func lookupExit(results []engine.Result) int {
	allNotFound := true
	for _, r := range results {
		if r.Err == nil && len(r.Lines) > 0 {
			return ExitOK
		}
		if r.Err == nil || r.Err.Kind != model.ErrNotFound {
			allNotFound = false
		}
	}
	if allNotFound {
		return ExitNotFound
	}
	return ExitProvider
}

// writeLookupJSON streams the contract's JSON: each bucket is encoded on its
// own, so a 10,000-bucket line never sits in memory twice as one document.
func writeLookupJSON(w io.Writer, id model.Identifier, results []engine.Result) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	q, _ := json.MarshalIndent(queryJSON{ID: id.Value, Type: id.Type, Account: id.Account}, "  ", "  ")
	bw.WriteString("{\n  \"query\": ")
	bw.Write(q)
	bw.WriteString(",\n  \"results\": [")
	for i, r := range results {
		if i > 0 {
			bw.WriteByte(',')
		}
		head, _ := marshal(resultHead{Provider: r.Provider, Kind: r.Kind, Error: r.Err, ElapsedMS: r.Elapsed.Milliseconds()}, "    ")
		bw.WriteString("\n    ")
		bw.Write(reopen(head))
		bw.WriteString(",\n      \"lines\": [")
		for j := range r.Lines {
			if j > 0 {
				bw.WriteByte(',')
			}
			writeLine(bw, &r.Lines[j], "        ")
		}
		if len(r.Lines) > 0 {
			bw.WriteString("\n      ")
		}
		bw.WriteString("]\n    }")
	}
	if len(results) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}

// resultHead is a result without its lines, which are streamed after it.
type resultHead struct {
	Provider  string       `json:"provider"`
	Kind      string       `json:"kind"`
	Error     *model.Error `json:"error"`
	ElapsedMS int64        `json:"elapsed_ms"`
}

// lineHead is a line without its buckets: the shallower "buckets" field,
// nil and omitted, hides the embedded one.
type lineHead struct {
	*model.Line
	Buckets *struct{} `json:"buckets,omitempty"`
}

func writeLine(bw *bufio.Writer, l *model.Line, prefix string) {
	head, _ := marshal(lineHead{Line: l}, prefix)
	bw.WriteString("\n" + prefix)
	bw.Write(reopen(head))
	bw.WriteString(",\n" + prefix + "  \"buckets\": [")
	inner := prefix + "    "
	sep := "\n" + inner
	enc := newIndenter(inner)
	for k := range l.Buckets {
		if k > 0 {
			bw.WriteByte(',')
		}
		b, _ := enc.marshal(&l.Buckets[k])
		bw.WriteString(sep)
		bw.Write(b)
	}
	if len(l.Buckets) > 0 {
		bw.WriteString("\n" + prefix + "  ")
	}
	bw.WriteString("]\n" + prefix + "}")
}

// marshal is MarshalIndent without HTML escaping (names like "A&B" stay
// readable) and without the trailing newline.
func marshal(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// indenter is marshal with one encoder and one buffer reused for every
// value: streaming 10,000 buckets then allocates no buffer, indent copy or
// encoder per bucket (which had doubled the garbage, the GC work and the
// peak RSS of a big lookup).
type indenter struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newIndenter(prefix string) *indenter {
	in := &indenter{}
	in.enc = json.NewEncoder(&in.buf)
	in.enc.SetEscapeHTML(false)
	in.enc.SetIndent(prefix, "  ")
	return in
}

// marshal returns v's JSON, valid until the next call.
func (in *indenter) marshal(v any) ([]byte, error) {
	in.buf.Reset()
	if err := in.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(in.buf.Bytes(), "\n"), nil
}

// reopen drops an object's closing brace (and the line break before it) so
// that more members can be appended.
func reopen(b []byte) []byte {
	return bytes.TrimRight(bytes.TrimSuffix(b, []byte("}")), " \n")
}

// failConfig prints config problems one per line (each FILE:LINE: KEY: msg).
func failConfig(env Env, err error) int {
	if ce, ok := err.(*configError); ok {
		for _, l := range strings.Split(strings.TrimSpace(ce.Error()), "\n") {
			fmt.Fprintln(env.Stderr, "simdesk: "+strings.TrimSpace(l))
		}
		return ExitUsage
	}
	return fail(env, err)
}
