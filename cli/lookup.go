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
		writeLookupText(env.Stdout, id, results, s.cfg.MaskIdentifiers)
	}
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintln(env.Stderr, "simdesk: "+oneLine(r.Err.Error()))
		}
	}
	return lookupExit(results)
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
	for k := range l.Buckets {
		if k > 0 {
			bw.WriteByte(',')
		}
		b, _ := marshal(&l.Buckets[k], inner)
		bw.WriteString("\n" + inner)
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

// reopen drops an object's closing brace (and the line break before it) so
// that more members can be appended.
func reopen(b []byte) []byte {
	return bytes.TrimRight(bytes.TrimSuffix(b, []byte("}")), " \n")
}

func writeLookupText(w io.Writer, id model.Identifier, results []engine.Result, mask bool) {
	show := func(s string) string {
		if mask {
			return model.Mask(s)
		}
		return s
	}
	fmt.Fprintf(w, "%s %s\n", id.Type.Label(), show(id.String()))
	for _, r := range results {
		fmt.Fprintf(w, "\n== %s (%s) · %d ms\n", r.Provider, r.Kind, r.Elapsed.Milliseconds())
		if r.Err != nil {
			fmt.Fprintf(w, "   %s: %s", r.Err.Kind.Describe(), r.Err.Message)
			if r.Err.CorrelationID != "" {
				fmt.Fprintf(w, " [correlation %s]", r.Err.CorrelationID)
			}
			fmt.Fprintln(w)
			continue
		}
		for _, l := range r.Lines {
			var head []string
			head = append(head, l.Type.Label()+" "+show(l.ID))
			for _, s := range []string{l.Payment, l.Status, l.Supplier} {
				if s != "" {
					head = append(head, s)
				}
			}
			if l.TransactionID != "" {
				head = append(head, "transaction "+l.TransactionID)
			}
			if !l.AsOf.IsZero() {
				head = append(head, "as of "+l.AsOf.UTC().Format("2006-01-02 15:04 MST"))
			}
			fmt.Fprintln(w, "   "+strings.Join(head, " · "))
			if !l.BillingCycle.Start.IsZero() {
				fmt.Fprintf(w, "   billing cycle %s → %s\n", day(l.BillingCycle.Start), day(l.BillingCycle.End))
			}
			fmt.Fprintf(w, "   %-36s %-6s %16s  %-16s %5s\n", "BUCKET", "USAGE", "REMAINING", "VALID TO", "DAYS")
			for _, b := range l.Buckets {
				days := ""
				if b.DaysLeft != nil {
					days = fmt.Sprint(*b.DaysLeft)
				}
				fmt.Fprintf(w, "   %-36s %-6s %16s  %-16s %5s\n", clipRunes(b.Name, 36), b.Usage, b.Remaining.Human(), validTo(b.ValidTo), days)
			}
		}
	}
}

func day(t model.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02")
}

func validTo(t model.Time) string {
	switch {
	case t.IsZero():
		return "—"
	case t.Far():
		return "never"
	}
	return t.Format("2006-01-02 15:04")
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
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
