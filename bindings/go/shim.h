/* shim.h: the C side of the Go binding. Each wrapper calls one avccdb
 * function that can fail and reads the error code in the same C call: the
 * code is per OS thread and a goroutine may change threads between two cgo
 * calls, so a second cgo call could read another thread's code. */
#ifndef AVCCDB_GO_SHIM_H
#define AVCCDB_GO_SHIM_H
#include <stdint.h>
#include <stdlib.h>
#include <avccdb.h>

/* An error as one value: the owned message (NULL: success) and its code. */
typedef struct {
  char *msg;
  int32_t code;
} avccdb_go_err;

avccdb_t *avccdb_go_open(const avccdb_options_t *o, const char *name, avccdb_go_err *e);
void avccdb_go_destroy_db(const avccdb_options_t *o, const char *name, avccdb_go_err *e);
void avccdb_go_repair_db(const avccdb_options_t *o, const char *name, avccdb_go_err *e);

void avccdb_go_put(avccdb_t *db, const avccdb_writeoptions_t *wo, const char *k, size_t klen,
                   const char *v, size_t vlen, avccdb_go_err *e);
void avccdb_go_put_version(avccdb_t *db, const avccdb_writeoptions_t *wo, const char *k,
                           size_t klen, uint64_t version, const char *v, size_t vlen,
                           avccdb_go_err *e);
void avccdb_go_delete(avccdb_t *db, const avccdb_writeoptions_t *wo, const char *k, size_t klen,
                      avccdb_go_err *e);
void avccdb_go_delete_version(avccdb_t *db, const avccdb_writeoptions_t *wo, const char *k,
                              size_t klen, uint64_t version, avccdb_go_err *e);
void avccdb_go_write(avccdb_t *db, const avccdb_writeoptions_t *wo, avccdb_writebatch_t *b,
                     avccdb_go_err *e);
/* A get's outputs in one struct, so Go allocates once per call. */
typedef struct {
  avccdb_go_err err;
  char *val;
  size_t vlen;
} avccdb_go_get_result;
int avccdb_go_get(avccdb_t *db, const avccdb_readoptions_t *ro, const char *k, size_t klen,
                  avccdb_go_get_result *r);
char *avccdb_go_get_version(avccdb_t *db, const avccdb_readoptions_t *ro, const char *k,
                            size_t klen, uint64_t version, size_t *vlen, uint64_t *found,
                            avccdb_go_err *e);
avccdb_version_history_t *avccdb_go_history(avccdb_t *db, const avccdb_readoptions_t *ro,
                                            const char *k, size_t klen, uint64_t min,
                                            uint64_t max, avccdb_go_err *e);

void avccdb_go_batch_load(avccdb_writebatch_t *b, const char *data, size_t len,
                          avccdb_go_err *e);
/* Calls the Go callbacks of batch_replay.go for each record, with handle. */
void avccdb_go_batch_replay(const avccdb_writebatch_t *b, uintptr_t handle);

void avccdb_go_iter_error(const avccdb_iterator_t *it, avccdb_go_err *e);
/* Builds read options in one call (bounds copied; NULL: no bound). */
avccdb_readoptions_t *avccdb_go_readoptions(int verify, int fill_cache,
                                            const avccdb_snapshot_t *snap, const char *lo,
                                            size_t lolen, int has_lo, const char *hi,
                                            size_t hilen, int has_hi, int all_versions);
avccdb_writeoptions_t *avccdb_go_writeoptions(int sync, int no_write_merge);

avccdb_transaction_t *avccdb_go_txn_open(avccdb_t *db, avccdb_go_err *e);
void avccdb_go_txn_put(avccdb_transaction_t *t, const char *k, size_t klen, const char *v,
                       size_t vlen, avccdb_go_err *e);
void avccdb_go_txn_put_version(avccdb_transaction_t *t, const char *k, size_t klen,
                               uint64_t version, const char *v, size_t vlen, avccdb_go_err *e);
void avccdb_go_txn_delete(avccdb_transaction_t *t, const char *k, size_t klen, avccdb_go_err *e);
void avccdb_go_txn_delete_version(avccdb_transaction_t *t, const char *k, size_t klen,
                                  uint64_t version, avccdb_go_err *e);
void avccdb_go_txn_write(avccdb_transaction_t *t, const avccdb_writebatch_t *b,
                         avccdb_go_err *e);
void avccdb_go_txn_commit(avccdb_transaction_t *t, avccdb_go_err *e);

void avccdb_go_compact_range(avccdb_t *db, const char *lo, size_t lolen, int has_lo,
                             const char *hi, size_t hilen, int has_hi, avccdb_go_err *e);
void avccdb_go_compact_level(avccdb_t *db, int level, const char *lo, size_t lolen, int has_lo,
                             const char *hi, size_t hilen, int has_hi, avccdb_go_err *e);
int avccdb_go_property_int(avccdb_t *db, const char *name, uint64_t *value, avccdb_go_err *e);
char *avccdb_go_property(avccdb_t *db, const char *name, avccdb_go_err *e);

void avccdb_go_master_root(avccdb_t *db, const avccdb_readoptions_t *ro, unsigned char *root,
                           avccdb_go_err *e);
void avccdb_go_snapshot_master_root(avccdb_t *db, const avccdb_snapshot_t *snap,
                                    unsigned char *root, avccdb_go_err *e);
char *avccdb_go_get_with_proof(avccdb_t *db, const avccdb_readoptions_t *ro, const char *k,
                               size_t klen, uint64_t version, size_t *vlen, uint64_t *found,
                               unsigned char *root, char **proof, size_t *prooflen,
                               avccdb_go_err *e);
avccdb_version_history_t *avccdb_go_history_with_proof(avccdb_t *db,
                                                       const avccdb_readoptions_t *ro,
                                                       const char *k, size_t klen, uint64_t min,
                                                       uint64_t max, unsigned char *root,
                                                       char **proof, size_t *prooflen,
                                                       avccdb_go_err *e);
int avccdb_go_verify_get(const unsigned char *root, const char *k, size_t klen, uint64_t version,
                         const char *proof, size_t prooflen, char **val, size_t *vlen,
                         uint64_t *found, avccdb_go_err *e);
avccdb_version_history_t *avccdb_go_verify_history(const unsigned char *root, const char *k,
                                                   size_t klen, uint64_t min, uint64_t max,
                                                   const char *proof, size_t prooflen,
                                                   avccdb_go_err *e);
avccdb_integrity_report_t *avccdb_go_check_integrity(avccdb_t *db, avccdb_go_err *e);
#endif
