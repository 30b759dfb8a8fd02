/* Merkle proofs: a snapshot's root stays put while writes and compactions
 * move the current one; proofs for found, older, deleted and never-written
 * keys and for a history, verified with avccdb_verify_* after the database
 * is closed (the verifier needs only the root and the proof bytes);
 * tampered proofs, proofs for another query and bad arguments fail with the
 * right code; the integrity report; every buffer freed. */
#include "test_util.h"

static void put_v(avccdb_t *db, avccdb_writeoptions_t *wo, const char *k,
                  uint64_t version, const char *v) {
  char *err = NULL;
  avccdb_put_with_version(db, wo, k, strlen(k), version, v, strlen(v), &err);
  CHECK_OK(err);
}

static void delete_v(avccdb_t *db, avccdb_writeoptions_t *wo, const char *k,
                     uint64_t version) {
  char *err = NULL;
  avccdb_delete_with_version(db, wo, k, strlen(k), version, &err);
  CHECK_OK(err);
}

static void compact(avccdb_t *db) {
  char *err = NULL;
  avccdb_compact_range2(db, NULL, 0, NULL, 0, &err);
  CHECK_OK(err);
}

/* Many keys with two versions each and some deletions, in big enough
 * values that the small write buffer flushes several times. */
static void fill(avccdb_t *db, avccdb_writeoptions_t *wo, int round) {
  char k[32], v[160];
  for (int i = 0; i < 600; i++) {
    snprintf(k, sizeof k, "key%04d", i);
    snprintf(v, sizeof v, "round%d-value%d-%0120d", round, i, i);
    put_v(db, wo, k, (uint64_t)(round + 1), v);
    if (i % 11 == round) delete_v(db, wo, k, (uint64_t)(round + 1));
  }
}

/* A get proof taken from the database, kept for verification later. */
typedef struct {
  const char *key;
  uint64_t version;
  const char *want; /* NULL: proven absent */
  uint64_t want_version;
  char *proof;
  size_t prooflen;
} proven_get;

static void take_proof(avccdb_t *db, avccdb_readoptions_t *ro,
                       const unsigned char *want_root, proven_get *g) {
  char *err = NULL;
  size_t vallen = 9, prooflen = 0;
  uint64_t found = 9;
  unsigned char root[AVCCDB_ROOT_SIZE];
  char *proof = NULL;
  char *v = avccdb_get_with_proof(db, ro, g->key, strlen(g->key), g->version,
                                  &vallen, &found, root, &proof, &prooflen,
                                  &err);
  CHECK_OK(err);
  CHECK(proof != NULL && prooflen > 0);
  CHECK(memcmp(root, want_root, AVCCDB_ROOT_SIZE) == 0);
  if (g->want == NULL) {
    CHECK(v == NULL && vallen == 0 && found == 0);
  } else {
    CHECK(found == g->want_version);
    CHECK(test_take_eq(v, vallen, g->want));
  }
  g->proof = proof;
  g->prooflen = prooflen;
}

/* avccdb_verify_get_proof: the return code; on success checks the answer
 * against g. */
static int verify_get(const unsigned char *root, const proven_get *g,
                      const char *key, uint64_t version, const char *proof,
                      size_t prooflen) {
  char *err = NULL, *val = NULL;
  size_t vallen = 7;
  uint64_t found = 7;
  int rc = avccdb_verify_get_proof(root, key, strlen(key), version, proof,
                                   prooflen, &val, &vallen, &found, &err);
  if (rc == AVCCDB_GET_ERROR) {
    CHECK(err != NULL && val == NULL && vallen == 0 && found == 0);
    avccdb_free(err);
    return rc;
  }
  CHECK_OK(err);
  if (rc == AVCCDB_GET_NOT_FOUND) {
    CHECK(g->want == NULL && val == NULL && vallen == 0 && found == 0);
  } else {
    CHECK(rc == AVCCDB_GET_FOUND);
    CHECK(g->want != NULL && found == g->want_version);
    CHECK(test_take_eq(val, vallen, g->want));
  }
  return rc;
}

int main(void) {
  char *dir = test_dir("proof");
  char *err = NULL;
  avccdb_options_t *o = avccdb_options_create();
  avccdb_options_set_create_if_missing(o, 1);
  avccdb_options_set_write_buffer_size(o, 32 << 10);
  avccdb_options_set_compaction_table_size(o, 32 << 10);
  CHECK(avccdb_options_get_merkle_on_write(o) == 1);
  avccdb_options_set_merkle_on_write(o, 0);
  CHECK(avccdb_options_get_merkle_on_write(o) == 0);
  avccdb_options_set_merkle_on_write(o, 1);
  avccdb_t *db = avccdb_open(o, dir, &err);
  CHECK_OK(err);
  avccdb_options_destroy(o);
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();

  /* An account with three versions and a deletion at 25, among many
   * keys; tables on levels (compaction), then newer layers on top. */
  put_v(db, wo, "acct", 10, "100");
  put_v(db, wo, "acct", 20, "200");
  fill(db, wo, 0);
  compact(db);
  put_v(db, wo, "acct", 30, "300");
  delete_v(db, wo, "acct", 25);
  fill(db, wo, 1);

  unsigned char root0[AVCCDB_ROOT_SIZE], snap_root[AVCCDB_ROOT_SIZE];
  unsigned char again[AVCCDB_ROOT_SIZE], now_root[AVCCDB_ROOT_SIZE];
  const avccdb_snapshot_t *snap = avccdb_create_snapshot(db);
  CHECK(snap != NULL);
  avccdb_snapshot_master_root(db, snap, snap_root, &err);
  CHECK_OK(err);
  avccdb_readoptions_t *at = avccdb_readoptions_create();
  avccdb_readoptions_set_snapshot(at, snap);
  avccdb_master_root(db, at, root0, &err);
  CHECK_OK(err);
  CHECK(memcmp(root0, snap_root, AVCCDB_ROOT_SIZE) == 0);

  /* Writes and a compaction move the current root, not the snapshot's. */
  delete_v(db, wo, "acct", 40);
  put_v(db, wo, "later", 1, "after the snapshot");
  avccdb_master_root(db, ro, now_root, &err);
  CHECK_OK(err);
  CHECK(memcmp(now_root, snap_root, AVCCDB_ROOT_SIZE) != 0);
  compact(db);
  avccdb_master_root(db, ro, again, &err);
  CHECK_OK(err);
  CHECK(memcmp(again, now_root, AVCCDB_ROOT_SIZE) != 0);
  avccdb_snapshot_master_root(db, snap, again, &err);
  CHECK_OK(err);
  CHECK(memcmp(again, snap_root, AVCCDB_ROOT_SIZE) == 0);

  /* Proofs through the snapshot: found (newest, overwritten in a newer
   * layer), an older version, deleted as of a version, never written, a
   * key written after the snapshot, a filler key deleted in round 1. */
  proven_get gets[] = {
      {"acct", AVCCDB_MAX_VERSION, "300", 30, NULL, 0},
      {"acct", 22, "200", 20, NULL, 0},
      {"acct", 27, NULL, 0, NULL, 0},
      {"acct", 5, NULL, 0, NULL, 0},
      {"nobody", AVCCDB_MAX_VERSION, NULL, 0, NULL, 0},
      {"later", AVCCDB_MAX_VERSION, NULL, 0, NULL, 0},
      {"key0001", AVCCDB_MAX_VERSION, NULL, 0, NULL, 0},
      {"key0001", 1, NULL, 0, NULL, 0},
  };
  const size_t ngets = sizeof gets / sizeof gets[0];
  /* key0001: deleted at version 2 in round 1; in round 0 (i % 11 == 0
   * only) it was kept at version 1. */
  static char key1_v1[160];
  snprintf(key1_v1, sizeof key1_v1, "round0-value1-%0120d", 1);
  gets[7].want = key1_v1;
  gets[7].want_version = 1;
  for (size_t i = 0; i < ngets; i++) take_proof(db, at, snap_root, &gets[i]);

  /* History of acct through the snapshot: 30, 20, 10 (25 is a deletion). */
  char *hproof = NULL;
  size_t hprooflen = 0;
  unsigned char hroot[AVCCDB_ROOT_SIZE];
  avccdb_version_history_t *h = avccdb_version_history_with_proof(
      db, at, "acct", 4, 0, AVCCDB_MAX_VERSION, hroot, &hproof, &hprooflen,
      &err);
  CHECK_OK(err);
  CHECK(h != NULL && hproof != NULL);
  CHECK(memcmp(hroot, snap_root, AVCCDB_ROOT_SIZE) == 0);
  CHECK(avccdb_version_history_count(h) == 3);
  avccdb_version_history_destroy(h);
  /* min > max is a bad argument, not an empty answer. */
  {
    char *p = (char *)1;
    size_t pl = 1;
    h = avccdb_version_history_with_proof(db, at, "acct", 4, 9, 1, hroot, &p,
                                          &pl, &err);
    CHECK(h == NULL);
    CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "min");
    CHECK(p == NULL && pl == 0);
  }

  /* The current state: acct is deleted as of 40. */
  proven_get now = {"acct", AVCCDB_MAX_VERSION, NULL, 0, NULL, 0};
  avccdb_master_root(db, ro, now_root, &err);
  CHECK_OK(err);
  take_proof(db, ro, now_root, &now);

  /* Integrity: every table read and hashed, nothing wrong. */
  avccdb_integrity_report_t *rep = avccdb_check_integrity(db, &err);
  CHECK_OK(err);
  CHECK(rep != NULL);
  CHECK(avccdb_integrity_report_tables(rep) > 0);
  CHECK(avccdb_integrity_report_blocks(rep) >=
        avccdb_integrity_report_tables(rep));
  CHECK(avccdb_integrity_report_records(rep) >= 1200);
  CHECK(avccdb_integrity_report_bytes(rep) > 0);
  CHECK(avccdb_integrity_report_problem_count(rep) == 0);
  size_t len = 3;
  CHECK(avccdb_integrity_report_problem_at(rep, 0, &len) == NULL && len == 0);
  char *text = avccdb_integrity_report_text(rep);
  CHECK(text != NULL && strncmp(text, "tables ", 7) == 0);
  CHECK(strstr(text, "problems 0\n") != NULL);
  avccdb_free(text);
  avccdb_integrity_report_destroy(rep);
  CHECK(avccdb_check_integrity(NULL, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "NULL");

  /* Bad arguments on the database side. */
  avccdb_master_root(db, NULL, again, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "read options");
  avccdb_master_root(db, ro, NULL, &err);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "root_out");
  {
    size_t vl = 1, pl = 1;
    char *p = (char *)1;
    CHECK(avccdb_get_with_proof(db, ro, "k", 1, 1, &vl, NULL, again, NULL,
                                &pl, &err) == NULL);
    CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "proof");
    CHECK(avccdb_get_with_proof(db, ro, NULL, 1, 1, &vl, NULL, again, &p, &pl,
                                &err) == NULL);
    CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "key");
    CHECK(p == NULL && pl == 0 && vl == 0);
  }

  /* From here on, no database: only roots and proof bytes. */
  avccdb_readoptions_destroy(at);
  avccdb_release_snapshot(db, snap);
  avccdb_readoptions_destroy(ro);
  avccdb_writeoptions_destroy(wo);
  avccdb_close(db);

  for (size_t i = 0; i < ngets; i++) {
    const proven_get *g = &gets[i];
    int want = g->want ? AVCCDB_GET_FOUND : AVCCDB_GET_NOT_FOUND;
    CHECK(verify_get(snap_root, g, g->key, g->version, g->proof,
                     g->prooflen) == want);
    /* Against the later root: not a proof of anything. */
    CHECK(verify_get(now_root, g, g->key, g->version, g->proof,
                     g->prooflen) == AVCCDB_GET_ERROR);
    CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_PROOF);
    /* Every byte flipped is rejected. */
    for (size_t b = 0; b < g->prooflen; b++) {
      g->proof[b] ^= 0x20;
      CHECK(verify_get(snap_root, g, g->key, g->version, g->proof,
                       g->prooflen) == AVCCDB_GET_ERROR);
      CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_PROOF);
      g->proof[b] ^= 0x20;
    }
    /* Truncated. */
    CHECK(verify_get(snap_root, g, g->key, g->version, g->proof,
                     g->prooflen - 1) == AVCCDB_GET_ERROR);
    CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_PROOF);
  }
  /* The proof for acct@MAX is not one for another key or version. */
  CHECK(verify_get(snap_root, &gets[0], "nobody", AVCCDB_MAX_VERSION,
                   gets[0].proof, gets[0].prooflen) == AVCCDB_GET_ERROR);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_PROOF);
  CHECK(verify_get(snap_root, &gets[0], "acct", 22, gets[0].proof,
                   gets[0].prooflen) == AVCCDB_GET_ERROR);
  CHECK(avccdb_last_error_code() == AVCCDB_ERR_INVALID_PROOF);
  /* The current state's absence proof verifies against the current root
   * only. */
  CHECK(verify_get(now_root, &now, "acct", AVCCDB_MAX_VERSION, now.proof,
                   now.prooflen) == AVCCDB_GET_NOT_FOUND);
  CHECK(verify_get(snap_root, &now, "acct", AVCCDB_MAX_VERSION, now.proof,
                   now.prooflen) == AVCCDB_GET_ERROR);

  /* The history proof. */
  h = avccdb_verify_history_proof(snap_root, "acct", 4, 0, AVCCDB_MAX_VERSION,
                                  hproof, hprooflen, &err);
  CHECK_OK(err);
  CHECK(h != NULL && avccdb_version_history_count(h) == 3);
  {
    const uint64_t want_versions[] = {30, 20, 10};
    const char *want_values[] = {"300", "200", "100"};
    for (size_t i = 0; i < 3; i++) {
      size_t n = 0;
      const char *v = avccdb_version_history_value_at(h, i, &n);
      CHECK(avccdb_version_history_version_at(h, i) == want_versions[i]);
      CHECK(test_eq(v, n, want_values[i]));
    }
  }
  avccdb_version_history_destroy(h);
  CHECK(avccdb_verify_history_proof(snap_root, "acct", 4, 15,
                                    AVCCDB_MAX_VERSION, hproof, hprooflen,
                                    &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_PROOF, "Invalid proof");
  CHECK(avccdb_verify_history_proof(snap_root, "acct", 4, 9, 1, hproof,
                                    hprooflen, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "min");
  CHECK(avccdb_verify_history_proof(NULL, "acct", 4, 0, 1, hproof, hprooflen,
                                    &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "root");
  for (size_t b = 0; b < hprooflen; b++) {
    hproof[b] ^= 0x01;
    CHECK(avccdb_verify_history_proof(snap_root, "acct", 4, 0,
                                      AVCCDB_MAX_VERSION, hproof, hprooflen,
                                      &err) == NULL);
    CHECK_ERR(err, AVCCDB_ERR_INVALID_PROOF, "Invalid proof");
    hproof[b] ^= 0x01;
  }
  /* A get proof is not a history proof. */
  CHECK(avccdb_verify_history_proof(snap_root, "acct", 4, 0,
                                    AVCCDB_MAX_VERSION, gets[0].proof,
                                    gets[0].prooflen, &err) == NULL);
  CHECK_ERR(err, AVCCDB_ERR_INVALID_PROOF, "Invalid proof");

  /* Garbage and bad arguments to the verifier. */
  {
    char garbage[512];
    unsigned seed = 12345;
    char *val = (char *)1;
    size_t vallen = 1;
    for (int round = 0; round < 200; round++) {
      size_t n = (size_t)(round * 7) % sizeof garbage;
      for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        garbage[i] = (char)(seed >> 16);
      }
      if (n >= 6 && round % 2) memcpy(garbage, "AVCP\x01\x01", 6);
      CHECK(avccdb_verify_get_proof(snap_root, "acct", 4, AVCCDB_MAX_VERSION,
                                    garbage, n, &val, &vallen, NULL,
                                    &err) == AVCCDB_GET_ERROR);
      CHECK_ERR(err, AVCCDB_ERR_INVALID_PROOF, "Invalid proof");
      CHECK(val == NULL && vallen == 0);
    }
    CHECK(avccdb_verify_get_proof(NULL, "acct", 4, 1, gets[0].proof,
                                  gets[0].prooflen, &val, &vallen, NULL,
                                  &err) == AVCCDB_GET_ERROR);
    CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "root");
    CHECK(avccdb_verify_get_proof(snap_root, "acct", 4, 1, NULL, 5, &val,
                                  &vallen, NULL, &err) == AVCCDB_GET_ERROR);
    CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "proof");
    CHECK(avccdb_verify_get_proof(snap_root, "acct", 4, 1, gets[0].proof,
                                  gets[0].prooflen, NULL, &vallen, NULL,
                                  &err) == AVCCDB_GET_ERROR);
    CHECK_ERR(err, AVCCDB_ERR_INVALID_ARGUMENT, "val");
  }

  for (size_t i = 0; i < ngets; i++) avccdb_free(gets[i].proof);
  avccdb_free(now.proof);
  avccdb_free(hproof);
  test_dir_free(dir);
  printf("proof_test: ok\n");
  return 0;
}
