package httpx

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"simdesk/model"
)

// envelope covers the error shapes the providers use: Orange's flat
// {"code","message","description"}, LLA's {"errors":[…]} and TM Forum's
// {"code","reason","message","status"} (reason required, message optional).
type envelope struct {
	Code        json.RawMessage `json:"code"`
	Reason      string          `json:"reason"`
	Message     string          `json:"message"`
	Description string          `json:"description"`
	Error       json.RawMessage `json:"error"`
	ErrorDesc   string          `json:"error_description"`
	Errors      []struct {
		Code        json.RawMessage `json:"code"`
		Message     string          `json:"message"`
		Description string          `json:"description"`
	} `json:"errors"`
}

// The lenient patterns compile on first use: most runs never see a broken
// error body, and compiling them costs milliseconds at every start.
var (
	// A string value ends at its closing quote or, when the body forgot it
	// (the seeds' 405), at the end of its line.
	reMessage = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"message"\s*:\s*"([^"\\\n]*)("?)`) })
	reDesc    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`"description"\s*:\s*"([^"\\\n]*)("?)`) })
	reTitle   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)<title>\s*([^<]*)</title>`) })
)

// DecodeError turns a non-2xx answer into a typed error with the clearest
// message the body offers: a JSON envelope, a lenient read of broken JSON (the
// seeds' own 405 example is not valid JSON), an HTML page title, or the status.
func DecodeError(status int, contentType string, body []byte) *model.Error {
	e := &model.Error{Kind: model.KindForStatus(status), Status: status}
	msg, desc := "", ""
	var env envelope
	trimmed := strings.TrimSpace(string(body))
	if strings.HasPrefix(trimmed, "[") {
		var arr []envelope
		if json.Unmarshal(body, &arr) == nil && len(arr) > 0 {
			env = arr[0]
		}
	} else if json.Unmarshal(body, &env) == nil {
		// decoded below
	} else if m := reMessage().FindStringSubmatch(trimmed); m != nil {
		env.Message = lenientValue(m)
		if d := reDesc().FindStringSubmatch(trimmed); d != nil {
			env.Description = lenientValue(d)
		}
	}
	if len(env.Errors) > 0 {
		msg, desc = env.Errors[0].Message, env.Errors[0].Description
	} else {
		msg, desc = env.Message, env.Description
		if env.Reason != "" && desc == "" {
			// TMF: the reason is the short title, the message its detail.
			msg, desc = env.Reason, env.Message
		}
		if msg == "" && env.ErrorDesc != "" {
			msg = env.ErrorDesc
		}
		if msg == "" && len(env.Error) > 0 {
			var s string
			if json.Unmarshal(env.Error, &s) == nil {
				msg = s
			}
		}
	}
	// Blank or control-only texts say nothing: treat them as absent.
	msg, desc = model.OneLine(msg, 240), model.OneLine(desc, 240)
	switch {
	case msg != "" && desc != "" && !strings.EqualFold(msg, desc):
		e.Message = desc + " (" + msg + ")"
		if looksGeneric(desc) {
			e.Message = msg
		}
	case desc != "":
		e.Message = desc
	case msg != "":
		e.Message = msg
	default:
		if m := reTitle().FindStringSubmatch(trimmed); m != nil && model.OneLine(m[1], 240) != "" {
			e.Message = "HTML error page: " + model.OneLine(m[1], 240)
		} else if trimmed == "" {
			e.Message = fmt.Sprintf("HTTP %d with an empty body", status)
		} else if strings.Contains(strings.ToLower(contentType), "html") || strings.HasPrefix(trimmed, "<") {
			e.Message = fmt.Sprintf("HTTP %d with an HTML page instead of JSON", status)
		} else {
			e.Message = fmt.Sprintf("HTTP %d: %s", status, model.OneLine(trimmed, 240))
		}
	}
	return e
}

// lenientValue is a string value read from broken JSON: without its closing
// quote, the closing brackets and commas of the structure around it are not
// part of the text.
func lenientValue(m []string) string {
	if m[2] == `"` {
		return m[1]
	}
	return strings.TrimRight(m[1], " \t\r}],")
}

// looksGeneric spots descriptions that say less than the message (the seeds'
// 400 says "too many requests" for a malformed request).
func looksGeneric(s string) bool {
	return s == "error description"
}

// CodeString renders a JSON code (number or string) as text.
func CodeString(raw json.RawMessage) string {
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strconv.Quote(string(raw))
}
