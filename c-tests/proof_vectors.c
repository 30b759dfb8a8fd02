/* Writes Merkle proof test vectors for an independent verifier.
 *
 * Usage: proof_vectors <output.jsonl>
 *
 * Builds a database in a temporary directory (small write buffer, blocks
 * and tables, so that the state has a memdb, several level-0 tables and
 * tables on more than one level) with several versions per key,
 * tombstones, same-version overwrites in newer layers, an empty key and
 * binary keys; takes a snapshot; and writes one JSON object per line:
 *
 *   {"name": str, "root": hex,
 *    "query": {"type": "get", "key": hex, "version": int}
 *           | {"type": "history", "key": hex, "min": int, "max": int},
 *    "proof": hex,
 *    "expect": {"valid": true, "answer": {"found": true, "value": hex,
 *                                         "version": int}
 *                                      | {"found": false}
 *                                      | {"history": [[version, hex], ...]}}
 *            | {"valid": false}}
 *
 * Versions are unsigned 64-bit decimals (18446744073709551615 is "latest").
 * Expected answers come from a model of the writes kept here, not from the
 * database; every vector is checked against the model with
 * avccdb_verify_get_proof / avccdb_verify_history_proof before it is
 * written (invalid ones must fail with AVCCDB_ERR_INVALID_PROOF), and the
 * program exits non-zero on any disagreement. */
#include "test_util.h" /* first: it defines _GNU_SOURCE */

#include <inttypes.h>
#include <time.h>

#define NKEYS 400       /* k0000 .. k0399 */
#define NSPECIAL 3      /* the empty key, a binary key, k0100 + NUL */
#define NALL (NKEYS + NSPECIAL)
#define NVERS 7         /* versions 0..6; writes use 1..6 */
#define MAXV AVCCDB_MAX_VERSION

enum { NONE = 0, VALUE = 1, TOMBSTONE = 2 };
typedef struct {
  int state;
  int round;
} cell;

static cell model[NALL][NVERS];
/* The round of each key's first write (-1: none yet). */
static int first_round[NALL];

static avccdb_t *db;
static avccdb_writeoptions_t *wo;
static FILE *out;
static int vectors;

/* The bytes of key i. */
static size_t key_of(int i, char *buf) {
  if (i < NKEYS) return (size_t)sprintf(buf, "k%04d", i);
  switch (i - NKEYS) {
    case 0:
      return 0;
    case 1:
      memcpy(buf, "\x00\xff\x01", 3);
      return 3;
    default:
      memcpy(buf, "k0100\x00", 6);
      return 6;
  }
}

/* The value written to key i at version v in round r: varied lengths. */
static size_t value_of(int i, int v, int r, char *buf) {
  int n = sprintf(buf, "val-%d-v%d-r%d-", i, v, r);
  int pad = (i * 37 + v * 11 + r * 5) % 180;
  memset(buf + n, 'a' + (i + r) % 26, (size_t)pad);
  return (size_t)(n + pad);
}

static void put(int i, int v, int r) {
  char k[16], val[256], *err = NULL;
  size_t kl = key_of(i, k), vl = value_of(i, v, r, val);
  avccdb_put_with_version(db, wo, k, kl, (uint64_t)v, val, vl, &err);
  CHECK_OK(err);
  model[i][v].state = VALUE;
  model[i][v].round = r;
  if (first_round[i] < 0) first_round[i] = r;
}

static void del(int i, int v, int r) {
  char k[16], *err = NULL;
  size_t kl = key_of(i, k);
  avccdb_delete_with_version(db, wo, k, kl, (uint64_t)v, &err);
  CHECK_OK(err);
  model[i][v].state = TOMBSTONE;
  model[i][v].round = r;
  if (first_round[i] < 0) first_round[i] = r;
}

/* The model's answer to Get(i, version): the found version, or -1. */
static int model_get(int i, uint64_t version) {
  if (i < 0) return -1; /* never written */
  int top = version >= NVERS - 1 ? NVERS - 1 : (int)version;
  for (int v = top; v >= 0; v--) {
    if (model[i][v].state == VALUE) return v;
    if (model[i][v].state == TOMBSTONE) return -1;
  }
  return -1;
}

static void hex(const void *p, size_t n) {
  const unsigned char *b = (const unsigned char *)p;
  for (size_t i = 0; i < n; i++) fprintf(out, "%02x", b[i]);
}

/* A queried key: an index into the model, or -1 with explicit bytes for a
 * key never written. */
typedef struct {
  int index;
  char bytes[16];
  size_t len;
  const char *label;
} qkey;

static qkey model_key(int i) {
  qkey q;
  q.index = i;
  q.len = key_of(i, q.bytes);
  q.label = NULL;
  return q;
}

static qkey unwritten_key(const char *bytes, size_t len, const char *label) {
  qkey q;
  q.index = -1;
  memcpy(q.bytes, bytes, len);
  q.len = len;
  q.label = label;
  return q;
}

static void name_key(const qkey *q, char *buf, size_t n) {
  if (q->label) {
    snprintf(buf, n, "%s", q->label);
  } else if (q->index < NKEYS) {
    snprintf(buf, n, "%.*s", (int)q->len, q->bytes);
  } else {
    snprintf(buf, n, "special%d", q->index - NKEYS);
  }
}

static void line_start(const char *name, const unsigned char *root) {
  fprintf(out, "{\"name\": \"%s\", \"root\": \"", name);
  hex(root, AVCCDB_ROOT_SIZE);
  fprintf(out, "\", ");
}

static void get_query(const qkey *q, uint64_t version) {
  fprintf(out, "\"query\": {\"type\": \"get\", \"key\": \"");
  hex(q->bytes, q->len);
  fprintf(out, "\", \"version\": %" PRIu64 "}, ", version);
}

static void history_query(const qkey *q, uint64_t min, uint64_t max) {
  fprintf(out, "\"query\": {\"type\": \"history\", \"key\": \"");
  hex(q->bytes, q->len);
  fprintf(out, "\", \"min\": %" PRIu64 ", \"max\": %" PRIu64 "}, ", min, max);
}

static void proof_field(const char *proof, size_t len) {
  fprintf(out, "\"proof\": \"");
  hex(proof, len);
  fprintf(out, "\", ");
}

/* Checks a get proof with the C verifier against model answer `want` (a
 * version, or -1 for absent; -2: the proof must be rejected). */
static void check_get(const unsigned char *root, const qkey *q,
                      uint64_t version, const char *proof, size_t len,
                      int want, int round) {
  char *err = NULL, *val = NULL;
  size_t vallen = 0;
  uint64_t found = 0;
  int rc = avccdb_verify_get_proof(root, q->bytes, q->len, version, proof,
                                   len, &val, &vallen, &found, &err);
  if (want == -2) {
    CHECK(rc == AVCCDB_GET_ERROR);
    CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_PROOF);
    avccdb_free(err);
    return;
  }
  CHECK_OK(err);
  if (want < 0) {
    CHECK(rc == AVCCDB_GET_NOT_FOUND);
    return;
  }
  char expect[256];
  size_t n = value_of(q->index, want, round, expect);
  CHECK(rc == AVCCDB_GET_FOUND && found == (uint64_t)want);
  CHECK(vallen == n && memcmp(val, expect, n) == 0);
  avccdb_free(val);
}

/* A get proof from the database (through `ro`), checked against the model
 * answer and against `root`. The caller frees *proof. */
static void prove_get(avccdb_readoptions_t *ro, const unsigned char *root,
                      const qkey *q, uint64_t version, char **proof,
                      size_t *len) {
  char *err = NULL;
  size_t vallen = 0;
  uint64_t found = 0;
  unsigned char got_root[AVCCDB_ROOT_SIZE];
  char *v = avccdb_get_with_proof(db, ro, q->bytes, q->len, version, &vallen,
                                  &found, got_root, proof, len, &err);
  CHECK_OK(err);
  CHECK(memcmp(got_root, root, AVCCDB_ROOT_SIZE) == 0);
  int want = model_get(q->index, version);
  CHECK(want < 0 ? v == NULL : (v != NULL && found == (uint64_t)want));
  avccdb_free(v);
}

/* Coverage of the answer kinds, checked at the end. */
static int n_found_latest, n_found_older, n_fresh, n_absent_never,
    n_absent_deleted, n_history, n_history_empty, n_invalid;

static void emit_get(avccdb_readoptions_t *ro, const unsigned char *root,
                     const qkey *q, uint64_t version) {
  char *proof = NULL, kname[32], name[96], vname[24];
  size_t len = 0;
  prove_get(ro, root, q, version, &proof, &len);
  int want = model_get(q->index, version);
  int round = want >= 0 ? model[q->index][want].round : 0;
  check_get(root, q, version, proof, len, want, round);

  name_key(q, kname, sizeof kname);
  if (version == MAXV) {
    snprintf(vname, sizeof vname, "latest");
  } else {
    snprintf(vname, sizeof vname, "%" PRIu64, version);
  }
  const char *kind;
  if (want >= 0) {
    int newer = 0;
    for (int v = want + 1; v < NVERS; v++) newer |= model[q->index][v].state;
    kind = newer ? "found-older" : "found-latest";
    if (newer) n_found_older++; else n_found_latest++;
    /* Written in a later round than the key's first write: older records
     * of the key (the same version, for a same-version overwrite) sit in
     * older layers, under the answer. */
    if (round > first_round[q->index]) n_fresh++;
  } else {
    int deleted = 0;
    if (q->index >= 0) {
      for (int v = 0; v < NVERS; v++) {
        deleted |= model[q->index][v].state == TOMBSTONE &&
                   (uint64_t)v <= version;
      }
    }
    kind = q->index < 0 ? "absent-never-written"
                        : deleted ? "absent-deleted" : "absent-no-version";
    if (q->index < 0) n_absent_never++;
    if (deleted) n_absent_deleted++;
  }
  snprintf(name, sizeof name, "get-%s-%s-%s", kname, vname, kind);

  line_start(name, root);
  get_query(q, version);
  proof_field(proof, len);
  if (want >= 0) {
    char val[256];
    size_t n = value_of(q->index, want, round, val);
    fprintf(out, "\"expect\": {\"valid\": true, \"answer\": {\"found\": true, "
                 "\"value\": \"");
    hex(val, n);
    fprintf(out, "\", \"version\": %d}}}\n", want);
  } else {
    fprintf(out, "\"expect\": {\"valid\": true, \"answer\": {\"found\": "
                 "false}}}\n");
  }
  vectors++;
  avccdb_free(proof);
}

static void emit_history(avccdb_readoptions_t *ro, const unsigned char *root,
                         const qkey *q, uint64_t min, uint64_t max) {
  char *err = NULL, *proof = NULL, kname[32], name[96];
  size_t len = 0;
  unsigned char got_root[AVCCDB_ROOT_SIZE];
  avccdb_version_history_t *h = avccdb_version_history_with_proof(
      db, ro, q->bytes, q->len, min, max, got_root, &proof, &len, &err);
  CHECK_OK(err);
  CHECK(memcmp(got_root, root, AVCCDB_ROOT_SIZE) == 0);
  avccdb_version_history_destroy(h);
  avccdb_version_history_t *vh = avccdb_verify_history_proof(
      root, q->bytes, q->len, min, max, proof, len, &err);
  CHECK_OK(err);

  name_key(q, kname, sizeof kname);
  snprintf(name, sizeof name, "history-%s-%" PRIu64 "-%s", kname, min,
           max == MAXV ? "latest" : "");
  if (max != MAXV) {
    snprintf(name + strlen(name), sizeof name - strlen(name), "%" PRIu64,
             max);
  }
  line_start(name, root);
  history_query(q, min, max);
  proof_field(proof, len);
  fprintf(out, "\"expect\": {\"valid\": true, \"answer\": {\"history\": [");
  size_t count = 0;
  if (q->index >= 0 && min < NVERS) {
    int top = max >= NVERS - 1 ? NVERS - 1 : (int)max;
    for (int v = top; v >= (int)min; v--) {
      if (model[q->index][v].state != VALUE) continue;
      char val[256];
      size_t n = value_of(q->index, v, model[q->index][v].round, val);
      size_t got = 0;
      CHECK(count < avccdb_version_history_count(vh));
      const char *p = avccdb_version_history_value_at(vh, count, &got);
      CHECK(avccdb_version_history_version_at(vh, count) == (uint64_t)v);
      CHECK(got == n && memcmp(p, val, n) == 0);
      fprintf(out, "%s[%d, \"", count ? ", " : "", v);
      hex(val, n);
      fprintf(out, "\"]");
      count++;
    }
  }
  CHECK(count == avccdb_version_history_count(vh));
  fprintf(out, "]}}}\n");
  if (count) n_history++; else n_history_empty++;
  avccdb_version_history_destroy(vh);
  vectors++;
  avccdb_free(proof);
}

/* A get proof presented for another query or root: must be rejected. */
static void emit_invalid_get(const char *name, const unsigned char *root,
                             const qkey *q, uint64_t version,
                             const char *proof, size_t len) {
  check_get(root, q, version, proof, len, -2, 0);
  line_start(name, root);
  get_query(q, version);
  proof_field(proof, len);
  fprintf(out, "\"expect\": {\"valid\": false}}\n");
  vectors++;
  n_invalid++;
}

static void emit_invalid_history(const char *name, const unsigned char *root,
                                 const qkey *q, uint64_t min, uint64_t max,
                                 const char *proof, size_t len) {
  char *err = NULL;
  CHECK(avccdb_verify_history_proof(root, q->bytes, q->len, min, max, proof,
                                    len, &err) == NULL);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_PROOF);
  avccdb_free(err);
  line_start(name, root);
  history_query(q, min, max);
  proof_field(proof, len);
  fprintf(out, "\"expect\": {\"valid\": false}}\n");
  vectors++;
  n_invalid++;
}

static uint64_t counter(const char *name) {
  uint64_t v = 0;
  CHECK(avccdb_property_int(db, name, &v));
  return v;
}

/* Waits (up to ~5 s) until no memdb flush has finished for a while, so
 * the snapshot sees the flushed tables rather than frozen memdbs. */
static void settle(void) {
  uint64_t last = counter("memdb_compactions");
  int quiet = 0;
  for (int i = 0; i < 250 && quiet < 10; i++) {
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    uint64_t now = counter("memdb_compactions");
    quiet = now == last ? quiet + 1 : 0;
    last = now;
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <output.jsonl>\n", argv[0]);
    return 2;
  }
  out = fopen(argv[1], "w");
  if (out == NULL) {
    perror(argv[1]);
    return 1;
  }
  for (int i = 0; i < NALL; i++) first_round[i] = -1;
  char *dir = test_dir("proof-vectors");
  char *err = NULL;
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_options_set_write_buffer_size(o, 8 << 10);
  avccdb_options_set_block_size(o, 512);
  avccdb_options_set_compaction_table_size(o, 4 << 10);
  avccdb_options_set_compaction_total_size(o, 8 << 10);
  db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  avccdb_options_destroy(o);
  wo = avccdb_writeoptions_create();
  avccdb_readoptions_t *ro = avccdb_readoptions_create();

  /* Round 0: one or two versions of every key, then compacted. */
  for (int i = 0; i < NKEYS; i++) {
    put(i, 1, 0);
    if (i % 3 == 0) put(i, 2, 0);
  }
  avccdb_compact_range2(db, NULL, 0, NULL, 0, &err);
  CHECK_OK(err);
  /* Round 1: newer versions and tombstones; background compaction runs. */
  for (int i = 0; i < NKEYS; i++) {
    if (i % 2 == 0) put(i, 3, 1);
    if (i % 10 == 5) del(i, 2, 1);
  }
  settle();
  /* Round 2, compactions held: level-0 tables. Same-version overwrites
   * (version 1 again) and tombstones as the newest version. */
  avccdb_compaction_pause_t *pause = avccdb_pause_compactions(db);
  CHECK(pause != NULL);
  for (int i = 0; i < NKEYS; i++) {
    if (i % 4 == 1 || i % 4 == 3) put(i, 1, 2);
    if (i % 7 == 0) del(i, 4, 2);
  }
  settle();
  /* Round 3: stays in the memdb. */
  for (int i = 0; i < NKEYS; i++) {
    if (i % 9 == 2) put(i, 5, 3);
  }
  put(NKEYS + 0, 2, 3);
  put(NKEYS + 1, 1, 3);
  put(NKEYS + 1, 3, 3);
  put(NKEYS + 2, 6, 3);
  del(NKEYS + 2, 6, 3);
  put(NKEYS + 2, 2, 3);

  const avccdb_snapshot_t *snap = avccdb_create_snapshot(db);
  CHECK(snap != NULL);
  fprintf(stderr, "proof_vectors: tables per level at the snapshot:");
  for (int l = 0; l < 7; l++) {
    char prop[64];
    snprintf(prop, sizeof prop, "avccdb.num-files-at-level%d", l);
    fprintf(stderr, " %" PRIu64, counter(prop));
  }
  fprintf(stderr, "\n");
  avccdb_resume_compactions(pause);
  unsigned char root[AVCCDB_ROOT_SIZE];
  avccdb_snapshot_master_root(db, snap, root, &err);
  CHECK_OK(err);
  avccdb_readoptions_t *at = avccdb_readoptions_create();
  avccdb_readoptions_set_snapshot(at, snap);

  /* Gets and histories through the snapshot. */
  static const uint64_t versions[] = {MAXV, 0, 1, 2, 3, 4};
  for (int i = 0; i < NALL; i++) {
    if (!(i % 23 == 0 || i >= NKEYS || i == 1 || i == 2 || i == 5 ||
          i == 7 || i == 11 || i == 15 || i == 20 || i == 25))
      continue;
    qkey q = model_key(i);
    for (size_t v = 0; v < sizeof versions / sizeof versions[0]; v++) {
      emit_get(at, root, &q, versions[v]);
    }
    emit_history(at, root, &q, 0, MAXV);
    emit_history(at, root, &q, 2, 4);
    emit_history(at, root, &q, 1, 1);
  }
  const qkey never[] = {
      unwritten_key("k9999", 5, "k9999"),
      unwritten_key("a", 1, "a"),
      unwritten_key("zzzz", 4, "zzzz"),
      unwritten_key("k0001x", 6, "k0001x"),
      unwritten_key("k0200\x00\x00", 7, "k0200-nul-nul"),
      unwritten_key("\x00", 1, "nul"),
  };
  for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
    emit_get(at, root, &never[i], MAXV);
    emit_get(at, root, &never[i], 3);
    emit_history(at, root, &never[i], 0, MAXV);
  }

  /* Invalid: a proof presented for another key or version. */
  {
    qkey a = model_key(4), b = model_key(6), c = model_key(8);
    char *proof = NULL;
    size_t len = 0;
    prove_get(at, root, &a, MAXV, &proof, &len); /* found: version 3 */
    CHECK(model_get(4, MAXV) == 3);
    emit_invalid_get("invalid-get-proof-for-another-key", root, &b, MAXV,
                     proof, len);
    emit_invalid_get("invalid-get-proof-for-another-version", root, &a, 2,
                     proof, len);
    emit_invalid_history("invalid-get-proof-as-history", root, &a, 0, MAXV,
                         proof, len);
    /* One byte of a record changed / the proof truncated. */
    proof[len / 2] ^= 0x01;
    emit_invalid_get("invalid-get-proof-one-byte-changed", root, &a, MAXV,
                     proof, len);
    proof[len / 2] ^= 0x01;
    emit_invalid_get("invalid-get-proof-truncated", root, &a, MAXV, proof,
                     len - 1);
    avccdb_free(proof);

    /* An absence proof presented for a key that has a value. */
    qkey gone = model_key(14); /* 14 % 7 == 0: deleted as of 4 */
    CHECK(model_get(14, MAXV) < 0);
    prove_get(at, root, &gone, MAXV, &proof, &len);
    emit_invalid_get("invalid-absence-proof-for-another-key", root, &c, MAXV,
                     proof, len);
    avccdb_free(proof);

    /* A history proof for another range. */
    char *err2 = NULL;
    unsigned char r2[AVCCDB_ROOT_SIZE];
    avccdb_version_history_t *h = avccdb_version_history_with_proof(
        db, at, "k0000", 5, 0, MAXV, r2, &proof, &len, &err2);
    CHECK_OK(err2);
    avccdb_version_history_destroy(h);
    qkey k0 = model_key(0);
    emit_invalid_history("invalid-history-proof-for-another-range", root, &k0,
                         2, MAXV, proof, len);
    emit_invalid_history("invalid-history-proof-for-another-key", root, &b, 0,
                         MAXV, proof, len);
    avccdb_free(proof);
  }

  /* A delete after the snapshot: the current state proves k0004 absent,
   * against the current root only; the snapshot's proof of its value
   * does not verify against the new root. */
  {
    qkey a = model_key(4);
    char *before = NULL, *after = NULL;
    size_t before_len = 0, after_len = 0, vallen = 0;
    prove_get(at, root, &a, MAXV, &before, &before_len);
    int saved_state = model[4][6].state, saved_round = model[4][6].round;
    del(4, 6, 4);
    unsigned char now_root[AVCCDB_ROOT_SIZE];
    char *v = avccdb_get_with_proof(db, ro, a.bytes, a.len, MAXV, &vallen,
                                    NULL, now_root, &after, &after_len, &err);
    CHECK_OK(err);
    CHECK(v == NULL);
    CHECK(memcmp(now_root, root, AVCCDB_ROOT_SIZE) != 0);
    check_get(now_root, &a, MAXV, after, after_len, -1, 0);
    line_start("get-k0004-latest-after-a-later-delete", now_root);
    get_query(&a, MAXV);
    proof_field(after, after_len);
    fprintf(out, "\"expect\": {\"valid\": true, \"answer\": {\"found\": "
                 "false}}}\n");
    vectors++;
    emit_invalid_get("invalid-absence-proof-against-the-root-before-the-delete",
                     root, &a, MAXV, after, after_len);
    emit_invalid_get("invalid-value-proof-against-the-root-after-the-delete",
                     now_root, &a, MAXV, before, before_len);
    model[4][6].state = saved_state;
    model[4][6].round = saved_round;
    avccdb_free(before);
    avccdb_free(after);
  }

  fprintf(stderr,
          "proof_vectors: %d vectors: found-latest %d, found-older %d, "
          "fresh %d, absent-never %d, absent-deleted %d, history %d, "
          "history-empty %d, invalid %d\n",
          vectors, n_found_latest, n_found_older, n_fresh, n_absent_never,
          n_absent_deleted, n_history, n_history_empty, n_invalid);
  CHECK(n_found_latest > 0 && n_found_older > 0 && n_fresh > 0);
  CHECK(n_absent_never > 0 && n_absent_deleted > 0);
  CHECK(n_history > 0 && n_history_empty > 0 && n_invalid >= 3);

  avccdb_readoptions_destroy(at);
  avccdb_release_snapshot(db, snap);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  avccdb_close(db);
  test_dir_free(dir);
  CHECK(fclose(out) == 0);
  printf("%d vectors written to %s\n", vectors, argv[1]);
  return 0;
}
