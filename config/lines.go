package config

import "strings"

// keyLines records on which line of the file each key was written.
// BurntSushi/toml's MetaData carries no positions, so the file text is scanned
// once with a small line-oriented reader that understands just enough TOML
// (comments, table headers, bare/quoted/dotted keys, multi-line strings) to
// locate keys; it is only consulted for error messages, never for values.
type keyLines struct {
	top       map[string]int // top-level keys and [table] headers
	providers []provLines    // one per [[provider]] header, in file order
}

// provLines locates the keys of one [[provider]] table.
type provLines struct {
	header int
	keys   map[string]int
}

// scanKeyLines locates every key of the file. Lines are numbered from 1.
func scanKeyLines(text string) keyLines {
	kl := keyLines{top: map[string]int{}}
	const (
		inTop = iota
		inProvider
		inOther
	)
	ctx := inTop
	mlDelim := "" // closing delimiter while inside a multi-line string
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		if mlDelim != "" {
			if strings.Count(line, mlDelim)%2 == 1 {
				mlDelim = ""
			}
			continue
		}
		s := strings.TrimSpace(line)
		if s == "" || s[0] == '#' {
			continue
		}
		if strings.HasPrefix(s, "[") {
			array := strings.HasPrefix(s, "[[")
			name := headerName(s, array)
			first, rest, dotted := strings.Cut(name, ".")
			switch {
			case array && name == "provider":
				kl.providers = append(kl.providers, provLines{header: n, keys: map[string]int{}})
				ctx = inProvider
			case first == "provider" && dotted && len(kl.providers) > 0:
				// [provider.x] belongs to the last [[provider]]: x is a key of it.
				sub, _, _ := strings.Cut(rest, ".")
				setFirst(kl.providers[len(kl.providers)-1].keys, unquote(sub), n)
				ctx = inOther
			default:
				setFirst(kl.top, unquote(first), n)
				ctx = inOther
			}
			continue
		}
		key, value, ok := splitKey(s)
		if !ok {
			continue
		}
		switch ctx {
		case inTop:
			setFirst(kl.top, key, n)
		case inProvider:
			setFirst(kl.providers[len(kl.providers)-1].keys, key, n)
		}
		for _, d := range []string{`"""`, `'''`} {
			if strings.Count(value, d)%2 == 1 {
				mlDelim = d
				break
			}
		}
	}
	return kl
}

func setFirst(m map[string]int, k string, line int) {
	if _, dup := m[k]; !dup {
		m[k] = line
	}
}

// headerName extracts "a.b" from "[a.b]" or "[[ a . b ]] # comment".
func headerName(s string, array bool) string {
	open, closing := "[", "]"
	if array {
		open, closing = "[[", "]]"
	}
	s = strings.TrimPrefix(s, open)
	if i := strings.Index(s, closing); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ".")
}

// splitKey returns the first segment of the key assigned on a line and the
// text after '='; ok is false when the line is not a key = value line (array
// continuation lines and the like).
func splitKey(s string) (key, value string, ok bool) {
	var i int
	switch s[0] {
	case '"', '\'':
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 {
			return "", "", false
		}
		key, i = s[1:1+end], end+2
	default:
		for i < len(s) && isBareKeyChar(s[i]) {
			i++
		}
		if i == 0 {
			return "", "", false
		}
		key = s[:i]
	}
	rest := strings.TrimLeft(s[i:], " \t")
	if rest == "" || (rest[0] != '=' && rest[0] != '.') {
		return "", "", false
	}
	if _, v, found := strings.Cut(rest, "="); found {
		return key, v, true
	}
	return "", "", false
}

func isBareKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
