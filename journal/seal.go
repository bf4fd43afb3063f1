package journal

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// Tamper evidence beyond the hash chain. The chain alone shows a changed
// line only to a reader who trusts the lines after it: whoever can write
// the store can rewrite a line and every hash after it, or edit the last
// line, which nothing after it covers. So every new line also carries a MAC
// (HMAC-SHA256, field "mac", last in the line) under a key the store never
// holds: a file in simdesk's state directory, created 0600 at first start.
// Without the key nobody can write a line that verifies. And the head (the
// last line's position and MAC) is written outside the store at each
// append, so a removed tail shows too.

// keyBytes is the MAC key's length.
const keyBytes = 32

// maxKeyFile bounds what is read of a key file: a key is 65 bytes.
const maxKeyFile = 1024

// Seal holds the MAC key and where the head anchor is kept. Its methods are
// safe for concurrent use.
type Seal struct {
	keyPath string
	key     []byte // nil when the key could not be read: keyErr says why
	keyErr  error
	head    string // the head anchor file
	mu      sync.Mutex
}

// OpenSeal reads the MAC key at keyPath, creating it (32 random bytes as
// hex, 0600, its directory 0700) when there is none, and keeps the head
// anchor at headPath. A key file that group or others may read or write,
// or that is not a regular file, is refused: the key must stay the
// operator's alone.
func OpenSeal(keyPath, headPath string) (*Seal, error) {
	if keyPath == "" || headPath == "" {
		return nil, errors.New("journal key: no path")
	}
	if err := keyDirs(keyPath); err != nil {
		return nil, err
	}
	key, err := readKey(keyPath)
	if errors.Is(err, os.ErrNotExist) {
		if err = createKey(keyPath); err == nil || errors.Is(err, os.ErrExist) {
			key, err = readKey(keyPath) // ours, or another process's that won the race
		}
	}
	if err != nil {
		return nil, err
	}
	return &Seal{keyPath: keyPath, key: key, head: headPath}, nil
}

// ReadSeal is OpenSeal for a reader (`journal --verify`): it never creates
// the key, and a key it cannot use is not an error here but reported by
// Verify, which then cannot check the MACs.
func ReadSeal(keyPath, headPath string) *Seal {
	key, err := readKey(keyPath)
	return &Seal{keyPath: keyPath, key: key, keyErr: err, head: headPath}
}

// HeadPath is where the head anchor of one journal is kept in dir: one
// file per journal (named by a hash of identity, its path or database), so
// two journals on one host never share an anchor.
func HeadPath(dir, identity string) string {
	sum := sha256.Sum256([]byte(identity))
	return filepath.Join(dir, "journal-head-"+hex.EncodeToString(sum[:6])+".json")
}

func readKey(path string) ([]byte, error) {
	// Stat before opening: opening a FIFO would wait for a writer forever.
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("journal key %s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("journal key %s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("journal key %s may be read or written by group or others (mode %04o): refused; chmod 600 it", path, fi.Mode().Perm())
	}
	if uid, ok := fileOwner(fi); ok && uid != os.Geteuid() && uid != 0 {
		return nil, fmt.Errorf("journal key %s is owned by uid %d, not by this user or root: refused (whoever owns it chose the key)", path, uid)
	}
	if err := keyDirs(path); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile))
	if err != nil {
		return nil, fmt.Errorf("journal key %s: %w", path, err)
	}
	key, err := hex.DecodeString(string(bytes.TrimSpace(b)))
	if err != nil || len(key) != keyBytes {
		return nil, fmt.Errorf("journal key %s does not hold %d hex digits", path, 2*keyBytes)
	}
	return key, nil
}

// keyDirs refuses a key whose directory, or the directory of the file a
// symlink names, others may write: they could put their own key there.
// A directory that does not exist yet is created 0700 by createKey.
func keyDirs(path string) error {
	dirs := []string{filepath.Dir(path)}
	if real, err := filepath.EvalSymlinks(path); err == nil && filepath.Dir(real) != dirs[0] {
		dirs = append(dirs, filepath.Dir(real))
	}
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err == nil && fi.Mode().Perm()&0o002 != 0 {
			return fmt.Errorf("journal key %s: its directory %s is writable by others (mode %04o): refused", path, d, fi.Mode().Perm())
		}
	}
	return nil
}

// createKey writes a new key to a temporary file and links it into place,
// so that the key file appears whole or not at all: two processes starting
// at once never read half a key (the one that loses the race reads the
// other's; os.ErrExist tells it to).
func createKey(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("journal key: %w", err)
	}
	var key [keyBytes]byte
	if _, err := rand.Read(key[:]); err != nil {
		return fmt.Errorf("journal key: %w", err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".new*") // 0600
	if err != nil {
		return fmt.Errorf("journal key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.WriteString(hex.EncodeToString(key[:]) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp, path)
	}
	if errors.Is(err, os.ErrExist) {
		return err
	}
	if err != nil {
		return fmt.Errorf("journal key %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// KeyPath is the key file's path, for messages (never its content).
func (s *Seal) KeyPath() string { return s.keyPath }

// sum is the MAC of a line's body (the line without its mac field).
func (s *Seal) sum(body []byte) string {
	h := hmac.New(sha256.New, s.key)
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// macField opens the mac field, the last of a sealed line.
const macField = `,"mac":"`

// macLen is the length of a MAC in hex.
const macLen = 2 * sha256.Size

// sealLine is body (a JSON object) with its MAC as the last field: exactly
// what encoding the entry with MAC set gives, as Entry.MAC is its last field.
func sealLine(body []byte, mac string) []byte {
	out := make([]byte, 0, len(body)+len(macField)+macLen+1)
	out = append(out, body[:len(body)-1]...)
	out = append(out, macField...)
	out = append(out, mac...)
	return append(out, `"}`...)
}

// splitMAC returns the body a sealed line's MAC covers and the MAC; false
// when the line does not end with a mac field.
func splitMAC(b []byte) (body []byte, mac string, ok bool) {
	n := len(b) - len(macField) - macLen - 2
	if n < 1 || !bytes.HasSuffix(b, []byte(`"}`)) || !bytes.Equal(b[n:n+len(macField)], []byte(macField)) {
		return nil, "", false
	}
	body = append(append(make([]byte, 0, n+1), b[:n]...), '}')
	return body, string(b[n+len(macField) : len(b)-2]), true
}

// seal encodes e as a sealed line: its body, MAC'd, with the mac field.
func (s *Seal) seal(e Entry) ([]byte, string, error) {
	e.MAC = ""
	body, err := encodeEntry(e)
	if err != nil {
		return nil, "", err
	}
	mac := s.sum(body)
	return sealLine(body, mac), mac, nil
}

// check reports whether a sealed line's MAC is the key's.
func (s *Seal) check(b []byte) bool {
	body, mac, ok := splitMAC(b)
	if !ok {
		return false
	}
	return hmac.Equal([]byte(s.sum(body)), []byte(mac))
}

// Head is the anchored head: the position (line number) of the last line
// this host appended and its MAC.
type Head struct {
	V       int    `json:"v"`
	Journal string `json:"journal"` // for the reader; the file name says which journal
	Line    int64  `json:"line"`
	MAC     string `json:"mac"`
}

// writeHead replaces the anchor (a new file fsynced, then renamed over the
// old one: a reader sees the old head or the new one, never half of one).
func (s *Seal) writeHead(where string, line int64, mac string) error {
	if mac == "" {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := json.Marshal(Head{V: 1, Journal: where, Line: line, MAC: mac})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.head), 0o700); err != nil {
		return fmt.Errorf("journal head anchor: %w", err)
	}
	// A temporary name of its own: two stores of one journal in one
	// process, or two processes, never write the same temporary file.
	f, err := os.CreateTemp(filepath.Dir(s.head), filepath.Base(s.head)+".tmp*")
	if err != nil {
		return fmt.Errorf("journal head anchor: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, s.head)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("journal head anchor %s: %w", s.head, err)
	}
	return nil
}

// readHead reads the anchor; false when there is none.
func (s *Seal) readHead() (Head, bool, error) {
	b, err := readSmall(s.head, maxHeadFile)
	if errors.Is(err, os.ErrNotExist) {
		return Head{}, false, nil
	}
	if err != nil {
		return Head{}, false, err
	}
	var h Head
	if err := json.Unmarshal(b, &h); err != nil || h.V != 1 || h.Line < 1 || len(h.MAC) != macLen {
		return Head{}, false, fmt.Errorf("%s is not a head anchor", s.head)
	}
	return h, true, nil
}

// maxHeadFile bounds what is read of a head anchor (about 150 bytes).
const maxHeadFile = 4096

// readSmall reads a regular file of at most max bytes (a FIFO, a device or
// a huge file where an anchor should be is an error, never a wait or an
// allocation of its size).
func readSmall(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(b)) > max {
		err = fmt.Errorf("%s is larger than a head anchor", path)
	}
	return b, err
}
