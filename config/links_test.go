package config

import (
	"net/url"
	"strings"
	"testing"
)

func TestLinksParse(t *testing.T) {
	c, err := Parse("", []byte(minimal+`
[[links]]
key = "c"
name = "CRM"
url = "https://crm.example.com/customers/{msisdn}?account={account}"

[[links]]
key = "j"
name = "Ticket"
url = "https://tickets.example.com/new?summary=top-up+{journal_id}&tx={transaction}#p-{provider}"
`), func(string) string { return "x" })
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Links) != 2 || c.Links[0] != (Link{Key: "c", Name: "CRM", URL: "https://crm.example.com/customers/{msisdn}?account={account}"}) {
		t.Fatalf("links = %+v", c.Links)
	}
	if got := strings.Join(c.Links[1].Placeholders(), ","); got != "journal_id,transaction,provider" {
		t.Errorf("placeholders = %s", got)
	}
}

func TestLinksBad(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "ftp://h/{msisdn}"`, "url: must be an http:// or https:// URL"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://{provider}.example.com/"`, "not in the host"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://crm{msisdn}/"`, "not in the host"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://u:p@h/{msisdn}"`, "must not contain credentials"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://h/{imsi}"`, "unknown placeholder {imsi}"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://h/{msisdn"`, "has a { without its }"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://h/}{msisdn}"`, "has a } without its {"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://h/a b"`, "printable ASCII without spaces"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://h/\u001b]8;;x"`, "printable ASCII without spaces"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "javascript:alert(1)"`, "http:// or https://"},
		{`key = "cc"` + "\n" + `name = "x"` + "\n" + `url = "https://h/"`, "key: must be one printable character"},
		{`key = " "` + "\n" + `name = "x"` + "\n" + `url = "https://h/"`, "key: must be one printable character"},
		{`key = "c"` + "\n" + `url = "https://h/"`, "name: must be 1 to 40"},
		{`key = "c"` + "\n" + `name = "x"` + "\n" + `url = "https://h/"` + "\n" + `command = "open"`, "command: unknown key"},
		{`name = "x"` + "\n" + `url = "https://h/"`, "key: missing"},
	} {
		_, err := Parse("", []byte(minimal+"\n[[links]]\n"+c.body+"\n"), func(string) string { return "x" })
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.body, err, c.want)
		}
	}
	_, err := Parse("", []byte(minimal+"\n[[links]]\nkey = \"c\"\nname = \"a\"\nurl = \"https://h/\"\n[[links]]\nkey = \"c\"\nname = \"b\"\nurl = \"https://h/\"\n"), func(string) string { return "x" })
	if err == nil || !strings.Contains(err.Error(), `"c" is already the key of link #1`) {
		t.Errorf("duplicate key: %v", err)
	}
	_, err = Parse("", []byte("links = \"https://h/\"\n"+minimal), func(string) string { return "x" })
	if err == nil || !strings.Contains(err.Error(), "links: must be an array of tables") {
		t.Errorf("links as a string: %v", err)
	}
}

// TestLinkExpand: values are escaped for where they stand, and a link
// whose placeholder the row lacks is not offered.
func TestLinkExpand(t *testing.T) {
	l := Link{URL: "https://crm.example.com/c/{msisdn}/x?q={msisdn}&a={account}#{provider}"}
	got, ok := l.Expand(map[string]string{"msisdn": "+33 6/12?&#", "account": "A&B=C", "provider": "orange fr"})
	want := "https://crm.example.com/c/+33%206%2F12%3F&%23/x?q=%2B33+6%2F12%3F%26%23&a=A%26B%3DC#orange%20fr"
	if !ok || got != want {
		t.Fatalf("Expand = %q %v\nwant   %q", got, ok, want)
	}
	u, err := url.Parse(got)
	if err != nil || u.Host != "crm.example.com" || u.Query().Get("q") != "+33 6/12?&#" || u.Query().Get("a") != "A&B=C" || u.Fragment != "orange fr" {
		t.Errorf("parsed back: %+v %v", u, err)
	}
	if _, ok := l.Expand(map[string]string{"msisdn": "1", "provider": "p"}); ok {
		t.Error("offered without {account}")
	}
	if _, ok := l.Expand(map[string]string{"msisdn": "1", "account": "  ", "provider": "p"}); ok {
		t.Error("offered with a blank {account}")
	}
}

// FuzzLinkExpand: whatever the value, an expanded valid template parses
// back to the template's host, carries no control or space character, and
// gives each query placeholder its value back.
func FuzzLinkExpand(f *testing.F) {
	f.Add("https://h.example/c/{msisdn}?q={sim}#{provider}", "+33 6/12?&#")
	f.Add("http://h:8080/{journal_id}", "\x1b]8;;evil\x07")
	f.Add("https://h/?a={account}&b={transaction}", "%zz%00")
	f.Add("https://h/c/{account}/notes", "..")
	f.Add("https://h/c/{account}{sim}/notes", ".")
	f.Fuzz(func(t *testing.T, tmpl, v string) {
		if CheckLinkURL(tmpl) != nil {
			return
		}
		l := Link{URL: tmpl}
		vals := map[string]string{}
		for _, p := range LinkPlaceholders {
			vals[p] = v
		}
		got, ok := l.Expand(vals)
		if !ok {
			tv := strings.TrimSpace(v)
			dots := strings.Trim(tv, ".") == ""                               // a dot segment: refused in the path
			long := len(tmpl)+3*len(tv)*strings.Count(tmpl, "{") > MaxLinkURL // may escape past the bound
			if tv != "" && len(l.Placeholders()) > 0 && !dots && !long {
				t.Fatalf("not offered with every value set: %q", tmpl)
			}
			return
		}
		for _, r := range got {
			if r <= ' ' || r >= 0x7f {
				t.Fatalf("expanded %q has %q", got, r)
			}
		}
		if len(got) > MaxLinkURL {
			t.Fatalf("expanded to %d bytes", len(got))
		}
		if p := "/" + strings.ToLower(strings.SplitN(strings.SplitN(got, "?", 2)[0], "#", 2)[0]) + "/"; (strings.Contains(p, "/../") || strings.Contains(p, "/%2e")) &&
			!strings.Contains(strings.ToLower(tmpl), "/..") && !strings.Contains(strings.ToLower(tmpl), "%2e") {
			t.Fatalf("a value made a dot segment: %q → %q", tmpl, got)
		}
		base, _ := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(tmpl))
		u, err := url.Parse(got)
		if err != nil || base == nil || u.Host != base.Host || u.Scheme != base.Scheme {
			t.Fatalf("%q → %q (%v): host %v", tmpl, got, err, u)
		}
	})
}
