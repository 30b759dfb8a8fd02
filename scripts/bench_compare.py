#!/usr/bin/env python3
"""Runs db_bench (libavccdb) and db_bench_leveldb (system libleveldb) side by
side, alternating them in every repetition so that machine noise hits both
alike, and prints the machine, the exact commands, and a Markdown table of
median micros/op and MB/s per benchmark with the leveldb/avccdb ratio
(> 1 means avccdb is faster).

    scripts/bench_compare.py --reps 5 --num 200000 --threads 1,2 --db-dir /tmp

Needs a build with both programs: cmake --build build --target db_bench db_bench_leveldb
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
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "db dir filesystem (df -T)": fs_line,
    }


def run(exe, args):
    out = subprocess.run([exe] + args, capture_output=True, text=True, check=True).stdout
    res = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            res[m.group(1)] = (float(m.group(2)), float(m.group(3)) if m.group(3) else None)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--num", type=int, default=200000)
    ap.add_argument("--value-size", type=int, default=100)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--benchmarks",
                    default="fillseq,fillsync,fillrandom,overwrite,readrandom,readseq,fillbatch")
    ap.add_argument("--threaded-benchmarks", default="fillrandom,fillsync",
                    help="benchmarks run again with each --threads value above 1")
    ap.add_argument("--db-dir", default="/tmp")
    a = ap.parse_args()

    exes = {
        "avccdb": os.path.join(a.build, "bench", "db_bench"),
        "leveldb": os.path.join(a.build, "bench", "db_bench_leveldb"),
    }
    for name, exe in exes.items():
        if not os.access(exe, os.X_OK):
            sys.exit(f"{exe} missing: build it first ({name})")

    info = machine(a.db_dir)
    print("## Machine\n")
    for k, v in info.items():
        print(f"- {k}: {v}")
    configs = [(1, a.benchmarks)]
    for t in [int(x) for x in a.threads.split(",")]:
        if t > 1:
            configs.append((t, a.threaded_benchmarks))

    results = {}  # (threads, bench, backend) -> [(micros, mbs)]
    print("\n## Commands (each repetition runs avccdb then leveldb, alternating)\n")
    for threads, benches in configs:
        for backend, exe in exes.items():
            db = os.path.join(a.db_dir, f"dbbench-{backend}")
            args = [f"--benchmarks={benches}", f"--num={a.num}",
                    f"--value_size={a.value_size}", f"--threads={threads}", f"--db={db}"]
            print(f"    {exe} {' '.join(args)}")
    for rep in range(a.reps):
        for threads, benches in configs:
            order = list(exes.items())
            if rep % 2:
                order.reverse()
            for backend, exe in order:
                db = os.path.join(a.db_dir, f"dbbench-{backend}")
                args = [f"--benchmarks={benches}", f"--num={a.num}",
                        f"--value_size={a.value_size}", f"--threads={threads}", f"--db={db}"]
                for bench, r in run(exe, args).items():
                    results.setdefault((threads, bench, backend), []).append(r)
                shutil.rmtree(db, ignore_errors=True)
        print(f"repetition {rep + 1}/{a.reps} done", file=sys.stderr)

    print(f"\n## Results: median of {a.reps} repetitions, --num={a.num} --value_size={a.value_size}\n")
    print("| threads | benchmark | avccdb µs/op | leveldb µs/op | avccdb MB/s | leveldb MB/s "
          "| leveldb/avccdb (time ratio) | min–max ratio over reps |")
    print("|---|---|---|---|---|---|---|---|")
    for threads, benches in configs:
        for bench in benches.split(","):
            av = results.get((threads, bench, "avccdb"))
            lv = results.get((threads, bench, "leveldb"))
            if not av or not lv:
                continue
            am = statistics.median(x[0] for x in av)
            lm = statistics.median(x[0] for x in lv)
            ambs = [x[1] for x in av if x[1] is not None]
            lmbs = [x[1] for x in lv if x[1] is not None]
            amb = f"{statistics.median(ambs):.1f}" if ambs else "-"
            lmb = f"{statistics.median(lmbs):.1f}" if lmbs else "-"
            ratios = [l[0] / x[0] for x, l in zip(av, lv) if x[0] > 0]
            print(f"| {threads} | {bench} | {am:.3f} | {lm:.3f} | {amb} | {lmb} | "
                  f"{lm / am:.2f}× | {min(ratios):.2f}–{max(ratios):.2f} |")


if __name__ == "__main__":
    main()
