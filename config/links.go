package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Link is one [[links]] entry: a tool of the team (CRM, ticketing, the
// provider's portal) the console offers from a line, a bucket or a journal
// entry. Key picks it (after o), Name labels it, URL is its template.
type Link struct {
	Key  string
	Name string
	URL  string
}

// LinkPlaceholders are the values a link's URL may carry, as {name}.
var LinkPlaceholders = []string{"msisdn", "sim", "subscription", "account", "provider", "journal_id", "transaction"}

var linkKeys = []string{"key", "name", "url"}

// MaxLinkURL bounds an expanded link: it is written to the terminal in an
// OSC 8 hyperlink on every frame and in an OSC 52 copy, and terminals drop
// longer ones (VTE's limit is 2083 bytes). A longer one is not offered.
const MaxLinkURL = 2048

// maxLinks bounds the [[links]] list: each is a line of the links menu.
const maxLinks = 20

// links reads the optional [[links]] array of tables.
func (p *parser) links(top *table) []Link {
	raw, ok := top.m["links"]
	if !ok {
		return nil
	}
	list, ok := raw.([]map[string]any)
	if !ok {
		top.bad("links", "must be an array of tables: write each link as [[links]]")
		return nil
	}
	if len(list) > maxLinks {
		top.bad("links", "at most %d links, not %d", maxLinks, len(list))
		return nil
	}
	var out []Link
	seen := map[string]int{}
	for i, m := range list {
		t := &table{p: p, m: m, lines: map[string]int{}, fallback: top.line("links"), ctx: fmt.Sprintf(" (link #%d)", i+1)}
		t.unknown(linkKeys, nil)
		if l, ok := p.link(t, i, seen); ok {
			out = append(out, l)
		}
	}
	return out
}

func (p *parser) link(t *table, i int, seen map[string]int) (Link, bool) {
	var l Link
	ok := true
	key, has := t.str("key")
	r, size := utf8.DecodeRuneInString(key)
	switch {
	case !has:
		t.bad("key", "missing: the key that opens the link (after o)")
		ok = false
	case size != len(key) || r == utf8.RuneError || !unicode.IsPrint(r) || unicode.IsSpace(r):
		t.bad("key", "must be one printable character, not %q", clipValue(key))
		ok = false
	default:
		if first, dup := seen[key]; dup {
			t.bad("key", "%q is already the key of link #%d", key, first)
			ok = false
		}
		seen[key] = i + 1
		l.Key = key
	}
	name, has := t.str("name")
	if !has || strings.TrimSpace(name) == "" || len(name) > 40 || strings.IndexFunc(name, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		t.bad("name", "must be 1 to 40 printable characters")
		ok = false
	}
	l.Name = strings.TrimSpace(name)
	u, has := t.str("url")
	if !has {
		t.bad("url", "missing: the address, with placeholders such as {msisdn}")
		return l, false
	}
	if err := CheckLinkURL(u); err != nil {
		t.bad("url", "%v", err)
		return l, false
	}
	l.URL = u
	return l, ok
}

// linkPart is where in a URL a placeholder stands, which decides how its
// value is escaped.
type linkPart int

const (
	partPath linkPart = iota
	partQuery
	partFragment
)

// CheckLinkURL validates a link template: printable ASCII, every {…} a
// known placeholder, and with the placeholders filled an absolute http(s)
// URL with a host, no credentials, and no placeholder before the path (a
// value must never choose the host). It fails closed: anything else is
// refused at load, before a console starts.
func CheckLinkURL(tmpl string) error {
	for _, r := range tmpl {
		if r <= ' ' || r >= 0x7f {
			return errors.New("must be printable ASCII without spaces (write non-ASCII characters %-encoded)")
		}
	}
	segs, err := splitLink(tmpl)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, s := range segs {
		if s.name != "" {
			b.WriteString("x")
			continue
		}
		b.WriteString(s.text)
	}
	u, err := url.Parse(b.String())
	switch {
	case err != nil:
		return errors.New("not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("must be an http:// or https:// URL")
	case u.Host == "" || u.Hostname() == "":
		return errors.New("must name a host (https://host/…)")
	case u.User != nil:
		return errors.New("must not contain credentials")
	}
	if len(segs) > 1 {
		// The literal before the first placeholder must reach past the
		// host: a value must never choose where the link goes.
		rest := strings.TrimPrefix(strings.TrimPrefix(segs[0].text, "https://"), "http://")
		if !strings.ContainsAny(rest, "/?#") {
			return errors.New("a placeholder may stand in the path, the query or the fragment, not in the host")
		}
	}
	return nil
}

type linkSeg struct {
	text string // literal text, or "" for a placeholder
	name string // the placeholder's name
	part linkPart
}

// splitLink cuts a template into literal text and placeholders, each with
// the URL part it stands in.
func splitLink(tmpl string) ([]linkSeg, error) {
	var out []linkSeg
	part := partPath
	for tmpl != "" {
		open := strings.IndexByte(tmpl, '{')
		if close := strings.IndexByte(tmpl, '}'); close >= 0 && (open < 0 || close < open) {
			return nil, errors.New("has a } without its {")
		}
		lit := tmpl
		if open >= 0 {
			lit = tmpl[:open]
		}
		if lit != "" {
			out = append(out, linkSeg{text: lit, part: part})
			part = partAfter(lit, part)
		}
		if open < 0 {
			break
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			return nil, errors.New("has a { without its }")
		}
		name := tmpl[open+1 : open+end]
		if !contains(LinkPlaceholders, name) {
			return nil, fmt.Errorf("unknown placeholder {%s} (placeholders: {%s})", clipValue(name), strings.Join(LinkPlaceholders, "}, {"))
		}
		out = append(out, linkSeg{name: name, part: part})
		tmpl = tmpl[open+end+1:]
	}
	return out, nil
}

// partAfter is the URL part after literal text: a ? starts the query, a #
// the fragment.
func partAfter(lit string, part linkPart) linkPart {
	if strings.Contains(lit, "#") {
		return partFragment
	}
	if part == partPath && strings.Contains(lit, "?") {
		return partQuery
	}
	return part
}

// Placeholders lists the placeholders the link's URL uses.
func (l Link) Placeholders() []string {
	segs, _ := splitLink(l.URL)
	var out []string
	for _, s := range segs {
		if s.name != "" && !contains(out, s.name) {
			out = append(out, s.name)
		}
	}
	return out
}

// Expand fills the template with vals, each escaped for where it stands:
// query-escaped in the query, path-escaped in the path and the fragment (a
// "/" or "?" in a value cannot change the URL's shape). ok is false when a
// placeholder has no value (or an empty one), when a value is a dot segment
// of the path, or when the URL is longer than MaxLinkURL: the link is not
// offered.
func (l Link) Expand(vals map[string]string) (string, bool) {
	segs, err := splitLink(l.URL)
	if err != nil {
		return "", false
	}
	var b strings.Builder
	for _, s := range segs {
		if s.name == "" {
			b.WriteString(s.text)
			continue
		}
		v := strings.TrimSpace(vals[s.name])
		if v == "" {
			return "", false
		}
		if s.part == partQuery {
			b.WriteString(url.QueryEscape(v))
		} else {
			b.WriteString(url.PathEscape(v))
		}
		if b.Len() > MaxLinkURL {
			return "", false
		}
	}
	if climbs(b.String(), segs) {
		return "", false
	}
	return b.String(), true
}

// climbs reports a value that made a dot segment ("." or "..", or their
// %2e spellings, which browsers resolve alike) in the path of the expanded
// URL u: path escaping leaves dots alone, and a browser resolves
// /customers/../notes to /notes. The template itself, with each
// placeholder as "x", says which segments were dots to begin with (values
// cannot add a "/": it is escaped).
func climbs(u string, segs []linkSeg) bool {
	var x strings.Builder
	for _, s := range segs {
		if s.name != "" {
			x.WriteString("x")
		} else {
			x.WriteString(s.text)
		}
	}
	got, base := strings.Split(urlPath(u), "/"), strings.Split(urlPath(x.String()), "/")
	if len(got) != len(base) {
		return true // cannot happen with escaped values: fail closed
	}
	for i := range got {
		if isDotSegment(got[i]) && !isDotSegment(base[i]) {
			return true
		}
	}
	return false
}

// urlPath is the path of an absolute URL as written: after the scheme and
// host, before any ? or #.
func urlPath(u string) string {
	_, rest, _ := strings.Cut(u, "://")
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[i:]
	}
	return ""
}

func isDotSegment(seg string) bool {
	seg = strings.ReplaceAll(strings.ToLower(seg), "%2e", ".")
	return seg == "." || seg == ".."
}
