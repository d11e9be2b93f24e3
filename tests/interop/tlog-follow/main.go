// Command tlog-follow follows a DecisionLedger the way any C2SP tlog-tiles client would, using Go's own
// golang.org/x/mod/sumdb/tlog and sumdb/note (an implementation DecisionLedger did not write):
//
//  1. fetch <prefix>checkpoint and verify the signed note with the ledger's verifier key (note.Open);
//  2. read hash tiles through a tlog.TileReader whose paths drop Go's height segment
//     (Go: tile/8/<L>/<N>[.p/<W>], C2SP: tile/<L>/<N>[.p/<W>]), and recompute the signed root from them;
//  3. for each -entry, fetch its entry bundle (uint16 length-prefixed entries), hash the entry
//     (tlog.RecordHash) and prove its inclusion (tlog.ProveRecord / tlog.CheckRecord) against the signed root;
//  4. with -old, verify an older checkpoint and prove the tree's consistency from it (tlog.ProveTree / CheckTree).
//
// It prints one "ok:" line per check and exits 0, or prints the failure and exits 1. The prefix may be
// http(s):// (a running `dledger serve`, prefix /tlog/) or file:// (a directory written by `dledger export --tiles`).
//
// Build offline with Debian's packages: GO111MODULE=off GOPATH=/usr/share/gocode go build -o tlog-follow .
package main

import (
	"encoding/base64"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

type client struct {
	prefix    string
	key       string
	bundleKey string
	http      *http.Client
	fetched   int
}

func (c *client) get(path, key string) ([]byte, error) {
	req, err := http.NewRequest("GET", c.prefix+path, nil)
	if err != nil {
		return nil, err
	}
	if key != "" && !strings.HasPrefix(c.prefix, "file:") {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", c.prefix+path, resp.Status, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// c2spPath maps Go's tile path (with the height segment, "data" for entries) to the C2SP path.
func c2spPath(t tlog.Tile) string {
	goPath := t.Path()
	rest := strings.TrimPrefix(goPath, fmt.Sprintf("tile/%d/", t.H))
	if strings.HasPrefix(rest, "data/") {
		rest = "entries/" + strings.TrimPrefix(rest, "data/")
	}
	return "tile/" + rest
}

// tileReader implements tlog.TileReader over HTTP.
type tileReader struct{ c *client }

func (r tileReader) Height() int { return height }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := r.c.get(c2spPath(t), r.c.key)
		if err != nil {
			return nil, err
		}
		data[i] = b
		r.c.fetched++
	}
	return data, nil
}

func (r tileReader) SaveTiles(tiles []tlog.Tile, data [][]byte) {}

type checkpoint struct {
	origin string
	tree   tlog.Tree
}

// open verifies a signed note with the verifier key and parses its C2SP checkpoint body.
func open(msg []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("note.Open: %w", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		return checkpoint{}, fmt.Errorf("checkpoint body has %d lines, want origin, size, root hash", len(lines)-1)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return checkpoint{}, fmt.Errorf("checkpoint size %q: %v", lines[1], err)
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		return checkpoint{}, fmt.Errorf("checkpoint root hash %q is not 32 bytes of base64", lines[2])
	}
	var h tlog.Hash
	copy(h[:], raw)
	return checkpoint{origin: lines[0], tree: tlog.Tree{N: size, Hash: h}}, nil
}

// entry fetches the bundle holding entry index of a tree of size n and returns the entry's bytes.
func (c *client) entry(index, n int64) ([]byte, error) {
	bundle := tlog.Tile{H: height, L: -1, N: index / 256, W: 256}
	if (bundle.N+1)*256 > n {
		bundle.W = int(n % 256)
	}
	data, err := c.get(c2spPath(bundle), c.bundleKey)
	if err != nil {
		return nil, err
	}
	want := int(index % 256)
	for i := 0; ; i++ {
		if len(data) < 2 {
			return nil, fmt.Errorf("%s: ends before entry %d", c2spPath(bundle), want)
		}
		length := int(binary.BigEndian.Uint16(data))
		if len(data) < 2+length {
			return nil, fmt.Errorf("%s: entry %d is cut short", c2spPath(bundle), i)
		}
		if i == want {
			return data[2 : 2+length], nil
		}
		data = data[2+length:]
	}
}

func run() error {
	prefix := flag.String("prefix", "", "the log's URL prefix, ending in '/': http://host:port/tlog/ or file:///dir/")
	vkey := flag.String("vkey", "", "the ledger's verifier key (name+hash+base64)")
	key := flag.String("key", "", "API key for the checkpoint and hash tiles (monitor, auditor or admin); empty when public")
	bundleKey := flag.String("bundle-key", "", "API key for entry bundles (auditor or admin)")
	entries := flag.String("entries", "", "comma-separated entry indexes to prove inclusion of")
	old := flag.String("old", "", "file holding an older signed checkpoint to prove consistency from")
	save := flag.String("save", "", "write the fetched checkpoint to this file")
	flag.Parse()
	if *prefix == "" || *vkey == "" {
		return fmt.Errorf("-prefix and -vkey are required")
	}

	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("-vkey: %w", err)
	}
	transport := &http.Transport{}
	transport.RegisterProtocol("file", http.NewFileTransport(http.Dir("/")))
	c := &client{prefix: *prefix, key: *key, bundleKey: *bundleKey, http: &http.Client{Transport: transport}}

	msg, err := c.get("checkpoint", *key)
	if err != nil {
		return err
	}
	cp, err := open(msg, verifier)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	fmt.Printf("ok: checkpoint %s verified with %s: size %d root %s\n", cp.origin, verifier.Name(), cp.tree.N, cp.tree.Hash)
	if *save != "" {
		if err := os.WriteFile(*save, msg, 0o644); err != nil {
			return err
		}
	}

	thr := tlog.TileHashReader(cp.tree, tileReader{c})
	root, err := tlog.TreeHash(cp.tree.N, thr)
	if err != nil {
		return fmt.Errorf("tree hash from tiles: %w", err)
	}
	if root != cp.tree.Hash {
		return fmt.Errorf("tree hash from tiles %s != signed root %s", root, cp.tree.Hash)
	}
	fmt.Printf("ok: root recomputed from %d hash tiles equals the signed root\n", c.fetched)

	for _, s := range strings.Split(*entries, ",") {
		if s == "" {
			continue
		}
		index, err := strconv.ParseInt(s, 10, 64)
		if err != nil || index < 0 || index >= cp.tree.N {
			return fmt.Errorf("-entries: %q is not an index below the tree size %d", s, cp.tree.N)
		}
		data, err := c.entry(index, cp.tree.N)
		if err != nil {
			return err
		}
		proof, err := tlog.ProveRecord(cp.tree.N, index, thr)
		if err != nil {
			return fmt.Errorf("entry %d: ProveRecord: %w", index, err)
		}
		if err := tlog.CheckRecord(proof, cp.tree.N, cp.tree.Hash, index, tlog.RecordHash(data)); err != nil {
			return fmt.Errorf("entry %d: CheckRecord: %w", index, err)
		}
		fmt.Printf("ok: entry %d (%d bytes) included in tree %d (proof of %d hashes)\n", index, len(data), cp.tree.N, len(proof))
	}

	if *old != "" {
		oldMsg, err := os.ReadFile(*old)
		if err != nil {
			return err
		}
		prev, err := open(oldMsg, verifier)
		if err != nil {
			return fmt.Errorf("-old: %w", err)
		}
		if prev.origin != cp.origin || prev.tree.N > cp.tree.N {
			return fmt.Errorf("-old: checkpoint %s/%d cannot precede %s/%d", prev.origin, prev.tree.N, cp.origin, cp.tree.N)
		}
		proof, err := tlog.ProveTree(cp.tree.N, prev.tree.N, thr)
		if err != nil {
			return fmt.Errorf("ProveTree: %w", err)
		}
		if err := tlog.CheckTree(proof, cp.tree.N, cp.tree.Hash, prev.tree.N, prev.tree.Hash); err != nil {
			return fmt.Errorf("CheckTree %d -> %d: %w", prev.tree.N, cp.tree.N, err)
		}
		fmt.Printf("ok: tree %d is consistent with the older signed tree %d (proof of %d hashes)\n", cp.tree.N, prev.tree.N, len(proof))
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "tlog-follow:", err)
		os.Exit(1)
	}
}
