//go:build linux

package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// The console detects its terminal's colour profile once. Inside tmux,
// each detection runs `tmux info` (a process: ~25 ms of the first frame
// on this project's machine); lipgloss detects stdout's profile when the
// program starts, and the console hands that profile to Bubble Tea instead
// of letting it run a second detection. A fake tmux on PATH counts the
// runs of a real console on a pseudo-terminal.
func TestConsoleDetectsTheColourProfileOnce(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	count := filepath.Join(dir, "tmux-runs")
	fake := "#!/bin/sh\necho \"$*\" >> " + count + "\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "tmux"), []byte(fake), 0o700); err != nil {
		t.Fatal(err)
	}
	env := isolated(t)
	cmd := exec.Command(bin, "--demo")
	cmd.Env = append(envList(env), "TERM=xterm-256color", "TMUX=/tmp/tmux-fake/default,1,0",
		"PATH="+dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 100, Rows: 30})
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	screen := readUntil(t, tty, "q quit", 20*time.Second)
	if _, err := tty.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the console did not quit on q; screen:\n%s", screen)
	}
	runs, _ := os.ReadFile(count)
	if n := strings.Count(string(runs), "info"); n != 1 {
		t.Errorf("`tmux info` ran %d times at the console's start, want 1 (lipgloss's detection, reused)", n)
	}
}

// readUntil reads the pseudo-terminal until want appears (or fails after
// limit), and returns what was read.
func readUntil(t *testing.T, tty *os.File, want string, limit time.Duration) string {
	t.Helper()
	seen := make(chan string, 1)
	go func() {
		var got bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			got.Write(buf[:n])
			if strings.Contains(ansi.Strip(got.String()), want) || err != nil {
				seen <- got.String()
				return
			}
		}
	}()
	select {
	case s := <-seen:
		if !strings.Contains(ansi.Strip(s), want) {
			t.Fatalf("%q not on the console's screen:\n%q", want, s)
		}
		return s
	case <-time.After(limit):
		t.Fatalf("%q not on the console's screen within %v", want, limit)
	}
	return ""
}
