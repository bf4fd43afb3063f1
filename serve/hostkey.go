package serve

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// HostKey reads the server's ed25519 host key at path, or generates one
// there (0600, in a 0700 directory of its own) when the file does not exist,
// so that operators see the same fingerprint at every start. A key file
// others can read is refused: whoever reads it can impersonate the server.
func HostKey(path string) (signer gossh.Signer, created bool, err error) {
	data, err := readHostKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = newHostKey(path)
		created = true
	}
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("host key %s: mode %04o lets others read it (chmod 600)", path, fi.Mode().Perm())
	}
	signer, err = gossh.ParsePrivateKey(data)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	return signer, created, nil
}

// maxHostKey bounds what is read of a host key: an ed25519 key in
// OpenSSH's PEM is about 400 bytes, an RSA one a few kilobytes.
const maxHostKey = 64 << 10

// readHostKey reads the key file: a regular file (a FIFO is refused, not
// waited on) of at most maxHostKey bytes.
func readHostKey(path string) ([]byte, error) {
	f, err := openNoWait(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHostKey+1))
	if err == nil && len(data) > maxHostKey {
		err = fmt.Errorf("larger than %d KiB: not a host key", maxHostKey>>10)
	}
	return data, err
}

func newHostKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(priv, "simdesk serve host key")
	if err != nil {
		return nil, err
	}
	data := pem.EncodeToMemory(block)
	// O_EXCL: two servers starting at once never overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	return data, f.Close()
}

// Fingerprint is the SHA256 fingerprint ssh prints for a host key.
func Fingerprint(s gossh.Signer) string { return gossh.FingerprintSHA256(s.PublicKey()) }
