package cli

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/serve"
)

// childServeArgs, when set, makes the test binary run `simdesk` with these
// arguments (newline-separated) as its own process: the SIGTERM test's
// server.
const childServeArgs = "SIMDESK_TEST_SERVE_CHILD"

// TestServeSIGTERMEndsTheProcessWithinItsBound runs `simdesk serve --demo`
// as a process, holds a console at a hostile PTY size (2³¹−1 square) and nine
// connections that never log in, sends SIGTERM and wants the process gone
// within the shutdown's bound (30 s; it takes about a second). Before the
// PTY clamp a 100000×100000 request left a process SIGTERM did not stop.
func TestServeSIGTERMEndsTheProcessWithinItsBound(t *testing.T) {
	if args := os.Getenv(childServeArgs); args != "" {
		os.Exit(Run(Env{Args: strings.Split(args, "\n"), Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
			Getenv: os.Getenv, ownProcess: true}))
	}
	if testing.Short() {
		t.Skip("runs a server process")
	}
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	vic, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	ops := filepath.Join(dir, "operators")
	if err := os.WriteFile(ops, []byte(fmt.Sprintf("operator=\"vic\",role=\"viewer\" %s", gossh.MarshalAuthorizedKey(vic.PublicKey()))), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeSIGTERMEndsTheProcessWithinItsBound$")
	cmd.Env = os.Environ()
	for k, v := range isolated(t) {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Env = append(cmd.Env, childServeArgs+"="+strings.Join([]string{"serve", "--demo", "--listen", "127.0.0.1:0", "--operators", ops}, "\n"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	addr := ""
	for addr == "" {
		select {
		case l := <-lines:
			if m := regexp.MustCompile(`^simdesk serve on (127\.0\.0\.1:\d+) `).FindStringSubmatch(l); m != nil {
				addr = m[1]
			}
		case err := <-exited:
			t.Fatalf("serve exited at start: %v", err)
		case <-time.After(60 * time.Second):
			t.Fatal("serve did not start within 60 s")
		}
	}
	// Nine, three from each of three addresses: all held at the gate
	// (more would be refused, and past ten the operator's own connection
	// could meet the random early drop).
	for i := range 9 {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%3))}}
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _ = io.WriteString(c, "SSH-2.0-silent\r\n")
	}
	client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "x", Auth: []gossh.AuthMethod{gossh.PublicKeys(vic)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 1<<31-1, 1<<31-1, nil); err != nil {
		t.Fatal(err)
	}
	first := make(chan struct{})
	stdout, _ := sess.StdoutPipe()
	go func() {
		buf := make([]byte, 1<<16)
		n, _ := stdout.Read(buf)
		if n > 0 {
			close(first)
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-first:
	case <-time.After(30 * time.Second):
		t.Fatal("no console output within 30 s")
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		t.Logf("serve exited %s after SIGTERM", time.Since(start).Round(time.Millisecond))
	case <-time.After(serve.DefaultGrace + 10*time.Second):
		t.Fatalf("serve still running %s after SIGTERM (bound %s)", serve.DefaultGrace+10*time.Second, serve.DefaultGrace)
	}
}
