package serve

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"simdesk/model"
)

// Revoked is a parsed revoked_keys file: SHA256 fingerprints of keys and
// CAs that may not log in, whatever the operators file says.
type Revoked struct {
	fps map[string]int // fingerprint → its line
	// all refuses every key: the file could not be read on a reload, and a
	// revocation list that cannot be read must not be taken as empty.
	all bool
}

// RevokedError lists every bad line of a revoked_keys file, FILE:LINE:
// message each.
type RevokedError struct{ Problems []string }

func (e *RevokedError) Error() string { return strings.Join(e.Problems, "\n") }

// revokeAll is what an unreadable or malformed file on reload stands for.
var revokeAll = &Revoked{all: true}

// Len is the number of fingerprints.
func (r *Revoked) Len() int {
	if r == nil {
		return 0
	}
	return len(r.fps)
}

// Refuses says whether key is revoked: the key itself, or, for a
// certificate, its key or its CA. The string says which, for the log.
func (r *Revoked) Refuses(key gossh.PublicKey) (string, bool) {
	if r == nil || key == nil {
		return "", false
	}
	if r.all {
		return "the revoked_keys file could not be read: every key is refused until it is fixed", true
	}
	check := []namedKey{{"key", key}}
	if cert, ok := key.(*gossh.Certificate); ok {
		check = append(check, namedKey{"certificate's key", cert.Key}, namedKey{"certificate's CA", cert.SignatureKey})
	}
	for _, c := range check {
		if c.k == nil {
			continue
		}
		fp := gossh.FingerprintSHA256(c.k)
		if n, ok := r.fps[fp]; ok {
			return fmt.Sprintf("%s %s is revoked (revoked_keys line %d)", c.what, fp, n), true
		}
	}
	return "", false
}

type namedKey struct {
	what string
	k    gossh.PublicKey
}

// maxRevokedBytes bounds what a reload reads: about 90,000 fingerprints.
const maxRevokedBytes = 4 << 20

// LoadRevoked reads the revoked_keys file at path. A file others may write
// (its mode, its owner, its directory's) is refused: whoever can write it
// can lift a revocation.
func LoadRevoked(path string) (*Revoked, error) {
	f, err := openNoWait(path) // a FIFO must be refused, not waited on
	if err != nil {
		return nil, fmt.Errorf("revoked_keys: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("revoked_keys: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("revoked_keys %s: not a regular file", path)
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return nil, fmt.Errorf("revoked_keys %s: mode %04o lets others write it (chmod go-w)", path, fi.Mode().Perm())
	}
	// And, as for the operators file, its owner and directories: whoever
	// owns it may chmod and write it, and whoever may write its directory
	// may replace it.
	if err := trustFile(path, fi); err != nil {
		var fe *OperatorsFileError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("revoked_keys %s: %s", path, fe.Problem)
		}
		return nil, fmt.Errorf("revoked_keys: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxRevokedBytes+1))
	if err != nil {
		return nil, fmt.Errorf("revoked_keys: %w", err)
	}
	if len(data) > maxRevokedBytes {
		return nil, fmt.Errorf("revoked_keys %s: larger than %d bytes", path, maxRevokedBytes)
	}
	return ParseRevoked(path, data)
}

// ParseRevoked parses a revoked_keys file: one fingerprint a line, either
// alone (SHA256:…, maybe followed by a comment) or as `ssh-keygen -lf`
// prints it (256 SHA256:… comment (ED25519)). Blank lines and # comments
// are skipped. Any bad line refuses the whole file, every line reported.
func ParseRevoked(file string, data []byte) (*Revoked, error) {
	r := &Revoked{fps: map[string]int{}}
	var probs []string
	for n, raw := range bytes.Split(data, []byte("\n")) {
		n++
		line := bytes.TrimSpace(raw)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		fp, err := revokedLine(line)
		if err != nil {
			probs = append(probs, fmt.Sprintf("%s:%d: %s", file, n, model.OneLine(err.Error(), 200)))
			continue
		}
		if _, dup := r.fps[fp]; !dup {
			r.fps[fp] = n
		}
	}
	if len(probs) > 0 {
		return nil, &RevokedError{Problems: probs}
	}
	return r, nil
}

// revokedLine finds the one fingerprint of a line.
func revokedLine(line []byte) (string, error) {
	if !utf8.Valid(line) {
		return "", errors.New("not UTF-8 text")
	}
	fields := strings.Fields(string(line))
	fp := fields[0]
	if len(fields) > 1 && isDigits(fields[0]) { // ssh-keygen -lf: bits first
		fp = fields[1]
	}
	if strings.HasPrefix(fp, "MD5:") {
		return "", errors.New("an MD5 fingerprint: give the SHA256 one (ssh-keygen -lf prints it)")
	}
	b64, ok := strings.CutPrefix(fp, "SHA256:")
	if !ok {
		return "", fmt.Errorf("%q is not a SHA256:… fingerprint (as ssh-keygen -lf prints it)", clip(fp))
	}
	sum, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(sum) != 32 {
		return "", fmt.Errorf("%q is not a SHA256 fingerprint: 43 base64 characters after SHA256:", clip(fp))
	}
	// The canonical spelling, as gossh.FingerprintSHA256 writes it.
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum), nil
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
