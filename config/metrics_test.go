package config

import (
	"strings"
	"testing"
)

func TestMetricsListen(t *testing.T) {
	parse := func(v string) (*Config, error) {
		return Parse("", []byte("[serve]\nmetrics_listen = "+v+"\n"+minimal), func(string) string { return "x" })
	}
	c, err := parse(`"127.0.0.1:9464"`)
	if err != nil || c.Serve.MetricsListen != "127.0.0.1:9464" {
		t.Fatalf("%v %+v", err, c)
	}
	if c, err := Parse("", []byte(minimal), func(string) string { return "x" }); err != nil || c.Serve.MetricsListen != "" {
		t.Fatalf("default: %v %q", err, c.Serve.MetricsListen)
	}
	for v, want := range map[string]string{
		`"9464"`:           "must be an address",
		`"127.0.0.1:0"`:    "port from 1 to 65535",
		`":99999"`:         "port from 1 to 65535",
		`"127.0.0.1:http"`: "port from 1 to 65535",
		`"a b:9464"`:       "must be an address",
		`9464`:             "metrics_listen",
		`"[::1]:9464:1"`:   "must be an address",
	} {
		if _, err := parse(v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", v, err, want)
		}
	}
}
