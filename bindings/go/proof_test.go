// proof_test.go: Merkle proofs through the binding: round trips, stable
// snapshot roots, tampered proofs, the integrity check.
package avccdb

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
)

func proofFixture(t *testing.T, db *DB) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	filler := func(from, to int) {
		for i := from; i < to; i++ {
			must(db.Put([]byte(fmt.Sprintf("f%05d", i)), bytes.Repeat([]byte{byte(i)}, 300), nil))
		}
	}
	must(db.PutVersion([]byte("acct"), 10, []byte("a10"), nil))
	filler(0, 1000)
	must(db.PutVersion([]byte("acct"), 20, []byte("a20"), nil))
	filler(1000, 2000)
	must(db.DeleteVersion([]byte("acct"), 30, nil))
	must(db.PutVersion([]byte("empty"), 7, nil, nil))
}

type getCase struct {
	key     string
	version uint64
	found   bool
	value   string
	at      uint64
}

var proofGetCases = []getCase{
	{"acct", LatestVersion, false, "", 0}, // deleted at 30
	{"acct", 30, false, "", 0},
	{"acct", 29, true, "a20", 20},
	{"acct", 15, true, "a10", 10}, // an older version
	{"acct", 9, false, "", 0},     // before the first version
	{"empty", LatestVersion, true, "", 7},
	{"f00123", LatestVersion, true, string(bytes.Repeat([]byte{123}, 300)), 0},
	{"f01999", 0, true, string(bytes.Repeat([]byte{1999 % 256}, 300)), 0},
	{"never", LatestVersion, false, "", 0},
	{"", LatestVersion, false, "", 0},     // the empty key, never written
	{"zzzz", LatestVersion, false, "", 0}, // after every key
}

// checkProvenGets reads each case with a proof through get and checks the
// answer and that the proof verifies, with only the root, to that answer.
func checkProvenGets(t *testing.T, when string, get func([]byte, uint64) (ProvenValue, error), wantRoot *Root) {
	t.Helper()
	for _, c := range proofGetCases {
		p, err := get([]byte(c.key), c.version)
		if err != nil {
			t.Fatalf("%s: GetWithProof(%q, %d): %v", when, c.key, c.version, err)
		}
		if p.Found != c.found || string(p.Value) != c.value || p.Version != c.at ||
			(c.found && p.Value == nil) || (!c.found && p.Value != nil) {
			t.Fatalf("%s: GetWithProof(%q, %d) = %q (found %v, version %d); want %q (found %v, version %d)",
				when, c.key, c.version, p.Value, p.Found, p.Version, c.value, c.found, c.at)
		}
		if len(p.Proof) == 0 {
			t.Fatalf("%s: GetWithProof(%q, %d): empty proof", when, c.key, c.version)
		}
		if wantRoot != nil && p.Root != *wantRoot {
			t.Fatalf("%s: GetWithProof(%q) root %v, want %v", when, c.key, p.Root, *wantRoot)
		}
		v, found, at, err := VerifyGetProof(p.Root, []byte(c.key), c.version, p.Proof)
		if err != nil || found != c.found || string(v) != c.value || at != c.at || (found && v == nil) {
			t.Fatalf("%s: VerifyGetProof(%q, %d) = %q, %v, %d, %v; want %q, %v, %d",
				when, c.key, c.version, v, found, at, err, c.value, c.found, c.at)
		}
	}
}

type historyCase struct {
	key      string
	min, max uint64
	want     string // fmt of []VersionedValue as "version=value ..."
}

var proofHistoryCases = []historyCase{
	{"acct", 0, LatestVersion, "20=a20 10=a10"},
	{"acct", 10, 20, "20=a20 10=a10"},
	{"acct", 15, LatestVersion, "20=a20"},
	{"acct", 11, 19, ""},
	{"acct", 30, 30, ""}, // the deletion is left out
	{"empty", 0, LatestVersion, "7="},
	{"never", 0, LatestVersion, ""},
}

func historyString(h []VersionedValue) string {
	parts := make([]string, len(h))
	for i, e := range h {
		parts[i] = fmt.Sprintf("%d=%s", e.Version, e.Value)
	}
	return strings.Join(parts, " ")
}

func checkProvenHistories(t *testing.T, when string, hist func([]byte, uint64, uint64) (ProvenHistory, error), wantRoot *Root) {
	t.Helper()
	for _, c := range proofHistoryCases {
		h, err := hist([]byte(c.key), c.min, c.max)
		if err != nil {
			t.Fatalf("%s: VersionHistoryWithProof(%q, %d, %d): %v", when, c.key, c.min, c.max, err)
		}
		if got := historyString(h.Versions); got != c.want || len(h.Proof) == 0 {
			t.Fatalf("%s: VersionHistoryWithProof(%q, %d, %d) = %q (%d-byte proof); want %q",
				when, c.key, c.min, c.max, got, len(h.Proof), c.want)
		}
		if wantRoot != nil && h.Root != *wantRoot {
			t.Fatalf("%s: VersionHistoryWithProof(%q) root %v, want %v", when, c.key, h.Root, *wantRoot)
		}
		v, err := VerifyHistoryProof(h.Root, []byte(c.key), c.min, c.max, h.Proof)
		if err != nil || historyString(v) != c.want {
			t.Fatalf("%s: VerifyHistoryProof(%q, %d, %d) = %q, %v; want %q",
				when, c.key, c.min, c.max, historyString(v), err, c.want)
		}
		for _, e := range v {
			if e.Value == nil {
				t.Fatalf("%s: VerifyHistoryProof(%q): nil value at version %d", when, c.key, e.Version)
			}
		}
	}
}

// Found, absent, deleted, older versions and histories, from the current
// state and from a snapshot, before and after reopening.
func TestProofRoundTrips(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	db := open(t, dir)
	proofFixture(t, db)
	for _, when := range []string{"before reopen", "after reopen"} {
		checkProvenGets(t, when, func(k []byte, v uint64) (ProvenValue, error) { return db.GetWithProof(k, v, nil) }, nil)
		checkProvenHistories(t, when, func(k []byte, lo, hi uint64) (ProvenHistory, error) {
			return db.VersionHistoryWithProof(k, lo, hi, nil)
		}, nil)
		snap := mustSnapshot(t, db)
		root, err := snap.MasterRoot()
		if err != nil {
			t.Fatal(err)
		}
		if viaRO, err := db.MasterRoot(&ReadOptions{Snapshot: snap}); err != nil || viaRO != root {
			t.Fatalf("%s: master root through read options = %v, %v; snapshot's %v", when, viaRO, err, root)
		}
		checkProvenGets(t, when+" (snapshot)", snap.GetWithProof, &root)
		checkProvenHistories(t, when+" (snapshot)", snap.VersionHistoryWithProof, &root)
		snap.Release()
		if _, err := snap.MasterRoot(); !errors.Is(err, ErrClosed) {
			t.Fatalf("MasterRoot of a released snapshot: %v; want ErrClosed", err)
		}
		if _, err := snap.GetWithProof([]byte("acct"), LatestVersion); !errors.Is(err, ErrClosed) {
			t.Fatalf("GetWithProof on a released snapshot: %v; want ErrClosed", err)
		}
		if _, err := snap.Get([]byte("acct"), nil); !errors.Is(err, ErrClosed) {
			t.Fatalf("Get on a released snapshot: %v; want ErrClosed", err)
		}
		if _, err := db.MasterRoot(nil); err != nil {
			t.Fatal(err)
		}
		db.Close()
		var err2 error
		if db, err2 = Open(dir, nil); err2 != nil {
			t.Fatal(err2)
		}
	}
	defer db.Close()
	// min > max is a bad argument, not an invalid proof, on both sides.
	_, err := db.VersionHistoryWithProof([]byte("acct"), 5, 4, nil)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindInvalidArgument || errors.Is(err, ErrInvalidProof) {
		t.Fatalf("VersionHistoryWithProof(min > max) err = %v; want kind %v", err, KindInvalidArgument)
	}
	_, err = VerifyHistoryProof(Root{}, []byte("acct"), 5, 4, []byte("AVCP"))
	if !errors.As(err, &e) || e.Kind != KindInvalidArgument || errors.Is(err, ErrInvalidProof) {
		t.Fatalf("VerifyHistoryProof(min > max) err = %v; want kind %v", err, KindInvalidArgument)
	}
}

// A snapshot's root stays put, and proofs through it verify against it,
// while another goroutine keeps writing (flushes and compactions move the
// current root meanwhile).
func TestSnapshotRootStableWhileWriting(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "db"))
	defer db.Close()
	proofFixture(t, db)
	snap := mustSnapshot(t, db)
	defer snap.Release()
	root, err := snap.MasterRoot()
	if err != nil {
		t.Fatal(err)
	}

	done := make(chan error, 1)
	go func() {
		for i := 0; i < 4000; i++ {
			k := []byte(fmt.Sprintf("f%05d", (i*7)%2500))
			if err := db.Put(k, bytes.Repeat([]byte{'w'}, 200+i%100), nil); err != nil {
				done <- err
				return
			}
			if i%500 == 0 {
				if err := db.PutVersion([]byte("acct"), 40+uint64(i), []byte("later"), nil); err != nil {
					done <- err
					return
				}
			}
		}
		done <- nil
	}()
	rounds := 0
	for writing := true; writing || rounds == 0; rounds++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("writer: %v", err)
			}
			writing = false
		default:
		}
		checkProvenGets(t, fmt.Sprintf("round %d", rounds), snap.GetWithProof, &root)
		if rounds%4 == 0 {
			checkProvenHistories(t, fmt.Sprintf("round %d", rounds), snap.VersionHistoryWithProof, &root)
		}
		if r, err := snap.MasterRoot(); err != nil || r != root {
			t.Fatalf("round %d: snapshot root %v, %v; want %v", rounds, r, err, root)
		}
	}
	t.Logf("%d rounds of proofs against the snapshot root during the writes", rounds)

	// The current state moved on: its root differs, its answer for acct
	// too, and its proof does not verify against the snapshot's root.
	cur, err := db.GetWithProof([]byte("acct"), LatestVersion, nil)
	if err != nil || !cur.Found || string(cur.Value) != "later" {
		t.Fatalf("current GetWithProof(acct) = %+v, %v", cur, err)
	}
	if cur.Root == root {
		t.Fatalf("the current root did not move after the writes")
	}
	if _, _, _, err := VerifyGetProof(cur.Root, []byte("acct"), LatestVersion, cur.Proof); err != nil {
		t.Fatalf("current proof against its own root: %v", err)
	}
	if _, _, _, err := VerifyGetProof(root, []byte("acct"), LatestVersion, cur.Proof); !errors.Is(err, ErrInvalidProof) {
		t.Fatalf("current proof against the snapshot root: err = %v; want ErrInvalidProof", err)
	}
}

// Every changed byte, every truncation, an extension, another key, another
// version, another root and garbage are all rejected with ErrInvalidProof.
func TestTamperedProofsRejected(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "db"))
	defer db.Close()
	proofFixture(t, db)
	snap := mustSnapshot(t, db)
	defer snap.Release()
	root, err := snap.MasterRoot()
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("acct")
	p, err := snap.GetWithProof(key, 29)
	if err != nil || !p.Found {
		t.Fatalf("GetWithProof: %+v, %v", p, err)
	}
	h, err := snap.VersionHistoryWithProof(key, 0, LatestVersion)
	if err != nil || len(h.Versions) != 2 {
		t.Fatalf("VersionHistoryWithProof: %+v, %v", h, err)
	}
	invalid := func(what string, err error) {
		t.Helper()
		var e *Error
		if !errors.Is(err, ErrInvalidProof) || !errors.As(err, &e) || e.Kind != KindInvalidProof ||
			!strings.HasPrefix(e.Message, "Invalid proof: ") {
			t.Fatalf("%s: err = %v; want an *Error matching ErrInvalidProof", what, err)
		}
	}
	verifyGet := func(root Root, key []byte, version uint64, proof []byte) error {
		v, found, at, err := VerifyGetProof(root, key, version, proof)
		if err != nil && (v != nil || found || at != 0) {
			t.Fatalf("VerifyGetProof failed with a result: %q %v %d", v, found, at)
		}
		return err
	}
	verifyHistory := func(root Root, key []byte, proof []byte) error {
		v, err := VerifyHistoryProof(root, key, 0, LatestVersion, proof)
		if err != nil && v != nil {
			t.Fatalf("VerifyHistoryProof failed with a result: %v", v)
		}
		return err
	}
	for _, x := range []struct {
		name   string
		proof  []byte
		verify func([]byte) error
	}{
		{"get", p.Proof, func(b []byte) error { return verifyGet(root, key, 29, b) }},
		{"history", h.Proof, func(b []byte) error { return verifyHistory(root, key, b) }},
	} {
		if err := x.verify(x.proof); err != nil {
			t.Fatalf("%s: the untouched proof: %v", x.name, err)
		}
		buf := make([]byte, len(x.proof))
		for i := range x.proof {
			for _, flip := range []byte{0x01, 0xff} {
				copy(buf, x.proof)
				buf[i] ^= flip
				invalid(fmt.Sprintf("%s proof, byte %d of %d ^ %#x", x.name, i, len(x.proof), flip), x.verify(buf))
			}
			invalid(fmt.Sprintf("%s proof truncated to %d bytes", x.name, i), x.verify(x.proof[:i]))
		}
		invalid(x.name+" proof + 1 byte", x.verify(append(append([]byte{}, x.proof...), 0)))
		t.Logf("%s proof: %d bytes, each flipped two ways and truncated: all rejected", x.name, len(x.proof))
	}
	// The right proof for another query, or against another root.
	invalid("get proof for another key", verifyGet(root, []byte("empty"), 29, p.Proof))
	invalid("get proof for another key", verifyGet(root, []byte("f00123"), 29, p.Proof))
	invalid("get proof for another version", verifyGet(root, key, LatestVersion, p.Proof))
	invalid("get proof for another version", verifyGet(root, key, 15, p.Proof))
	invalid("history proof as a get proof", verifyGet(root, key, 29, h.Proof))
	invalid("get proof as a history proof", verifyHistory(root, key, p.Proof))
	invalid("history proof for another key", verifyHistory(root, []byte("empty"), h.Proof))
	_, err = VerifyHistoryProof(root, key, 15, LatestVersion, h.Proof)
	invalid("history proof for another range", err)
	// A proof checked for another query either fails or gives that query's
	// true answer: the absence of "never" also proves "nevermore" absent
	// (nothing lies between their neighbours), and acct@29 holds at 25.
	never, err := snap.GetWithProof([]byte("never"), LatestVersion)
	if err != nil || never.Found {
		t.Fatalf("GetWithProof(never) = %+v, %v", never, err)
	}
	if v, found, _, err := VerifyGetProof(root, []byte("nevermore"), LatestVersion, never.Proof); err != nil || found || v != nil {
		t.Fatalf("absence proof of never for nevermore: %q, %v, %v; want proven absent", v, found, err)
	}
	if v, found, at, err := VerifyGetProof(root, key, 25, p.Proof); err != nil || !found || string(v) != "a20" || at != 20 {
		t.Fatalf("acct@29 proof at 25: %q, %v, %d, %v; want a20 at 20", v, found, at, err)
	}
	invalid("absence proof for a key that exists", verifyGet(root, []byte("f00000"), LatestVersion, never.Proof))
	other := root
	other[RootSize-1] ^= 1
	invalid("get proof against another root", verifyGet(other, key, 29, p.Proof))
	invalid("history proof against another root", verifyHistory(other, key, h.Proof))
	// Garbage, including nothing at all.
	invalid("nil proof", verifyGet(root, key, 29, nil))
	invalid("nil history proof", verifyHistory(root, key, nil))
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 100; i++ {
		junk := make([]byte, rng.Intn(300))
		rng.Read(junk)
		if i%2 == 0 && len(junk) >= 4 {
			copy(junk, "AVCP")
		}
		invalid("random bytes", verifyGet(root, key, 29, junk))
		invalid("random bytes", verifyHistory(root, key, junk))
	}
}

// The integrity check is clean with tables hashed as they are written and
// with hashing deferred; roots and proofs work both ways.
func TestCheckIntegrityAndMerkleOnWrite(t *testing.T) {
	for _, deferHashing := range []bool{false, true} {
		name := fmt.Sprintf("DisableMerkleOnWrite=%v", deferHashing)
		dir := filepath.Join(t.TempDir(), "db")
		db, err := Open(dir, &Options{CreateIfMissing: true, WriteBufferSize: 64 << 10,
			DisableMerkleOnWrite: deferHashing})
		if err != nil {
			t.Fatal(err)
		}
		proofFixture(t, db)
		checkProvenGets(t, name, func(k []byte, v uint64) (ProvenValue, error) { return db.GetWithProof(k, v, nil) }, nil)
		checkProvenHistories(t, name, func(k []byte, lo, hi uint64) (ProvenHistory, error) {
			return db.VersionHistoryWithProof(k, lo, hi, nil)
		}, nil)
		r, err := db.CheckIntegrity()
		if err != nil {
			t.Fatalf("%s: CheckIntegrity: %v", name, err)
		}
		if !r.OK() || r.Tables == 0 || r.Blocks < r.Tables || r.Records == 0 || r.Bytes == 0 ||
			!strings.HasPrefix(r.Text, fmt.Sprintf("tables %d, blocks %d, records %d, bytes %d, problems 0",
				r.Tables, r.Blocks, r.Records, r.Bytes)) {
			t.Fatalf("%s: CheckIntegrity = %+v", name, r)
		}
		t.Logf("%s: %s", name, strings.TrimSpace(r.Text))
		db.Close()
		if _, err := db.CheckIntegrity(); !errors.Is(err, ErrClosed) {
			t.Fatalf("CheckIntegrity after Close: %v; want ErrClosed", err)
		}
		if _, err := db.MasterRoot(nil); !errors.Is(err, ErrClosed) {
			t.Fatalf("MasterRoot after Close: %v; want ErrClosed", err)
		}
		if _, err := db.GetWithProof([]byte("k"), LatestVersion, nil); !errors.Is(err, ErrClosed) {
			t.Fatalf("GetWithProof after Close: %v; want ErrClosed", err)
		}
	}
}

func TestRootHex(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "db"))
	defer db.Close()
	root, err := db.MasterRoot(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := root.String()
	if len(s) != 2*RootSize || strings.ToLower(s) != s {
		t.Fatalf("Root.String() = %q", s)
	}
	if back, err := ParseRoot(s); err != nil || back != root {
		t.Fatalf("ParseRoot(String()) = %v, %v; want %v", back, err, root)
	}
	if back, err := ParseRoot(strings.ToUpper(s)); err != nil || back != root {
		t.Fatalf("ParseRoot(upper case) = %v, %v", back, err)
	}
	for _, bad := range []string{"", s[:62], s + "00", "zz" + s[2:]} {
		if _, err := ParseRoot(bad); err == nil {
			t.Fatalf("ParseRoot(%q) succeeded", bad)
		}
	}
	if fmt.Sprint(root) != s {
		t.Fatalf("fmt of a Root = %s", fmt.Sprint(root))
	}
}
