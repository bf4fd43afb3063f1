package tmf677

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"simdesk/model"
	"simdesk/providers"
)

// Hint is what the caller knows that the body may not say: the identifier
// that was searched (the line's id and type), the line of business the cvp
// API was asked for (the LCPR dialect carries no payment type of its own),
// and the time to report when the body carries no date.
type Hint struct {
	ID   model.Identifier
	Lob  string
	AsOf time.Time // fallback for as_of

	sink providers.Sink // set by LookupStream (providers.Streamer)
	size int64          // the body's announced size (Content-Length), 0 when unknown
}

// The dialect names put in model.Line.Dialect, so that an operator (and a
// bug report) can tell which backend shape a line was read from.
const (
	DialectMatrixx   = "matrixx"   // dxp-ux PR: Matrixx usageConsumptionReport
	DialectLCPR      = "lcpr"      // cisco-cvp-ux PR
	DialectLiberate  = "liberate"  // cisco-cvp-ux CWC Liberate
	DialectCerillion = "cerillion" // cisco-cvp-ux CWC/BTC Cerillion
	DialectLimeware  = "limeware"  // cisco-cvp-ux CWC Limeware
	DialectEricsson  = "ericsson"  // cisco-cvp-ux BTC Ericsson
	DialectTMF677    = "tmf677"    // a TMF677 shape none of the above
)

// Decode reads every usage consumption dialect of the dxp-ux and cisco-cvp-ux
// APIs into lines, one per report. It is total: any input yields lines or a
// *model.Error, never a panic. The error is bad_response for a body that is
// not a report (HTML, truncated or malformed JSON, no report at all);
// not_found for an empty list `[]`, which is how these APIs say "no such
// line"; and, for an LLA error envelope {"errors":[…]} sent with a 2xx
// status, the kind its code names.
func Decode(body []byte, hint Hint) (lines []model.Line, err error) {
	defer func() {
		// A safety net for the console: a decoder bug must cost one pane its
		// answer, not the whole program. FuzzDecode calls decode directly so
		// that such a bug is still found.
		if p := recover(); p != nil {
			lines, err = nil, badResponse(fmt.Sprintf("internal decoder error: %v", p))
		}
	}()
	return decode(body, hint)
}

// DecodeReader is Decode over a response body, read through a 64 KiB window
// one bucket at a time: neither the body nor a token tree is ever held, so
// memory follows the buckets kept, not the bytes sent. A read error is
// returned as it is (not as bad_response), so the HTTP layer can tell a lost
// connection or an oversized body from a malformed one.
func DecodeReader(rd io.Reader, hint Hint) (lines []model.Line, err error) {
	defer func() {
		if p := recover(); p != nil {
			lines, err = nil, badResponse(fmt.Sprintf("internal decoder error: %v", p))
		}
	}()
	pf := newPrefetcher(rd)
	defer pf.stop() // before the recover above: the body is the caller's again
	r := newReader(newStreamScanner(pf), hint)
	lines, err = decodeFrom(r, hint)
	if r.rerr != nil {
		return nil, r.rerr
	}
	return lines, err
}

func badResponse(msg string) *model.Error {
	return &model.Error{Kind: model.ErrBadResponse, Message: msg}
}

// reTitle finds an HTML error page's title. Compiled when first used (an
// HTML answer is rare): its {0,120} unrolls into a program whose
// compilation was most of this package's start-up cost, paid by every
// command of the process (issue 18).
var reTitle = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<title[^>]*>\s*([^<]{0,120})`) })

func decode(body []byte, hint Hint) ([]model.Line, error) {
	hint.size = int64(len(body)) // the body is here: its size is known
	return decodeFrom(newReader(scanner{b: body}, hint), hint)
}

func decodeFrom(r *reader, hint Hint) ([]model.Line, error) {
	r.atLeast(3)
	if bytes.HasPrefix(r.b[r.i:], []byte("\xef\xbb\xbf")) {
		r.i += 3
	}
	switch c := r.peek(); c {
	case 0:
		if r.rerr != nil {
			return nil, r.rerr
		}
		return nil, badResponse("empty answer where a usage consumption report was expected")
	case '<':
		r.atLeast(4096)
		head := r.b[r.i:min(len(r.b), r.i+4096)]
		if m := reTitle().FindSubmatch(head); m != nil && len(bytes.TrimSpace(m[1])) > 0 {
			// The title is the provider's bytes: any encoding, or none
			// (the fuzzer sent "<title>\x87"); the message must be UTF-8.
			return nil, badResponse("HTML page instead of JSON: " + model.OneLine(strings.ToValidUTF8(string(m[1]), "\uFFFD"), 240))
		}
		return nil, badResponse("HTML page instead of JSON")
	case '[', '{':
	default:
		return nil, badResponse("expected a JSON list of usage consumption reports, found " + quoteByte(c))
	}
	emptyList := r.top()
	if r.err == nil && r.ws() {
		r.fail("unexpected data after the JSON value")
	}
	if r.rerr != nil {
		return nil, r.rerr
	}
	if se, ok := r.err.(*syntaxError); ok && se.limit {
		return nil, badResponse("answer refused: " + se.msg)
	}
	if r.err != nil {
		return nil, badResponse("malformed JSON: " + r.err.Error())
	}
	if emptyList {
		return nil, &model.Error{Kind: model.ErrNotFound, Message: notFoundMessage(hint)}
	}
	if len(r.lines) == 0 {
		if r.envelope != nil {
			return nil, envelopeError(r.envelope)
		}
		return nil, badResponse("no usage consumption report in the answer")
	}
	return r.lines, nil
}

func notFoundMessage(h Hint) string {
	if h.ID.Value == "" {
		return "no usage consumption report (empty list)"
	}
	return "no usage consumption report for " + h.ID.Label()
}

// envelopeError reads an {"errors":[…]} body sent with a success status.
func envelopeError(rep *rawReport) *model.Error {
	e := rep.err
	kind := model.ErrBadResponse
	code, _ := strconv.Atoi(strings.TrimSpace(e.code))
	if code >= 400 && code <= 599 {
		kind = model.KindForStatus(code)
	} else {
		code = 0
	}
	msg := strings.TrimSpace(e.description)
	switch m := strings.TrimSpace(e.message); {
	case msg == "":
		msg = m
	case m != "" && !strings.EqualFold(m, msg):
		msg += " (" + m + ")"
	}
	if msg == "" {
		msg = "error envelope without a message"
	}
	return &model.Error{Kind: kind, Status: code, Message: model.OneLine("provider error in a success answer: "+msg, 240)}
}
