#!/usr/bin/env python3
"""Runs db_bench (libavccdb), db_bench_leveldb (system libleveldb) and
db_bench_rocksdb (system librocksdb) side by side — each program whose
binary exists — rotating their order in every repetition so that machine
noise hits all alike, and prints the machine, the exact commands, the load
average before and after, and Markdown tables of median micros/op and MB/s
per benchmark with, for each peer, the ratio peer time / avccdb time (above
1 means avccdb is faster) and its min–max range over the repetitions.

    scripts/bench_compare.py --reps 5 --num 1000000 --threads 1,2,4,8,16 --db-dir /tmp
    scripts/bench_compare.py --aa --reps 3 --num 1000000     # noise control
    scripts/bench_compare.py --scale 1000000,10000000,50000000 --db-dir /tmp

--aa runs the same db_bench_leveldb binary as two columns (leveldb-A,
leveldb-B): their ratio shows how far the machine's noise alone moves one.
--scale runs fillrandom,readrandom,readseq once per size and program with an
explicit, small block cache (--scale-cache-size, 8 MiB by default) and at
most --max-reads reads, and prints a table of times, ratios, write
amplification, space amplification and peak RSS from db_bench's
--stats_summary=1 lines (docs/PERFORMANCE.md).

Each library runs with its own defaults unless --same-settings (the same
--write_buffer_size, --cache_size and --bloom_bits to every program) or
one of --write-buffer-size, --cache-size, --bloom-bits is given.

Needs a build with the programs: cmake --build build --target db_bench
db_bench_leveldb db_bench_rocksdb. Plain python3, no third-party modules.
"""
import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys

LINE = re.compile(r"^(\w+)\s+:\s+([0-9.]+) micros/op;(?:\s+([0-9.]+) MB/s)?")
SCALE = re.compile(r"^scale\s+:\s+(after \w+|total):\s+(.*)$")
BACKEND = re.compile(r"^Backend:\s+(.*)$")

# --same-settings values when not given: LevelDB's and avccdb's defaults
# (4 MiB write buffer, 8 MiB block cache) and a 10-bit bloom filter.
SAME_DEFAULTS = {"write_buffer_size": 4 << 20, "cache_size": 8 << 20, "bloom_bits": 10}


def machine(db_dir):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    fs = subprocess.run(["df", "-T", db_dir], capture_output=True, text=True).stdout.strip()
    fs_line = fs.splitlines()[-1] if fs else "unknown"
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "model name": cpu,
        "memory": mem,
        "kernel": f"{platform.system()} {platform.release()} {platform.version()}",
        "db dir filesystem (df -T)": fs_line,
    }


def loadavg():
    try:
        return "%.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "unknown"


def parse(out):
    """Result lines -> {bench: (micros, MB/s or None)}; scale lines ->
    {label: {key: value}}; and the Backend line."""
    res, scale, backend = {}, {}, None
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            res[m.group(1)] = (float(m.group(2)), float(m.group(3)) if m.group(3) else None)
            continue
        m = SCALE.match(line)
        if m:
            fields = {}
            for kv in m.group(2).split():
                k, _, v = kv.partition("=")
                fields[k] = None if v == "-" else float(v)
            scale[m.group(1)] = fields
            continue
        m = BACKEND.match(line)
        if m:
            backend = m.group(1)
    return res, scale, backend


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return parse(p.stdout)


def rotated(items, rep):
    k = rep % len(items)
    return items[k:] + items[:k]


def median_or_dash(xs, fmt):
    xs = [x for x in xs if x is not None]
    return fmt % statistics.median(xs) if xs else "-"


def ratio_cell(base, peer):
    """Ratio of the medians (peer / base time) and the min–max range of the
    per-repetition ratios (repetition i of one against repetition i of the
    other)."""
    bm = statistics.median(x[0] for x in base)
    pm = statistics.median(x[0] for x in peer)
    ratios = [p[0] / b[0] for b, p in zip(base, peer) if b[0] > 0]
    if bm <= 0 or not ratios:
        return "-", "-"
    return f"{pm / bm:.2f}×", f"{min(ratios):.2f}–{max(ratios):.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--programs", default=None,
                    help="comma-separated subset of avccdb,leveldb,rocksdb "
                         "(default: every one built; avccdb first, the baseline)")
    ap.add_argument("--aa", action="store_true",
                    help="A/A control: db_bench_leveldb in two columns")
    ap.add_argument("--reps", type=int, default=None,
                    help="repetitions (default 5; 1 with --scale)")
    ap.add_argument("--num", type=int, default=200000)
    ap.add_argument("--value-size", type=int, default=100)
    ap.add_argument("--threads", default="1,2",
                    help="comma-separated thread counts, e.g. 1,2,4,8,16")
    ap.add_argument("--benchmarks",
                    default="fillseq,fillsync,fillrandom,overwrite,readrandom,readseq,fillbatch")
    ap.add_argument("--threaded-benchmarks", default="fillrandom,fillsync",
                    help="benchmarks run again with each --threads value above 1")
    ap.add_argument("--same-settings", "--same_settings", action="store_true",
                    help="pass the same --write_buffer_size, --cache_size, --bloom_bits to every "
                         "program (defaults %s unless given)" % SAME_DEFAULTS)
    ap.add_argument("--write-buffer-size", type=int, default=None)
    ap.add_argument("--cache-size", type=int, default=None)
    ap.add_argument("--bloom-bits", type=int, default=None)
    ap.add_argument("--scale", default=None,
                    help="comma-separated key counts: fillrandom,readrandom,readseq per size")
    ap.add_argument("--scale-benchmarks", default="fillrandom,readrandom,readseq")
    ap.add_argument("--scale-cache-size", type=int, default=8 << 20,
                    help="block cache for --scale runs (default 8 MiB), given to every program")
    ap.add_argument("--max-reads", type=int, default=1000000,
                    help="--scale: --reads = min(size, this)")
    ap.add_argument("--db-dir", default="/tmp")
    ap.add_argument("--dry-run", action="store_true",
                    help="print the machine and the commands, run nothing")
    a = ap.parse_args()
    reps = a.reps if a.reps is not None else (1 if a.scale else 5)
    if reps < 1:
        sys.exit("--reps must be at least 1")

    binaries = {
        "avccdb": os.path.join(a.build, "bench", "db_bench"),
        "leveldb": os.path.join(a.build, "bench", "db_bench_leveldb"),
        "rocksdb": os.path.join(a.build, "bench", "db_bench_rocksdb"),
    }
    if a.aa:
        programs = [("leveldb-A", binaries["leveldb"]), ("leveldb-B", binaries["leveldb"])]
    elif a.programs:
        names = [n.strip() for n in a.programs.split(",") if n.strip()]
        for n in names:
            if n not in binaries:
                sys.exit(f"unknown program {n} (avccdb, leveldb, rocksdb)")
        programs = [(n, binaries[n]) for n in names]
    else:
        programs = [(n, e) for n, e in binaries.items() if os.access(e, os.X_OK)]
        if not any(n == "avccdb" for n, _ in programs):
            sys.exit(f"{binaries['avccdb']} missing: build it first")
    for name, exe in programs:
        if not os.access(exe, os.X_OK):
            sys.exit(f"{exe} missing: build it first ({name})")
    if len(programs) < 2 and not a.dry_run:
        print("note: only one program built; no ratios", file=sys.stderr)
    base = programs[0][0]

    settings = {"write_buffer_size": a.write_buffer_size, "cache_size": a.cache_size,
                "bloom_bits": a.bloom_bits}
    if a.scale and settings["cache_size"] is None:
        settings["cache_size"] = a.scale_cache_size
    if a.same_settings:
        for k, v in SAME_DEFAULTS.items():
            if settings[k] is None:
                settings[k] = v
    common = [f"--{k}={v}" for k, v in settings.items() if v is not None]

    def command(name, exe, extra):
        db = os.path.join(a.db_dir, f"dbbench-{name}")
        return [exe] + extra + [f"--value_size={a.value_size}"] + common + [f"--db={db}"], db

    # configs: (label, extra args); every repetition runs every config on
    # every program, in an order rotated by one program per repetition.
    configs = []
    if a.scale:
        sizes = [int(x) for x in a.scale.split(",") if x.strip()]
        for n in sizes:
            extra = [f"--benchmarks={a.scale_benchmarks}", f"--num={n}",
                     f"--reads={min(n, a.max_reads)}", "--threads=1",
                     "--stats_summary=1"]
            configs.append((n, extra))
    else:
        threads = [int(x) for x in a.threads.split(",") if x.strip()]
        if not threads or min(threads) < 1:
            sys.exit("--threads: a list of counts, each at least 1")
        if 1 in threads or not any(t > 1 for t in threads):
            configs.append((1, [f"--benchmarks={a.benchmarks}", f"--num={a.num}", "--threads=1"]))
        for t in threads:
            if t > 1:
                configs.append((t, [f"--benchmarks={a.threaded_benchmarks}", f"--num={a.num}",
                                    f"--threads={t}"]))

    print("## Machine\n")
    for k, v in machine(a.db_dir).items():
        print(f"- {k}: {v}")
    print(f"- load average before (1, 5, 15 min): {loadavg()}")
    if a.aa:
        print("\nA/A control: the same db_bench_leveldb binary in both columns.")
    print(f"\n## Commands ({reps} repetition(s); each runs every command below, the programs' "
          f"order rotated by one every repetition; databases deleted after each run)\n")
    for _, extra in configs:
        for name, exe in programs:
            cmd, _ = command(name, exe, extra)
            print("    " + " ".join(cmd))
    sys.stdout.flush()
    if a.dry_run:
        return

    results = {}  # (config, bench, program) -> [(micros, MB/s)] per repetition
    scales = {}   # (config, program) -> [total scale fields] per repetition
    backends = {}
    for rep in range(reps):
        for label, extra in configs:
            for name, exe in rotated(programs, rep):
                cmd, db = command(name, exe, extra)
                shutil.rmtree(db, ignore_errors=True)
                res, scale, backend = run(cmd)
                shutil.rmtree(db, ignore_errors=True)
                backends[name] = backend
                for bench, r in res.items():
                    results.setdefault((label, bench, name), []).append(r)
                if "total" in scale:
                    scales.setdefault((label, name), []).append(scale["total"])
        print(f"repetition {rep + 1}/{reps} done", file=sys.stderr)

    print(f"\n- load average after (1, 5, 15 min): {loadavg()}")
    print("\nPrograms:\n")
    for name, exe in programs:
        print(f"- {name}: {exe} — {backends.get(name) or 'unknown'}")
    names = [n for n, _ in programs]
    peers = names[1:]

    if a.scale:
        print_scale(a, reps, configs, names, base, peers, results, scales, common)
        return

    print(f"\n## Results: median of {reps} repetition(s), --num={a.num} "
          f"--value_size={a.value_size}{' ' + ' '.join(common) if common else ''}\n")
    head = "| threads | benchmark | " + " | ".join(f"{n} µs/op" for n in names) + " | " + \
        " | ".join(f"{n} MB/s" for n in names)
    for p in peers:
        head += f" | {p}/{base} | range"
    print(head + " |")
    print("|" + "---|" * (2 + 2 * len(names) + 2 * len(peers)))
    for label, extra in configs:
        benches = extra[0].split("=", 1)[1].split(",")
        for bench in benches:
            runs = {n: results.get((label, bench, n)) for n in names}
            if not runs[base]:
                continue
            row = [str(label), bench]
            row += [median_or_dash([x[0] for x in (runs[n] or [])], "%.3f") for n in names]
            row += [median_or_dash([x[1] for x in (runs[n] or [])], "%.1f") for n in names]
            for p in peers:
                row += list(ratio_cell(runs[base], runs[p])) if runs[p] else ["-", "-"]
            print("| " + " | ".join(row) + " |")
    print(f"\nRatios: peer time / {base} time per operation (above 1: {base} is faster); "
          "range: the smallest and largest per-repetition ratio.")


def print_scale(a, reps, configs, names, base, peers, results, scales, common):
    benches = a.scale_benchmarks.split(",")
    mib = 1024.0 * 1024.0
    print(f"\n## Scale: median of {reps} repetition(s), --value_size={a.value_size} "
          f"{' '.join(common)}, --reads=min(num, {a.max_reads}), one thread\n")
    print("| keys | program | " + " | ".join(f"{b} µs/op" for b in benches) +
          " | write amp | space amp | disk MiB | live MiB | peak RSS MiB |")
    print("|" + "---|" * (2 + len(benches) + 5))
    for label, _ in configs:
        for n in names:
            row = [f"{label:,}", n]
            row += [median_or_dash([x[0] for x in results.get((label, b, n), [])], "%.3f")
                    for b in benches]
            tot = scales.get((label, n), [])
            row.append(median_or_dash([t.get("write_amp") for t in tot], "%.2f"))
            row.append(median_or_dash([t.get("space_amp") for t in tot], "%.2f"))
            row.append(median_or_dash(
                [t["disk"] / mib if t.get("disk") is not None else None for t in tot], "%.1f"))
            row.append(median_or_dash(
                [t["live_user"] / mib if t.get("live_user") is not None else None for t in tot],
                "%.1f"))
            row.append(median_or_dash(
                [t["peak_rss_kib"] / 1024.0 if t.get("peak_rss_kib") is not None else None
                 for t in tot], "%.1f"))
            print("| " + " | ".join(row) + " |")
    if peers:
        print(f"\nRatios per size: peer time / {base} time (above 1: {base} is faster), "
              "with the min–max range over the repetitions.\n")
        print("| keys | peer | " + " | ".join(benches) + " |")
        print("|" + "---|" * (2 + len(benches)))
        for label, _ in configs:
            for p in peers:
                row = [f"{label:,}", f"{p}/{base}"]
                for b in benches:
                    bv, pv = results.get((label, b, base)), results.get((label, b, p))
                    if bv and pv:
                        r, rng = ratio_cell(bv, pv)
                        row.append(f"{r} ({rng})")
                    else:
                        row.append("-")
                print("| " + " | ".join(row) + " |")
    print("\nwrite amp: bytes the process wrote to the block layer (/proc/self/io write_bytes) "
          "over the whole run / bytes of keys and values written; space amp: the database "
          "directory's size after close / the live keys and values (distinct keys written); "
          "peak RSS: VmHWM of the db_bench process.")


if __name__ == "__main__":
    main()
