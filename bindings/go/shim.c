/* shim.c: the wrappers declared in shim.h; each reads the error code in
 * the call that failed (see shim.h). */
#include "shim.h"
#include "_cgo_export.h"

#define CODE(e) \
  do { \
    if ((e)->msg != NULL) (e)->code = avccdb_last_error_code(); \
  } while (0)

avccdb_t *avccdb_go_open(const avccdb_options_t *o, const char *name, avccdb_go_err *e) {
  avccdb_t *db = avccdb_open(o, name, &e->msg);
  CODE(e);
  return db;
}
void avccdb_go_destroy_db(const avccdb_options_t *o, const char *name, avccdb_go_err *e) {
  avccdb_destroy_db(o, name, &e->msg);
  CODE(e);
}
void avccdb_go_repair_db(const avccdb_options_t *o, const char *name, avccdb_go_err *e) {
  avccdb_repair_db(o, name, &e->msg);
  CODE(e);
}

void avccdb_go_put(avccdb_t *db, const avccdb_writeoptions_t *wo, const char *k, size_t klen,
                   const char *v, size_t vlen, avccdb_go_err *e) {
  avccdb_put(db, wo, k, klen, v, vlen, &e->msg);
  CODE(e);
}
void avccdb_go_put_version(avccdb_t *db, const avccdb_writeoptions_t *wo, const char *k,
                           size_t klen, uint64_t version, const char *v, size_t vlen,
                           avccdb_go_err *e) {
  avccdb_put_with_version(db, wo, k, klen, version, v, vlen, &e->msg);
  CODE(e);
}
void avccdb_go_delete(avccdb_t *db, const avccdb_writeoptions_t *wo, const char *k, size_t klen,
                      avccdb_go_err *e) {
  avccdb_delete(db, wo, k, klen, &e->msg);
  CODE(e);
}
void avccdb_go_delete_version(avccdb_t *db, const avccdb_writeoptions_t *wo, const char *k,
                              size_t klen, uint64_t version, avccdb_go_err *e) {
  avccdb_delete_with_version(db, wo, k, klen, version, &e->msg);
  CODE(e);
}
void avccdb_go_write(avccdb_t *db, const avccdb_writeoptions_t *wo, avccdb_writebatch_t *b,
                     avccdb_go_err *e) {
  avccdb_write(db, wo, b, &e->msg);
  CODE(e);
}
int avccdb_go_get(avccdb_t *db, const avccdb_readoptions_t *ro, const char *k, size_t klen,
                  avccdb_go_get_result *r) {
  int rc = avccdb_get2(db, ro, k, klen, &r->val, &r->vlen, &r->err.msg);
  CODE(&r->err);
  return rc;
}
char *avccdb_go_get_version(avccdb_t *db, const avccdb_readoptions_t *ro, const char *k,
                            size_t klen, uint64_t version, size_t *vlen, uint64_t *found,
                            avccdb_go_err *e) {
  char *v = avccdb_get_with_version(db, ro, k, klen, version, vlen, found, &e->msg);
  CODE(e);
  return v;
}
avccdb_version_history_t *avccdb_go_history(avccdb_t *db, const avccdb_readoptions_t *ro,
                                            const char *k, size_t klen, uint64_t min,
                                            uint64_t max, avccdb_go_err *e) {
  avccdb_version_history_t *h = avccdb_version_history(db, ro, k, klen, min, max, &e->msg);
  CODE(e);
  return h;
}

void avccdb_go_batch_load(avccdb_writebatch_t *b, const char *data, size_t len,
                          avccdb_go_err *e) {
  avccdb_writebatch_load(b, data, len, &e->msg);
  CODE(e);
}
/* The batch callbacks take const pointers; the Go exports take plain ones. */
static void replay_put(void *state, const char *k, size_t klen, const char *v, size_t vlen,
                       uint64_t version, unsigned char versioned) {
  avccdbGoBatchPut((uintptr_t)state, (char *)k, klen, (char *)v, vlen, version, versioned);
}
static void replay_delete(void *state, const char *k, size_t klen, uint64_t version,
                          unsigned char versioned) {
  avccdbGoBatchDelete((uintptr_t)state, (char *)k, klen, version, versioned);
}
void avccdb_go_batch_replay(const avccdb_writebatch_t *b, uintptr_t handle) {
  avccdb_writebatch_iterate_versions(b, (void *)handle, replay_put, replay_delete);
}

void avccdb_go_iter_error(const avccdb_iterator_t *it, avccdb_go_err *e) {
  avccdb_iter_get_error(it, &e->msg);
  CODE(e);
}
avccdb_readoptions_t *avccdb_go_readoptions(int verify, int fill_cache,
                                            const avccdb_snapshot_t *snap, const char *lo,
                                            size_t lolen, int has_lo, const char *hi,
                                            size_t hilen, int has_hi, int all_versions) {
  avccdb_readoptions_t *ro = avccdb_readoptions_create();
  avccdb_readoptions_set_verify_checksums(ro, verify);
  avccdb_readoptions_set_fill_cache(ro, fill_cache);
  if (snap != NULL) avccdb_readoptions_set_snapshot(ro, snap);
  if (has_lo) avccdb_readoptions_set_lower_bound(ro, lo, lolen);
  if (has_hi) avccdb_readoptions_set_upper_bound(ro, hi, hilen);
  avccdb_readoptions_set_all_versions(ro, all_versions);
  return ro;
}
avccdb_writeoptions_t *avccdb_go_writeoptions(int sync, int no_write_merge) {
  avccdb_writeoptions_t *wo = avccdb_writeoptions_create();
  avccdb_writeoptions_set_sync(wo, sync);
  avccdb_writeoptions_set_no_write_merge(wo, no_write_merge);
  return wo;
}

avccdb_transaction_t *avccdb_go_txn_open(avccdb_t *db, avccdb_go_err *e) {
  avccdb_transaction_t *t = avccdb_open_transaction(db, &e->msg);
  CODE(e);
  return t;
}
void avccdb_go_txn_put(avccdb_transaction_t *t, const char *k, size_t klen, const char *v,
                       size_t vlen, avccdb_go_err *e) {
  avccdb_transaction_put(t, k, klen, v, vlen, &e->msg);
  CODE(e);
}
void avccdb_go_txn_put_version(avccdb_transaction_t *t, const char *k, size_t klen,
                               uint64_t version, const char *v, size_t vlen, avccdb_go_err *e) {
  avccdb_transaction_put_with_version(t, k, klen, version, v, vlen, &e->msg);
  CODE(e);
}
void avccdb_go_txn_delete(avccdb_transaction_t *t, const char *k, size_t klen, avccdb_go_err *e) {
  avccdb_transaction_delete(t, k, klen, &e->msg);
  CODE(e);
}
void avccdb_go_txn_delete_version(avccdb_transaction_t *t, const char *k, size_t klen,
                                  uint64_t version, avccdb_go_err *e) {
  avccdb_transaction_delete_with_version(t, k, klen, version, &e->msg);
  CODE(e);
}
void avccdb_go_txn_write(avccdb_transaction_t *t, const avccdb_writebatch_t *b,
                         avccdb_go_err *e) {
  avccdb_transaction_write(t, b, &e->msg);
  CODE(e);
}
void avccdb_go_txn_commit(avccdb_transaction_t *t, avccdb_go_err *e) {
  avccdb_transaction_commit(t, &e->msg);
  CODE(e);
}

void avccdb_go_compact_range(avccdb_t *db, const char *lo, size_t lolen, int has_lo,
                             const char *hi, size_t hilen, int has_hi, avccdb_go_err *e) {
  /* NULL means unbounded; an empty bound needs a non-NULL pointer. */
  avccdb_compact_range2(db, has_lo ? (lo ? lo : "") : NULL, lolen,
                        has_hi ? (hi ? hi : "") : NULL, hilen, &e->msg);
  CODE(e);
}
void avccdb_go_compact_level(avccdb_t *db, int level, const char *lo, size_t lolen, int has_lo,
                             const char *hi, size_t hilen, int has_hi, avccdb_go_err *e) {
  avccdb_compact_level(db, level, has_lo ? (lo ? lo : "") : NULL, lolen,
                       has_hi ? (hi ? hi : "") : NULL, hilen, &e->msg);
  CODE(e);
}
int avccdb_go_property_int(avccdb_t *db, const char *name, uint64_t *value, avccdb_go_err *e) {
  int known = avccdb_property_int(db, name, value);
  if (!known) e->code = avccdb_last_error_code();
  return known;
}
char *avccdb_go_property(avccdb_t *db, const char *name, avccdb_go_err *e) {
  char *v = avccdb_property_value(db, name);
  if (v == NULL) e->code = avccdb_last_error_code();
  return v;
}

void avccdb_go_master_root(avccdb_t *db, const avccdb_readoptions_t *ro, unsigned char *root,
                           avccdb_go_err *e) {
  avccdb_master_root(db, ro, root, &e->msg);
  CODE(e);
}
void avccdb_go_snapshot_master_root(avccdb_t *db, const avccdb_snapshot_t *snap,
                                    unsigned char *root, avccdb_go_err *e) {
  avccdb_snapshot_master_root(db, snap, root, &e->msg);
  CODE(e);
}
char *avccdb_go_get_with_proof(avccdb_t *db, const avccdb_readoptions_t *ro, const char *k,
                               size_t klen, uint64_t version, size_t *vlen, uint64_t *found,
                               unsigned char *root, char **proof, size_t *prooflen,
                               avccdb_go_err *e) {
  char *v = avccdb_get_with_proof(db, ro, k, klen, version, vlen, found, root, proof, prooflen,
                                  &e->msg);
  CODE(e);
  return v;
}
avccdb_version_history_t *avccdb_go_history_with_proof(avccdb_t *db,
                                                       const avccdb_readoptions_t *ro,
                                                       const char *k, size_t klen, uint64_t min,
                                                       uint64_t max, unsigned char *root,
                                                       char **proof, size_t *prooflen,
                                                       avccdb_go_err *e) {
  avccdb_version_history_t *h = avccdb_version_history_with_proof(db, ro, k, klen, min, max,
                                                                  root, proof, prooflen, &e->msg);
  CODE(e);
  return h;
}
int avccdb_go_verify_get(const unsigned char *root, const char *k, size_t klen, uint64_t version,
                         const char *proof, size_t prooflen, char **val, size_t *vlen,
                         uint64_t *found, avccdb_go_err *e) {
  int rc = avccdb_verify_get_proof(root, k, klen, version, proof, prooflen, val, vlen, found,
                                   &e->msg);
  CODE(e);
  return rc;
}
avccdb_version_history_t *avccdb_go_verify_history(const unsigned char *root, const char *k,
                                                   size_t klen, uint64_t min, uint64_t max,
                                                   const char *proof, size_t prooflen,
                                                   avccdb_go_err *e) {
  avccdb_version_history_t *h =
      avccdb_verify_history_proof(root, k, klen, min, max, proof, prooflen, &e->msg);
  CODE(e);
  return h;
}
avccdb_integrity_report_t *avccdb_go_check_integrity(avccdb_t *db, avccdb_go_err *e) {
  avccdb_integrity_report_t *r = avccdb_check_integrity(db, &e->msg);
  CODE(e);
  return r;
}
