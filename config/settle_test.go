package config

import (
	"strings"
	"testing"
	"time"
)

// One owner per setting: the config decides the defaults of the duplicate
// window and the settle time, and an explicit "0s" stays 0.
func TestDuplicateWindowAndSettleTime(t *testing.T) {
	env := testEnv(map[string]string{"LLA_SECRET": "x", "HOME": "/h"})
	c, err := Parse("c.toml", []byte(minimal), env)
	if err != nil {
		t.Fatal(err)
	}
	if c.DuplicateWindow != 10*time.Minute || c.SettleTime != 15*time.Minute {
		t.Fatalf("defaults: window %v settle %v", c.DuplicateWindow, c.SettleTime)
	}
	c, err = Parse("c.toml", []byte("duplicate_window = \"0s\"\nsettle_time = \"40m\"\n"+minimal), env)
	if err != nil {
		t.Fatal(err)
	}
	if c.DuplicateWindow != 0 || c.SettleTime != 40*time.Minute {
		t.Fatalf("explicit: window %v settle %v", c.DuplicateWindow, c.SettleTime)
	}
	if _, err := Parse("c.toml", []byte("settle_time = \"-1m\"\n"+minimal), env); err == nil || !strings.Contains(err.Error(), "settle_time") {
		t.Fatalf("negative settle_time: %v", err)
	}
	if d := Demo(env); d.SettleTime != DefaultSettleTime || d.DuplicateWindow != DefaultDuplicateWindow {
		t.Fatalf("demo: %+v", d)
	}
}
