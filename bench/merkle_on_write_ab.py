#!/usr/bin/env python3
"""What hashing on write costs fillrandom: runs db_bench (the avccdb build)
with --merkle_on_write=1 and =0 alternately, the order flipping every
repetition, a fresh database each run, and prints the machine, the exact
commands, every run and the medians:

    bench/merkle_on_write_ab.py --db-bench build/bench/db_bench --reps 3 --num 1000000

Per run it records db_bench's micros/op and MB/s and, from the kernel
(wait4), the process's CPU seconds (user + system, all threads: the
foreground writer and the background flushes and compactions that do the
hashing). The ratio on/off is micros/op with hashing / without: 1.05 means
fillrandom runs 5% slower with merkle_on_write=1 (throughput 1/1.05).
--aa also runs an A/A control (merkle_on_write=1 against itself) in the same
alternation, to show how much of a ratio is noise on this machine.
"""
import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

LINE = re.compile(r"^(\w+)\s+:\s+([0-9.]+) micros/op;(?:\s+([0-9.]+) MB/s)?")


def machine(db_dir):
    info = {}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "Thread(s) per core", "Hypervisor vendor"):
                info["lscpu " + k.strip()] = v.strip()
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as f:
            info["MemTotal"] = f.readline().split(":", 1)[1].strip()
    except OSError:
        pass
    info["kernel"] = platform.release()
    fs = subprocess.run(["df", "-T", db_dir], capture_output=True, text=True).stdout.strip()
    info["db dir (df -T)"] = fs.splitlines()[-1] if fs else "unknown"
    return info


def run(cmd, db):
    shutil.rmtree(db, ignore_errors=True)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate()
    wall = time.monotonic() - t0
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{out}{err}")
    shutil.rmtree(db, ignore_errors=True)
    for line in out.splitlines():
        m = LINE.match(line)
        if m and m.group(1) == "fillrandom":
            return float(m.group(2)), float(m.group(3) or 0), wall
    sys.exit(f"no fillrandom line from: {' '.join(cmd)}\n{out}")


def cpu_seconds():
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db-bench", default="build/bench/db_bench")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--num", type=int, default=1000000)
    ap.add_argument("--value-size", type=int, default=100)
    ap.add_argument("--db-dir", default="/tmp")
    ap.add_argument("--aa", action="store_true", help="also an A/A control (1 against 1)")
    a = ap.parse_args()

    def cmd(m):
        return [a.db_bench, "--benchmarks=fillrandom", f"--num={a.num}",
                f"--value_size={a.value_size}", f"--merkle_on_write={m}",
                f"--db={os.path.join(a.db_dir, 'dbbench-merkle-ab')}"]

    arms = [("on", 1), ("off", 0)] + ([("on'", 1)] if a.aa else [])
    print("## Machine")
    for k, v in machine(a.db_dir).items():
        print(f"- {k}: {v}")
    print(f"- load average before: {os.getloadavg()[0]:.2f}")
    print("\n## Commands (each run on a fresh database)")
    for name, m in arms:
        print(f"    {' '.join(cmd(m))}    # {name}")
    res = {name: [] for name, _ in arms}
    print("\n## Runs")
    print("| rep | arm | micros/op | MB/s | wall s | CPU s | load avg |")
    print("|---|---|---|---|---|---|---|")
    for rep in range(a.reps):
        order = arms if rep % 2 == 0 else list(reversed(arms))
        for name, m in order:
            c0 = cpu_seconds()
            us, mbs, wall = run(cmd(m), os.path.join(a.db_dir, "dbbench-merkle-ab"))
            cpu = cpu_seconds() - c0
            load = os.getloadavg()[0]
            res[name].append((us, mbs, wall, cpu))
            print(f"| {rep + 1} | {name} | {us:.3f} | {mbs:.1f} | {wall:.1f} | {cpu:.1f} | {load:.2f} |",
                  flush=True)

    def med(name, i):
        return statistics.median(r[i] for r in res[name])

    print("\n## Medians")
    print("| arm | merkle_on_write | micros/op | MB/s | CPU s |")
    print("|---|---|---|---|---|")
    for name, m in arms:
        print(f"| {name} | {m} | {med(name, 0):.3f} | {med(name, 1):.1f} | {med(name, 3):.1f} |")
    ratio = med("on", 0) / med("off", 0)
    per_rep = [on[0] / off[0] for on, off in zip(res["on"], res["off"])]
    cpu_ratio = med("on", 3) / med("off", 3)
    print(f"\nratio on/off, micros/op medians: {ratio:.3f} "
          f"(per repetition {min(per_rep):.3f}-{max(per_rep):.3f}); "
          f"throughput with hashing = {1 / ratio:.1%} of without")
    print(f"ratio on/off, CPU seconds medians: {cpu_ratio:.3f}")
    if a.aa:
        aa = med("on", 0) / med("on'", 0)
        per = [x[0] / y[0] for x, y in zip(res["on"], res["on'"])]
        print(f"A/A control on/on', micros/op medians: {aa:.3f} "
              f"(per repetition {min(per):.3f}-{max(per):.3f})")


if __name__ == "__main__":
    main()
