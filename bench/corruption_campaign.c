/* corruption_campaign — flips one bit in one file of a database and checks
 * what the library makes of it, through the libleveldb C API (<leveldb/c.h>)
 * so the same source builds against libavccdb and a system libleveldb
 * (docs/RELIABILITY.md, "Corruption").
 *
 *   corruption_campaign --dir=/tmp/cc --trials=1000 [--seed=1] [--first=0]
 *                       [--keys=20000] [--verbose] [--strict]
 *
 * The base database (built once, then closed) has tables on several levels,
 * level-0 tables, a journal holding the last phase of writes unflushed, a
 * manifest and CURRENT; every value encodes its key and generation, so any
 * value read back is either one that was written or garbage. Each trial
 * copies the base, picks a file type uniformly (table, journal, manifest,
 * CURRENT), a file of that type uniformly, a bit of that file uniformly,
 * flips it, opens with paranoid_checks=1, reads every key with
 * verify_checksums=1, iterates everything, and classifies the trial:
 *
 *   clean          every key read back as written, no error
 *   error          open, a read or the iteration reported an error, and no
 *                  wrong value was returned
 *   journal-drop   no error; the only differences are journal records lost,
 *                  the corrupted file was the journal and the drop was
 *                  reported in LOG (and, when the library has it, the
 *                  journal_dropped_bytes/journal_torn_bytes counters)
 *   silent-loss    no error, but a key is missing or stale otherwise
 *   WRONG          a value that differs from the expected one (garbage,
 *                  stale or resurrected) or an unexpected key, error or not
 *
 * Then repair_db runs on the same copy, which is reopened (paranoid) and
 * read: every record of every intact source file (each table, and the
 * journal, other than the flipped file) must be there or superseded by a
 * later write, and no value may be garbage. What each source holds is
 * found before the campaign by repairing a directory holding only that file
 * and iterating it. Trial t uses its own random stream (seed, t), so
 * `--first=t --trials=1 --verbose` replays it. With --strict the exit
 * status is 1 if any trial is WRONG or silent-loss or any repair check
 * fails (CTest); otherwise 0 unless the campaign itself could not run.
 */
#define _XOPEN_SOURCE 700
#include <leveldb/c.h>

#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILES 256
#define VALUE_SIZE 100
#define LAST_GEN 6

enum kind { TABLE, JOURNAL, MANIFEST, CURRENT, KINDS };
static const char *KIND_NAME[KINDS] = {"table", "journal", "manifest", "CURRENT"};
enum outcome { CLEAN, ERROR, JOURNAL_DROP, SILENT_LOSS, WRONG, OUTCOMES };
static const char *OUTCOME_NAME[OUTCOMES] = {"clean", "error reported", "journal drop, reported",
                                             "silently missing", "WRONG VALUE"};
/* An observation of one key: ABSENT, GARBAGE, or the generation read. */
#define ABSENT 0
#define GARBAGE (-1)

static int N = 20000;
static int verbose = 0;

static void die(const char *what, const char *detail) {
  fprintf(stderr, "corruption_campaign: %s: %s\n", what, detail ? detail : "");
  exit(2);
}

/* --- The workload: which generation each key has after each op ---------- */
/* Generations in write order: 1 put all, 2 put i%3, 3 delete i%7, 4 put
 * (upper half) i%10, 5 put i%41, 6 delete i%43. Generations 5 and 6 are the
 * last phase, left in the journal. */
static int op_applies(int i, int g) {
  switch (g) {
  case 1: return 1;
  case 2: return i % 3 == 0;
  case 3: return i % 7 == 0;
  case 4: return i >= N / 2 && i % 10 == 0;
  case 5: return i % 41 == 0;
  case 6: return i % 43 == 0;
  }
  return 0;
}
static int is_delete(int g) { return g == 3 || g == 6; }
/* The key's state after every op up to generation `upto` (ABSENT or gen). */
static int state_after(int i, int upto) {
  int s = ABSENT;
  for (int g = 1; g <= upto; g++)
    if (op_applies(i, g)) s = is_delete(g) ? ABSENT : g;
  return s;
}
static int journal_touched(int i) { return op_applies(i, 5) || op_applies(i, 6); }

static void make_key(int i, char *out) { snprintf(out, 16, "key%06d", i); }
static void make_value(int i, int g, char *out) {
  int n = snprintf(out, VALUE_SIZE + 1, "%06d:%d:", i, g);
  for (int j = n; j < VALUE_SIZE; j++) out[j] = (char)('a' + (i * 31 + g * 7 + j) % 26);
}
/* Key index of "key%06d", or -1. */
static int parse_key(const char *k, size_t len) {
  if (len != 9 || memcmp(k, "key", 3) != 0) return -1;
  int i = 0;
  for (int j = 3; j < 9; j++) {
    if (k[j] < '0' || k[j] > '9') return -1;
    i = i * 10 + (k[j] - '0');
  }
  return i < N ? i : -1;
}
/* The generation a value encodes if it is exactly a value written for key
 * i, else GARBAGE. */
static int parse_value(int i, const char *v, size_t len) {
  char want[VALUE_SIZE + 1];
  if (len != VALUE_SIZE) return GARBAGE;
  for (int g = 1; g <= LAST_GEN; g++) {
    if (!op_applies(i, g) || is_delete(g)) continue;
    make_value(i, g, want);
    if (memcmp(want, v, VALUE_SIZE) == 0) return g;
  }
  return GARBAGE;
}

/* --- Files ----------------------------------------------------------------- */
struct file { char name[64]; enum kind kind; long size; };

static int kind_of(const char *name, enum kind *kind) {
  size_t n = strlen(name);
  if (strcmp(name, "CURRENT") == 0) *kind = CURRENT;
  else if (strncmp(name, "MANIFEST-", 9) == 0) *kind = MANIFEST;
  else if (n > 4 && (strcmp(name + n - 4, ".ldb") == 0 || strcmp(name + n - 4, ".sst") == 0))
    *kind = TABLE;
  else if (n > 4 && strcmp(name + n - 4, ".log") == 0) *kind = JOURNAL;
  else return 0;
  return 1;
}

static int list_files(const char *dir, struct file *out) {
  DIR *d = opendir(dir);
  if (!d) die("opendir", dir);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    enum kind k;
    if (!kind_of(e->d_name, &k) || strlen(e->d_name) >= sizeof out[0].name) continue;
    if (n == MAX_FILES) die("too many files in", dir);
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &st) != 0) die("stat", path);
    snprintf(out[n].name, sizeof out[n].name, "%s", e->d_name);
    out[n].kind = k;
    out[n].size = (long)st.st_size;
    n++;
  }
  closedir(d);
  return n;
}

static void copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
  if (!in || !out) die("copy", from);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) die("write", to);
  fclose(in);
  if (fclose(out) != 0) die("close", to);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(path);
}
static void remove_dir(const char *dir) {
  struct stat st;
  if (stat(dir, &st) == 0 && nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
    die("remove", dir);
}

static void flip_bit(const char *path, long bit) {
  FILE *f = fopen(path, "r+b");
  if (!f) die("open", path);
  int c;
  if (fseek(f, bit / 8, SEEK_SET) != 0 || (c = fgetc(f)) == EOF) die("read", path);
  c ^= 1 << (bit % 8);
  if (fseek(f, bit / 8, SEEK_SET) != 0 || fputc(c, f) == EOF || fclose(f) != 0)
    die("write", path);
}

/* Does the LOG in dir report dropped journal bytes? (avccdb: "... bytes at
 * offset ...", LevelDB: "Log #N: dropping ...") */
static int log_reports_drop(const char *dir) {
  char path[4096], line[4096];
  snprintf(path, sizeof path, "%s/LOG", dir);
  FILE *f = fopen(path, "r");
  int found = 0;
  if (!f) return 0;
  while (!found && fgets(line, sizeof line, f))
    found = strstr(line, "bytes at offset") != NULL || strstr(line, ": dropping ") != NULL;
  fclose(f);
  return found;
}

/* --- Library calls ----------------------------------------------------------- */
static leveldb_options_t *make_options(int paranoid, int create) {
  leveldb_options_t *o = leveldb_options_create();
  leveldb_options_set_create_if_missing(o, (uint8_t)create);
  leveldb_options_set_paranoid_checks(o, (uint8_t)paranoid);
  leveldb_options_set_write_buffer_size(o, 128 << 10);
  leveldb_options_set_max_file_size(o, 1 << 20); /* the least both accept */
  /* Uncompressed, so that the bottom level spans several tables. */
  leveldb_options_set_compression(o, leveldb_no_compression);
  return o;
}

/* A u64 property (avccdb counters), or -1 when the library has none. */
static long long property_u64(leveldb_t *db, const char *name) {
  char *v = leveldb_property_value(db, name);
  long long n = v ? atoll(v) : -1;
  leveldb_free(v);
  return n;
}

/* Reads every key with get; obs[i] gets ABSENT, GARBAGE or the generation.
 * Returns the number of gets that reported an error. */
static int read_all(leveldb_t *db, int *obs) {
  leveldb_readoptions_t *ro = leveldb_readoptions_create();
  leveldb_readoptions_set_verify_checksums(ro, 1);
  int errors = 0;
  char key[16];
  for (int i = 0; i < N; i++) {
    char *err = NULL;
    size_t len = 0;
    make_key(i, key);
    char *v = leveldb_get(db, ro, key, 9, &len, &err);
    obs[i] = ABSENT;
    if (err) errors++;
    else if (v) obs[i] = parse_value(i, v, len);
    leveldb_free(err);
    leveldb_free(v);
  }
  leveldb_readoptions_destroy(ro);
  return errors;
}

/* Iterates everything into obs (as read_all); keys that are not ours, out
 * of order or repeated add to *bad. Returns 1 if the iterator reported an
 * error. */
static int iterate_all(leveldb_t *db, int *obs, int *bad) {
  leveldb_readoptions_t *ro = leveldb_readoptions_create();
  leveldb_readoptions_set_verify_checksums(ro, 1);
  leveldb_iterator_t *it = leveldb_create_iterator(db, ro);
  int last = -1;
  for (int i = 0; i < N; i++) obs[i] = ABSENT;
  for (leveldb_iter_seek_to_first(it); leveldb_iter_valid(it); leveldb_iter_next(it)) {
    size_t klen, vlen;
    const char *k = leveldb_iter_key(it, &klen);
    const char *v = leveldb_iter_value(it, &vlen);
    int i = parse_key(k, klen);
    if (i < 0 || i <= last) {
      (*bad)++;
      continue;
    }
    last = i;
    obs[i] = parse_value(i, v, vlen);
  }
  char *err = NULL;
  leveldb_iter_get_error(it, &err);
  int failed = err != NULL;
  leveldb_free(err);
  leveldb_iter_destroy(it);
  leveldb_readoptions_destroy(ro);
  return failed;
}

/* --- The base database and what each of its files holds ------------------ */
struct source { struct file file; int count; int *keys, *gens; };

static void put_or_delete(leveldb_t *db, int i, int g) {
  leveldb_writeoptions_t *wo = leveldb_writeoptions_create();
  char key[16], value[VALUE_SIZE + 1];
  char *err = NULL;
  make_key(i, key);
  if (is_delete(g)) {
    leveldb_delete(db, wo, key, 9, &err);
  } else {
    make_value(i, g, value);
    leveldb_put(db, wo, key, 9, value, VALUE_SIZE, &err);
  }
  if (err) die("write", err);
  leveldb_writeoptions_destroy(wo);
}

static void compact(leveldb_t *db, int from, int to) {
  char a[16], b[16];
  make_key(from, a);
  make_key(to, b);
  leveldb_compact_range(db, a, 9, b, 9);
}

static void build_base(const char *dir) {
  leveldb_options_t *o = make_options(0, 1);
  char *err = NULL;
  remove_dir(dir);
  leveldb_t *db = leveldb_open(o, dir, &err);
  if (err) die("open base", err);
  for (int g = 1; g <= LAST_GEN; g++) {
    for (int i = 0; i < N; i++)
      if (op_applies(i, g)) put_or_delete(db, i, g);
    if (g == 1) compact(db, 0, N - 1);     /* everything to a deep level */
    if (g == 3) compact(db, 0, N / 2);     /* part of it further down */
    if (g == 4) compact(db, 0, 1);         /* flush; gen-4 tables stay in L0 */
  }
  printf("base: %d keys; tables per level:", N);
  for (int l = 0; l < 7; l++) {
    char name[64];
    snprintf(name, sizeof name, "leveldb.num-files-at-level%d", l);
    printf(" %lld", property_u64(db, name));
  }
  printf("\n");
  leveldb_close(db);
  leveldb_options_destroy(o);
}

/* What `f` holds: repair a directory with only that file, iterate it. */
static void enumerate(const char *base, const char *work, struct source *s) {
  char from[4096], to[4096];
  remove_dir(work);
  if (mkdir(work, 0755) != 0) die("mkdir", work);
  snprintf(from, sizeof from, "%s/%s", base, s->file.name);
  snprintf(to, sizeof to, "%s/%s", work, s->file.name);
  copy_file(from, to);
  leveldb_options_t *o = make_options(0, 0);
  char *err = NULL;
  leveldb_repair_db(o, work, &err);
  if (err) die("repair (enumerating a source)", err);
  leveldb_t *db = leveldb_open(o, work, &err);
  if (err) die("open (enumerating a source)", err);
  int *obs = calloc((size_t)N, sizeof *obs), bad = 0;
  if (iterate_all(db, obs, &bad) || bad) die("iterate", s->file.name);
  s->keys = calloc((size_t)N, sizeof *s->keys);
  s->gens = calloc((size_t)N, sizeof *s->gens);
  s->count = 0;
  for (int i = 0; i < N; i++) {
    if (obs[i] == GARBAGE) die("garbage in intact file", s->file.name);
    if (obs[i] == ABSENT) continue;
    s->keys[s->count] = i;
    s->gens[s->count++] = obs[i];
  }
  free(obs);
  leveldb_close(db);
  leveldb_options_destroy(o);
}

/* --- One trial ------------------------------------------------------------------ */
struct tally {
  long by_kind[KINDS][OUTCOMES];
  long repaired[KINDS], repair_failed[KINDS], repair_short[KINDS], repair_wrong[KINDS];
  long intact_records[KINDS], intact_recovered[KINDS];
};

static uint64_t rng_state;
static uint64_t next_random(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Classifies one observation of key i; adds to *wrong, *missing or
 * *journal_loss. */
static void judge(int i, int seen, int *wrong, int *missing, int *journal_loss) {
  int want = state_after(i, LAST_GEN);
  if (seen == want) return;
  if (seen == GARBAGE) (*wrong)++;
  else if (journal_touched(i) && (seen == state_after(i, 4) || seen == state_after(i, 5)))
    (*journal_loss)++;
  else if (seen == ABSENT) (*missing)++;
  else (*wrong)++;
}

/* Repairs dir and checks every record of every intact source. */
static void check_repair(const char *dir, const struct source *src, int nsrc, int flipped,
                         struct tally *t, enum kind kind, char *note, size_t note_len) {
  leveldb_options_t *o = make_options(1, 0);
  char *err = NULL;
  leveldb_repair_db(o, dir, &err);
  leveldb_t *db = err ? NULL : leveldb_open(o, dir, &err);
  int *obs = calloc((size_t)N, sizeof *obs);
  int errors = db ? read_all(db, obs) : 0;
  if (err || errors) {
    t->repair_failed[kind]++;
    snprintf(note, note_len, "repair FAILED: %s", err ? err : "reads failed after repair");
  } else {
    long records = 0, recovered = 0, garbage = 0;
    for (int i = 0; i < N; i++) garbage += obs[i] == GARBAGE;
    for (int s = 0; s < nsrc; s++) {
      if (s == flipped) continue;
      for (int r = 0; r < src[s].count; r++) {
        int i = src[s].keys[r], g = src[s].gens[r], seen = obs[i], later_delete = 0;
        for (int d = g + 1; d <= LAST_GEN; d++) later_delete |= op_applies(i, d) && is_delete(d);
        records++;
        recovered += (seen != GARBAGE && seen >= g) || (seen == ABSENT && later_delete);
      }
    }
    t->repaired[kind]++;
    t->intact_records[kind] += records;
    t->intact_recovered[kind] += recovered;
    if (recovered < records) t->repair_short[kind]++;
    if (garbage) t->repair_wrong[kind]++;
    snprintf(note, note_len, "repair: %ld/%ld intact records, %ld garbage values", recovered,
             records, garbage);
  }
  free(obs);
  leveldb_free(err);
  if (db) leveldb_close(db);
  leveldb_options_destroy(o);
}

static enum outcome run_trial(long trial, uint64_t seed, const char *base, const char *work,
                              const struct source *src, int nsrc, struct tally *t) {
  rng_state = seed * 0x100000001B3ull + (uint64_t)trial;
  enum kind kind = (enum kind)(next_random() % KINDS);
  int candidates[MAX_FILES], n = 0;
  for (int s = 0; s < nsrc; s++)
    if (src[s].file.kind == kind) candidates[n++] = s;
  if (n == 0) die("the base has no file of type", KIND_NAME[kind]);
  int pick = candidates[next_random() % (uint64_t)n];
  const struct file *f = &src[pick].file;
  long bit = (long)(next_random() % (uint64_t)(f->size * 8));

  char from[4096], to[4096];
  remove_dir(work);
  if (mkdir(work, 0755) != 0) die("mkdir", work);
  for (int s = 0; s < nsrc; s++) {
    snprintf(from, sizeof from, "%s/%s", base, src[s].file.name);
    snprintf(to, sizeof to, "%s/%s", work, src[s].file.name);
    copy_file(from, to);
  }
  snprintf(to, sizeof to, "%s/%s", work, f->name);
  flip_bit(to, bit);

  leveldb_options_t *o = make_options(1, 0);
  char *err = NULL;
  leveldb_t *db = leveldb_open(o, work, &err);
  int errors = 0, wrong = 0, wrong_by_get = 0, missing = 0, journal_loss = 0, drop_counted = 0;
  int *obs = calloc((size_t)N, sizeof *obs);
  if (err) {
    errors++;
  } else {
    errors += read_all(db, obs);
    for (int i = 0; i < N; i++) judge(i, obs[i], &wrong, &missing, &journal_loss);
    wrong_by_get = wrong;
    errors += iterate_all(db, obs, &wrong);
    for (int i = 0; i < N; i++) judge(i, obs[i], &wrong, &missing, &journal_loss);
    long long dropped = property_u64(db, "avccdb.journal_dropped_bytes");
    long long torn = property_u64(db, "avccdb.journal_torn_bytes");
    drop_counted = dropped < 0 || dropped + torn > 0; /* no counter: LOG only */
    leveldb_close(db);
  }
  free(obs);
  enum outcome out = CLEAN;
  if (wrong) out = WRONG;
  else if (errors) out = ERROR;
  else if (missing) out = SILENT_LOSS;
  else if (journal_loss)
    out = kind == JOURNAL && drop_counted && log_reports_drop(work) ? JOURNAL_DROP : SILENT_LOSS;
  t->by_kind[kind][out]++;

  char note[512];
  check_repair(work, src, nsrc, pick, t, kind, note, sizeof note);
  if (verbose || out == WRONG || out == SILENT_LOSS)
    printf("trial %ld: %s %s bit %ld (byte %ld): %s%s%s (wrong %d of which by get %d, missing "
           "%d, journal loss %d, errors %d); %s\n",
           trial, KIND_NAME[kind], f->name, bit, bit / 8, OUTCOME_NAME[out], err ? ": " : "",
           err ? err : "", wrong, wrong_by_get, missing, journal_loss, errors, note);
  leveldb_free(err);
  leveldb_options_destroy(o);
  return out;
}

/* --- Report ------------------------------------------------------------------------ */
static void report(const struct tally *t, long trials) {
  printf("\n| file type | trials |");
  for (int o = 0; o < OUTCOMES; o++) printf(" %s |", OUTCOME_NAME[o]);
  printf(" repair finished | intact records recovered |\n|---|---|");
  for (int o = 0; o <= OUTCOMES + 1; o++) printf("---|");
  printf("\n");
  long total[OUTCOMES] = {0}, rep = 0, records = 0, recovered = 0;
  for (int k = 0; k < KINDS; k++) {
    long n = 0;
    for (int o = 0; o < OUTCOMES; o++) n += t->by_kind[k][o], total[o] += t->by_kind[k][o];
    printf("| %s | %ld |", KIND_NAME[k], n);
    for (int o = 0; o < OUTCOMES; o++) printf(" %ld |", t->by_kind[k][o]);
    printf(" %ld/%ld | %ld/%ld |\n", t->repaired[k], n, t->intact_recovered[k],
           t->intact_records[k]);
    rep += t->repaired[k], records += t->intact_records[k], recovered += t->intact_recovered[k];
  }
  printf("| **all** | %ld |", trials);
  for (int o = 0; o < OUTCOMES; o++) printf(" %ld |", total[o]);
  printf(" %ld/%ld | %ld/%ld |\n\n", rep, trials, recovered, records);
  for (int k = 0; k < KINDS; k++)
    if (t->repair_failed[k] || t->repair_short[k] || t->repair_wrong[k])
      printf("repair, %s: %ld failed, %ld short of intact records, %ld with garbage values\n",
             KIND_NAME[k], t->repair_failed[k], t->repair_short[k], t->repair_wrong[k]);
}

int main(int argc, char **argv) {
  const char *dir = NULL;
  long trials = 100, first = 0;
  uint64_t seed = 1;
  int strict = 0;
  for (int a = 1; a < argc; a++) {
    const char *arg = argv[a];
    if (strncmp(arg, "--dir=", 6) == 0) dir = arg + 6;
    else if (strncmp(arg, "--trials=", 9) == 0) trials = atol(arg + 9);
    else if (strncmp(arg, "--first=", 8) == 0) first = atol(arg + 8);
    else if (strncmp(arg, "--seed=", 7) == 0) seed = strtoull(arg + 7, NULL, 10);
    else if (strncmp(arg, "--keys=", 7) == 0) N = atoi(arg + 7);
    else if (strcmp(arg, "--verbose") == 0) verbose = 1;
    else if (strcmp(arg, "--strict") == 0) strict = 1;
    else die("unknown flag", arg);
  }
  if (!dir || trials < 0 || N < 100) die("usage", "--dir=DIR [--trials=N] [--seed=S] ...");
  char base[1024], work[1024];
  if (strlen(dir) > 900) die("--dir is too long", dir);
  snprintf(base, sizeof base, "%s/base", dir);
  snprintf(work, sizeof work, "%s/trial", dir);
  mkdir(dir, 0755);
  build_base(base);

  struct file files[MAX_FILES];
  int nfiles = list_files(base, files);
  struct source *src = calloc((size_t)nfiles, sizeof *src);
  int per_kind[KINDS] = {0};
  for (int s = 0; s < nfiles; s++) {
    src[s].file = files[s];
    per_kind[files[s].kind]++;
    if (files[s].kind == TABLE || files[s].kind == JOURNAL) enumerate(base, work, &src[s]);
  }
  printf("files: %d tables, %d journals, %d manifests, %d CURRENT\n", per_kind[TABLE],
         per_kind[JOURNAL], per_kind[MANIFEST], per_kind[CURRENT]);
  /* The journal must hold exactly the last phase (generations 5 and 6). */
  for (int s = 0; s < nfiles; s++) {
    if (src[s].file.kind != JOURNAL) continue;
    for (int r = 0; r < src[s].count; r++)
      if (src[s].gens[r] != 5) die("journal holds more than the last phase", src[s].file.name);
  }
  if (per_kind[JOURNAL] != 1) die("base", "expected exactly one journal");

  struct tally t;
  memset(&t, 0, sizeof t);
  long bad = 0;
  for (long i = first; i < first + trials; i++) {
    enum outcome o = run_trial(i, seed, base, work, src, nfiles, &t);
    bad += o == WRONG || o == SILENT_LOSS;
  }
  report(&t, trials);
  long repair_bad = 0;
  for (int k = 0; k < KINDS; k++)
    repair_bad += t.repair_failed[k] + t.repair_short[k] + t.repair_wrong[k];
  printf("trials %ld (seed %llu, first %ld): %ld wrong or silently missing, %ld repair "
         "problems\n",
         trials, (unsigned long long)seed, first, bad, repair_bad);
  remove_dir(work);
  remove_dir(base);
  return strict && (bad || repair_bad) ? 1 : 0;
}
