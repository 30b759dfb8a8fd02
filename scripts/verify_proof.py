#!/usr/bin/env python3
"""An independent verifier of avccdb Merkle proofs.

Written from docs/PROOF_FORMAT.md alone (not from src/merkle/verify.rs), so
that it cross-checks the Rust verifier. Python 3 standard library only.

Module use
----------
    from verify_proof import verify, Get, History, InvalidProof
    answer = verify(root, Get(key, version), proof_bytes)
    answer = verify(root, History(key, vmin, vmax), proof_bytes)

`verify` returns the proven answer or raises `InvalidProof`; it never
raises anything else for any proof bytes. Answers are dicts:

    {"found": True, "value": bytes, "version": int}
    {"found": False}
    {"history": [(version, value_bytes), ...]}      newest version first

`answer_to_json` turns one into the JSON form below (values as hex).

Command line
------------
    verify_proof.py vectors FILE.jsonl [--mutate N]
        Verifies every vector of FILE and compares with its expectation.
        With --mutate N, for each of the first N vectors that expect a
        valid proof, also checks that every single-byte mutation (each byte
        XOR 0x01 and each byte XOR 0xFF), every truncation (every prefix
        length, 0 included) and the extensions by 1 and by 32 zero bytes
        are rejected with InvalidProof. The last line printed is
        "N passed, M failed" (N, M count vectors); the exit status is 1 if
        any vector failed or the file held no vector, else 0.

    verify_proof.py check --root HEX --key HEX (--version V | --min A --max B)
                          [--hex] PROOF_FILE
        PROOF_FILE holds the raw proof bytes ("-" for stdin; with --hex, the
        proof in hex). V may be "latest" (2^64-1). Prints the proven answer
        as one JSON line. Exit 0: valid; 3: invalid proof; 2: usage error.

Test vector format (.jsonl, one JSON object per line; blank lines ignored)
--------------------------------------------------------------------------
    {"name": str,
     "root": hex,                                   32 bytes
     "query": {"type": "get", "key": hex, "version": int}
            | {"type": "history", "key": hex, "min": int, "max": int},
     "proof": hex,
     "expect": {"valid": true, "answer": ANSWER} | {"valid": false}}

    ANSWER = {"found": true, "value": hex, "version": int}
           | {"found": false}
           | {"history": [[version, value_hex], ...]}     newest first

Versions are unsigned 64-bit integers; "latest" is 18446744073709551615.
Hex is lower- or upper-case, without a prefix.
"""

import argparse
import hashlib
import json
import struct
import sys
from collections import namedtuple

LATEST = (1 << 64) - 1
MAGIC = b"AVCP"
FORMAT = 1
QUERY_GET = 1
QUERY_HISTORY = 2
MAX_LAYERS = 4096
MAX_LEN = (1 << 31) - 1
MAX_N = 1 << 48
MAX_SIBLINGS = 96
MAX_DEPTH = 48
# Smallest encoded sizes, for checking counts against the bytes left.
MIN_LAYER = 43
MIN_ENTRY = 9
MIN_SPAN = 21
MIN_RECORD = 17

# Commit tags.
TAG_BLOCK, TAG_TABLE, TAG_MEMDB, TAG_TABLES, TAG_MASTER = 1, 2, 3, 4, 5
# Layer kinds.
KIND_MEMDB, KIND_L0, KIND_LEVEL = 1, 2, 3
# Layer bodies.
BODY_SKIPPED, BODY_MEMDB, BODY_TABLES = 0, 1, 2
# Entry tags.
ENTRY_OPAQUE, ENTRY_OPENED = 0, 1
# Record kinds.
REC_DELETE, REC_VALUE = 0, 1

ZERO = bytes(32)


class InvalidProof(Exception):
    """The proof does not prove an answer to the query against the root."""


Get = namedtuple("Get", "key version")
History = namedtuple("History", "key min max")

Record = namedtuple("Record", "key version kind value")
Range = namedtuple("Range", "n first siblings")
Layer = namedtuple("Layer", "kind level max_version body payload")
Entry = namedtuple("Entry", "tag smallest largest root blocks spans")
Span = namedtuple("Span", "range records")


# --- Hashes -------------------------------------------------------------------

def _h(*parts):
    return hashlib.sha256(b"".join(parts)).digest()


def _u8(x):
    return struct.pack(">B", x)


def _u32(x):
    return struct.pack(">I", x)


def _u64(x):
    return struct.pack(">Q", x)


def leaf_hash(r):
    return _h(b"\x00", _u32(len(r.key)), r.key, _u64(r.version), _u8(r.kind),
              _u32(len(r.value)), r.value)


def node_hash(left, right):
    return _h(b"\x01", left, right)


def commit_hash(tag, n, root):
    return _h(b"\x02", _u8(tag), _u64(n), root)


def table_entry_hash(smallest, largest, root):
    return _h(b"\x03", _u32(len(smallest)), smallest, _u32(len(largest)),
              largest, root)


def layer_entry_hash(kind, level, max_version, root):
    return _h(b"\x04", _u8(kind), _u8(level), _u64(max_version), root)


def tree_root(items):
    """tree(items): RFC 6962 shape, built bottom-up (odd last node carried)."""
    if not items:
        return ZERO
    level = list(items)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1])
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


# --- Strict decoding ----------------------------------------------------------

class _Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def left(self):
        return len(self.data) - self.pos

    def take(self, n):
        if n < 0 or n > self.left():
            raise InvalidProof("truncated proof")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]

    def blob(self):
        n = self.u32()
        if n > MAX_LEN:
            raise InvalidProof("length above 2^31-1")
        if n > self.left():
            raise InvalidProof("length beyond the proof's end")
        return self.take(n)

    def count(self, n, min_size, what):
        if n * min_size > self.left():
            raise InvalidProof("%s count %d does not fit in the bytes left" % (what, n))
        return n


def _read_range(rd):
    n = rd.u64()
    if not 1 <= n <= MAX_N:
        raise InvalidProof("range n out of bounds")
    first = rd.u64()
    if first >= n:
        raise InvalidProof("range first >= n")
    count = rd.u8()
    if count > MAX_SIBLINGS:
        raise InvalidProof("more than 96 siblings")
    rd.count(count, 32, "sibling")
    siblings = [rd.take(32) for _ in range(count)]
    return Range(n, first, siblings)


def _read_record(rd):
    key = rd.blob()
    version = rd.u64()
    kind = rd.u8()
    if kind not in (REC_DELETE, REC_VALUE):
        raise InvalidProof("unknown record kind")
    value = rd.blob()
    if kind == REC_DELETE and value:
        raise InvalidProof("tombstone with a value")
    return Record(key, version, kind, value)


def _read_records(rd):
    c = rd.count(rd.u32(), MIN_RECORD, "record")
    return [_read_record(rd) for _ in range(c)]


def _read_entry(rd):
    tag = rd.u8()
    if tag not in (ENTRY_OPAQUE, ENTRY_OPENED):
        raise InvalidProof("unknown entry tag")
    smallest = rd.blob()
    largest = rd.blob()
    if tag == ENTRY_OPAQUE:
        return Entry(tag, smallest, largest, rd.take(32), None, None)
    blocks = _read_range(rd)
    b = rd.count(rd.u32(), MIN_SPAN, "block span")
    spans = []
    for _ in range(b):
        rng = _read_range(rd)
        spans.append(Span(rng, _read_records(rd)))
    return Entry(tag, smallest, largest, None, blocks, spans)


def _read_layer(rd):
    kind = rd.u8()
    if kind not in (KIND_MEMDB, KIND_L0, KIND_LEVEL):
        raise InvalidProof("unknown layer kind")
    level = rd.u8()
    max_version = rd.u64()
    body = rd.u8()
    if body == BODY_SKIPPED:
        payload = rd.take(32)
    elif body == BODY_MEMDB:
        rng = _read_range(rd)
        payload = (rng, _read_records(rd))
    elif body == BODY_TABLES:
        rng = _read_range(rd)
        e = rd.count(rd.u32(), MIN_ENTRY, "entry")
        payload = (rng, [_read_entry(rd) for _ in range(e)])
    else:
        raise InvalidProof("unknown layer body")
    return Layer(kind, level, max_version, body, payload)


def decode(proof):
    """Strictly decodes proof bytes into (query kind, layers)."""
    if not isinstance(proof, (bytes, bytearray)):
        raise InvalidProof("proof is not bytes")
    rd = _Reader(bytes(proof))
    if rd.take(4) != MAGIC:
        raise InvalidProof("bad magic")
    if rd.u8() != FORMAT:
        raise InvalidProof("unknown format")
    qkind = rd.u8()
    if qkind not in (QUERY_GET, QUERY_HISTORY):
        raise InvalidProof("unknown query kind")
    nlayers = rd.u32()
    if nlayers > MAX_LAYERS:
        raise InvalidProof("more than 4096 layers")
    rd.count(nlayers, MIN_LAYER, "layer")
    layers = [_read_layer(rd) for _ in range(nlayers)]
    if rd.left():
        raise InvalidProof("trailing bytes")
    return qkind, layers


# --- Verification -------------------------------------------------------------

def range_root(rng, items):
    """The root of tree(all n items) from items first..first+len(items) and
    the siblings, by the top-down walk of the page."""
    n, first, siblings = rng
    c = len(items)
    if c < 1 or first + c > n:
        raise InvalidProof("range does not fit the list")
    end = first + c
    height = (n - 1).bit_length()  # least h with 2^h >= n
    if height > MAX_DEPTH:
        raise InvalidProof("tree too deep")
    state = [0]  # next sibling

    def value(h, j):
        lo = j << h
        hi = min(n, (j + 1) << h)
        if hi <= first or lo >= end:
            if state[0] >= len(siblings):
                raise InvalidProof("missing sibling")
            s = siblings[state[0]]
            state[0] += 1
            return s
        if h == 0:
            return items[j - first]
        if ((2 * j + 1) << (h - 1)) >= n:
            return value(h - 1, 2 * j)
        left = value(h - 1, 2 * j)
        return node_hash(left, value(h - 1, 2 * j + 1))

    root = value(height, 0)
    if state[0] != len(siblings):
        raise InvalidProof("unused siblings")
    return root


_BEFORE, _MATCH, _AFTER = 0, 1, 2


def _check_span(records, key, lo, hi, at_start, at_end, is_get):
    """Checks a span; returns the layer's matches (get: [] or [candidate])."""
    counts = [0, 0, 0]
    prev = None
    prev_cls = _BEFORE
    matches = []
    for r in records:
        if prev is not None:
            if not (prev.key < r.key or
                    (prev.key == r.key and prev.version >= r.version)):
                raise InvalidProof("records out of order")
        if r.key < key or (r.key == key and r.version > hi):
            cls = _BEFORE
        elif r.key > key or (r.key == key and r.version < lo):
            cls = _AFTER
        else:
            cls = _MATCH
        if cls < prev_cls:
            raise InvalidProof("record classes out of order")
        counts[cls] += 1
        if cls == _MATCH:
            matches.append(r)
        prev, prev_cls = r, cls
    b, m, a = counts
    if b > 1 or (b == 0 and not at_start):
        raise InvalidProof("span does not start at the key")
    if is_get:
        if not (m + a == 1 or (m + a == 0 and at_end)):
            raise InvalidProof("get span does not end right after the key")
        return matches
    if a > 1 or (a == 0 and not at_end):
        raise InvalidProof("history span does not end after the range")
    seen = set()
    out = []
    for r in matches:
        if r.version not in seen:
            seen.add(r.version)
            out.append(r)
    return out


def _tables_layer(kind, payload, key, lo, hi, is_get):
    rng, entries = payload
    n, first, _ = rng
    e = len(entries)
    if kind == KIND_L0 and n != 1:
        raise InvalidProof("level-0 table layer with n != 1")
    if not 1 <= e <= 2:
        raise InvalidProof("tables body needs 1 or 2 entries")
    hashes = []
    opened = []
    for ent in entries:
        if ent.smallest > ent.largest:
            raise InvalidProof("entry with smallest > largest")
        if ent.tag == ENTRY_OPAQUE:
            troot = ent.root
        else:
            spans = ent.spans
            nb = len(spans)
            if nb < 1:
                raise InvalidProof("opened entry without blocks")
            block_roots = []
            records = []
            for i, sp in enumerate(spans):
                sn, sfirst, _ = sp.range
                sc = len(sp.records)
                if sc < 1:
                    raise InvalidProof("empty block span")
                if i < nb - 1 and sfirst + sc != sn:
                    raise InvalidProof("block span does not reach its block's end")
                if i > 0 and sfirst != 0:
                    raise InvalidProof("block span does not start at record 0")
                leaves = [leaf_hash(r) for r in sp.records]
                block_roots.append(commit_hash(TAG_BLOCK, sn, range_root(sp.range, leaves)))
                records.extend(sp.records)
            troot = commit_hash(TAG_TABLE, ent.blocks.n, range_root(ent.blocks, block_roots))
            opened.append((ent, records))
        hashes.append(table_entry_hash(ent.smallest, ent.largest, troot))
    layer_root = commit_hash(TAG_TABLES, n, range_root(rng, hashes))

    if e == 1 and entries[0].tag == ENTRY_OPENED:
        ent, records = opened[0]
        if not ent.smallest <= key <= ent.largest:
            raise InvalidProof("opened table does not cover the key")
        spans = ent.spans
        at_start = ent.blocks.first == 0 and spans[0].range.first == 0
        last = spans[-1]
        at_end = (ent.blocks.first + len(spans) == ent.blocks.n and
                  last.range.first + len(last.records) == last.range.n)
        return layer_root, _check_span(records, key, lo, hi, at_start, at_end, is_get)
    if opened:
        raise InvalidProof("opened entry beside another entry")
    if e == 2:
        if not entries[0].largest < key < entries[1].smallest:
            raise InvalidProof("two tables that do not exclude the key")
    else:
        ent = entries[0]
        if not ((first == 0 and key < ent.smallest) or
                (first == n - 1 and key > ent.largest)):
            raise InvalidProof("one table that does not exclude the key")
    return layer_root, []


def verify(root, query, proof):
    """Verifies `proof` for `query` (Get or History) against the 32-byte
    `root`; returns the proven answer or raises InvalidProof."""
    try:
        return _verify(root, query, proof)
    except InvalidProof:
        raise
    except RecursionError as e:  # cannot happen: the walk is <= 49 deep
        raise InvalidProof("recursion: %s" % e)


def _verify(root, query, proof):
    if not isinstance(root, (bytes, bytearray)) or len(root) != 32:
        raise InvalidProof("root is not 32 bytes")
    if isinstance(query, Get):
        is_get, key, lo, hi = True, bytes(query.key), 0, query.version
        want = QUERY_GET
    elif isinstance(query, History):
        is_get, key, lo, hi = False, bytes(query.key), query.min, query.max
        want = QUERY_HISTORY
        if lo > hi:
            raise InvalidProof("history query with min > max")
    else:
        raise TypeError("query must be Get or History")
    qkind, layers = decode(proof)
    if qkind != want:
        raise InvalidProof("proof is for another kind of query")

    best = None  # get: the best candidate so far
    history = {}  # history: version -> first record
    layer_hashes = []
    for layer in layers:
        kind, level = layer.kind, layer.level
        if kind in (KIND_MEMDB, KIND_L0):
            if level != 0:
                raise InvalidProof("memdb/level-0 layer with level != 0")
        elif not 1 <= level <= 6:
            raise InvalidProof("level layer with level outside 1..6")
        if layer.body == BODY_SKIPPED:
            if is_get:
                # Its candidate could only tie (≤ hi, ≤ max_version) and ties
                # go to the earlier layer.
                if best is None or best.version < min(layer.max_version, hi):
                    raise InvalidProof("get: layer skipped that may hold a newer record")
            elif not layer.max_version < lo:
                raise InvalidProof("history: layer skipped that may hold a version in range")
            lroot, matches = layer.payload, []
        elif layer.body == BODY_MEMDB:
            if kind != KIND_MEMDB:
                raise InvalidProof("memdb body in a table layer")
            rng, records = layer.payload
            leaves = [leaf_hash(r) for r in records]
            lroot = commit_hash(TAG_MEMDB, rng.n, range_root(rng, leaves))
            matches = _check_span(records, key, lo, hi, rng.first == 0,
                                  rng.first + len(records) == rng.n, is_get)
        else:
            if kind == KIND_MEMDB:
                raise InvalidProof("tables body in a memdb layer")
            lroot, matches = _tables_layer(kind, layer.payload, key, lo, hi, is_get)
        for r in matches:
            if r.version > layer.max_version:
                raise InvalidProof("record above its layer's max_version")
        if is_get:
            for r in matches:
                if best is None or r.version > best.version:
                    best = r
        else:
            for r in matches:
                history.setdefault(r.version, r)
        layer_hashes.append(layer_entry_hash(kind, level, layer.max_version, lroot))

    master = commit_hash(TAG_MASTER, len(layers), tree_root(layer_hashes))
    if master != bytes(root):
        raise InvalidProof("root mismatch")
    if is_get:
        if best is None or best.kind == REC_DELETE:
            return {"found": False}
        return {"found": True, "value": best.value, "version": best.version}
    out = [(v, history[v].value) for v in sorted(history, reverse=True)
           if history[v].kind == REC_VALUE]
    return {"history": out}


# --- JSON forms ---------------------------------------------------------------

def answer_to_json(ans):
    if "history" in ans:
        return {"history": [[v, val.hex()] for v, val in ans["history"]]}
    if ans["found"]:
        return {"found": True, "value": ans["value"].hex(), "version": ans["version"]}
    return {"found": False}


def _u64_json(x, what):
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= LATEST:
        raise ValueError("%s is not an unsigned 64-bit integer" % what)
    return x


def query_from_json(q):
    key = bytes.fromhex(q["key"])
    if q["type"] == "get":
        return Get(key, _u64_json(q["version"], "version"))
    if q["type"] == "history":
        return History(key, _u64_json(q["min"], "min"), _u64_json(q["max"], "max"))
    raise ValueError("unknown query type %r" % q["type"])


def answer_from_json(a):
    """Normalises an expected answer (hex in any case) to the JSON form."""
    if set(a) == {"history"}:
        return {"history": [[_u64_json(v, "version"), bytes.fromhex(x).hex()]
                            for v, x in a["history"]]}
    if a.get("found") is True and set(a) == {"found", "value", "version"}:
        return {"found": True, "value": bytes.fromhex(a["value"]).hex(),
                "version": _u64_json(a["version"], "version")}
    if a == {"found": False}:
        return {"found": False}
    raise ValueError("malformed answer %r" % (a,))


# --- Command line ------------------------------------------------------------

def _mutations(proof):
    for i in range(len(proof)):
        for x in (0x01, 0xFF):
            m = bytearray(proof)
            m[i] ^= x
            yield "byte %d ^ 0x%02x" % (i, x), bytes(m)
    for k in range(len(proof)):
        yield "truncated to %d" % k, proof[:k]
    yield "extended by 1", proof + b"\x00"
    yield "extended by 32", proof + bytes(32)


def _run_vector(v, mutate):
    """Returns (ok, message, mutations checked)."""
    root = bytes.fromhex(v["root"])
    query = query_from_json(v["query"])
    proof = bytes.fromhex(v["proof"])
    expect = v["expect"]
    try:
        got = answer_to_json(verify(root, query, proof))
    except InvalidProof as e:
        got, why = None, str(e)
    if expect.get("valid") is True:
        want = answer_from_json(expect["answer"])
        if got is None:
            return False, "rejected a valid proof: %s" % why, 0
        if got != want:
            return False, "answer %s, expected %s" % (json.dumps(got), json.dumps(want)), 0
    elif expect == {"valid": False}:
        if got is not None:
            return False, "accepted an invalid proof with %s" % json.dumps(got), 0
    else:
        raise ValueError("malformed expect %r" % (expect,))
    if not mutate:
        return True, "", 0
    checked = 0
    for what, m in _mutations(proof):
        checked += 1
        try:
            ans = verify(root, query, m)
        except InvalidProof:
            continue
        except Exception as e:  # noqa: BLE001 - reported as a failure
            return False, "mutation %s raised %s: %s" % (what, type(e).__name__, e), checked
        return False, "mutation %s accepted: %s" % (what, json.dumps(answer_to_json(ans))), checked
    return True, "", checked


def cmd_vectors(args):
    passed = failed = 0
    mutated = mutations = 0
    try:
        f = open(args.file, encoding="utf-8")
    except OSError as e:
        print("verify_proof: %s" % e, file=sys.stderr)
        return 2
    with f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            name = "line %d" % lineno
            try:
                v = json.loads(line)
                name = "%s (line %d)" % (v.get("name", "?"), lineno)
                do_mutate = (mutated < args.mutate and
                             v["expect"].get("valid") is True)
                ok, msg, n = _run_vector(v, do_mutate)
                if do_mutate:
                    mutated += 1
                    mutations += n
            except Exception as e:  # noqa: BLE001 - a broken vector fails
                ok, msg = False, "%s: %s" % (type(e).__name__, e)
            if ok:
                passed += 1
            else:
                failed += 1
                print("FAIL %s: %s" % (name, msg))
    if args.mutate:
        print("mutations: %d proofs, %d mutated copies, all rejected unless a FAIL says otherwise"
              % (mutated, mutations))
    if passed + failed == 0:
        print("verify_proof: no vectors in %s" % args.file, file=sys.stderr)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


def _u64_arg(s):
    if s == "latest":
        return LATEST
    try:
        x = int(s, 0)
    except ValueError:
        raise argparse.ArgumentTypeError("not an integer: %r" % s)
    if not 0 <= x <= LATEST:
        raise argparse.ArgumentTypeError("not an unsigned 64-bit integer: %r" % s)
    return x


def _hex_arg(s):
    try:
        return bytes.fromhex(s)
    except ValueError:
        raise argparse.ArgumentTypeError("not hex: %r" % s)


def cmd_check(args, parser):
    if len(args.root) != 32:
        parser.error("--root must be 32 bytes (64 hex digits)")
    if args.version is not None:
        if args.min is not None or args.max is not None:
            parser.error("give either --version or --min and --max")
        query = Get(args.key, args.version)
    else:
        if args.min is None or args.max is None:
            parser.error("give either --version or --min and --max")
        if args.min > args.max:
            parser.error("--min must not exceed --max")
        query = History(args.key, args.min, args.max)
    try:
        if args.proof_file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.proof_file, "rb") as f:
                data = f.read()
    except OSError as e:
        print("verify_proof: %s" % e, file=sys.stderr)
        return 2
    if args.hex:
        try:
            data = bytes.fromhex(data.decode("ascii").strip())
        except ValueError:
            print("verify_proof: %s is not hex" % args.proof_file, file=sys.stderr)
            return 2
    try:
        ans = verify(args.root, query, data)
    except InvalidProof as e:
        print("invalid proof: %s" % e, file=sys.stderr)
        return 3
    print(json.dumps(answer_to_json(ans)))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Verify avccdb Merkle proofs (docs/PROOF_FORMAT.md).")
    sub = parser.add_subparsers(dest="cmd", required=True)
    pv = sub.add_parser("vectors", help="check a .jsonl file of test vectors")
    pv.add_argument("file")
    pv.add_argument("--mutate", type=int, default=0, metavar="N",
                    help="also check mutations of the first N valid vectors")
    pc = sub.add_parser("check", help="verify one proof and print its answer")
    pc.add_argument("--root", type=_hex_arg, required=True)
    pc.add_argument("--key", type=_hex_arg, required=True)
    pc.add_argument("--version", type=_u64_arg)
    pc.add_argument("--min", type=_u64_arg)
    pc.add_argument("--max", type=_u64_arg)
    pc.add_argument("--hex", action="store_true", help="PROOF_FILE holds hex")
    pc.add_argument("proof_file", metavar="PROOF_FILE")
    args = parser.parse_args(argv)
    if args.cmd == "vectors":
        if args.mutate < 0:
            parser.error("--mutate must be >= 0")
        return cmd_vectors(args)
    return cmd_check(args, pc)


if __name__ == "__main__":
    sys.exit(main())
