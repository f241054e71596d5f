#!/usr/bin/env python3
"""Helper of scripts/measure: runtime and decode measurements, and the report.

  measure.py runtime URL NAME=TOKEN_CHECK,FOLLOWERS_PAGE...
                                         whole-process instruction counts (callgrind), wall
                                         time, peak memory, verify_credentials per second,
                                         followers pages
  measure.py decode BINARY               instructions and nanoseconds per decoded account
  measure.py report RESULTS.tsv          markdown tables with ratios to the baselines

Runs of the programs being compared are interleaved, so that a change in the machine's load
hits them alike. Instruction counts are exact and repeatable; times are the median of many runs.
"""

import re
import statistics
import subprocess
import sys
import time

FLOW_RUNS = 31  # whole-process runs of the three-call flow, for wall time
RSS_RUNS = 5
LOOP_CALLS = 2000  # verify_credentials calls in the keep-alive loop
LOOP_RUNS = 5
IR_CALLS = 200  # verify_credentials calls for the per-call instruction count
PAGES = 20  # followers pages (40 full accounts each) for the per-page instruction count
PAGE_LOOP = 300  # followers pages in the timed loop
ACCOUNT = "14715"  # any id: the server answers every followers page alike


def callgrind(cmd):
    """Instructions executed by the whole process (callgrind's total)."""
    p = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        capture_output=True,
        text=True,
    )
    if p.returncode != 0:
        sys.exit(f"{cmd[0]} failed under callgrind:\n{p.stderr[-2000:]}")
    m = re.search(r"Collected : (\d+)", p.stderr)
    if not m:
        sys.exit(f"no instruction count from callgrind for {cmd}")
    return int(m.group(1))


def run_checked(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.startswith("ok"):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-500:]}")


def wall(cmd):
    start = time.perf_counter()
    run_checked(cmd)
    return time.perf_counter() - start


def peak_rss_kib(cmd):
    p = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd], capture_output=True, text=True
    )
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {p.stderr[-500:]}")
    return int(p.stderr.strip().splitlines()[-1])


def runtime(url, programs):
    names = [p[0] for p in programs]
    res = {n: {} for n in names}
    for name, binary, followers in programs:
        ir0 = callgrind([binary, url, "0"])
        irn = callgrind([binary, url, str(IR_CALLS)])
        res[name]["ir_flow"] = ir0
        res[name]["ir_call"] = (irn - ir0) / IR_CALLS
        irp0 = callgrind([followers, url, ACCOUNT, "0"])
        irp = callgrind([followers, url, ACCOUNT, str(PAGES)])
        res[name]["ir_page"] = (irp - irp0) / PAGES
    samples = {n: {"flow": [], "rss": [], "loop": [], "pages": [], "pages0": []} for n in names}
    for i in range(FLOW_RUNS):
        for name, binary, followers in programs:
            samples[name]["flow"].append(wall([binary, url, "0"]))
            if i < RSS_RUNS:
                samples[name]["rss"].append(peak_rss_kib([binary, url, "0"]))
            if i < LOOP_RUNS:
                samples[name]["loop"].append(wall([binary, url, str(LOOP_CALLS)]))
                samples[name]["pages0"].append(wall([followers, url, ACCOUNT, "0"]))
                samples[name]["pages"].append(wall([followers, url, ACCOUNT, str(PAGE_LOOP)]))
    for name in names:
        s = samples[name]
        flow = statistics.median(s["flow"])
        loop = statistics.median(s["loop"])
        res[name]["wall_ms"] = flow * 1000
        res[name]["rss_kib"] = statistics.median(s["rss"])
        res[name]["rps"] = LOOP_CALLS / max(loop - flow, 1e-9)
        pages = statistics.median(s["pages"]) - statistics.median(s["pages0"])
        res[name]["pps"] = PAGE_LOOP / max(pages, 1e-9)
    for name in names:
        for key, value in res[name].items():
            print(f"{name}\t{key}\t{value:.6g}")


def decode(binary):
    pages = 5
    for way in ["ours", "plain-serde", "plain-miniserde"]:
        ir0 = callgrind([binary, "count", way, "0"])
        irn = callgrind([binary, "count", way, str(pages)])
        print(f"{way}\tir_account\t{(irn - ir0) / (pages * 40):.6g}")
    out = subprocess.run([binary, "time", "200"], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        way, ns = line.split()
        print(f"{way}\tns_account\t{ns}")


# ---------------------------------------------------------------------------------------
# The report

PROGRAMS = {"baseline": "raw ureq 3", "token_check": "token_check", "cli": "mastolite CLI"}


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b else "n/a"


def load(path):
    meta, size, run, dec = {}, {}, {}, {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            kind = parts[0]
            if kind == "meta":
                meta[parts[1]] = parts[2]
            elif kind == "size":
                target, variant, program, nbytes, crates, secs = parts[1:]
                size[(target, variant, program)] = (int(nbytes), int(crates), float(secs))
            elif kind == "run":
                target, variant, program, key, value = parts[1:]
                run.setdefault((variant, program), {})[key] = float(value)
            elif kind == "decode":
                backend, way, key, value = parts[1:]
                dec.setdefault((backend, way), {})[key] = float(value)
    return meta, size, run, dec


def report(path):
    meta, size, run, dec = load(path)
    out = []
    out.append(
        f"Measured {meta.get('date', '?')} on {meta.get('machine', '?')}, "
        f"{meta.get('rustc', '?')}, commit {meta.get('commit', '?')}; "
        f"load average at the start {meta.get('load', '?')}."
    )
    budgets = []
    if size:
        out += [
            "",
            "Size profile (opt-level \"z\", lto, one codegen unit, panic abort, strip). "
            "Sizes in MB (10^6 bytes); ratios are to the raw-ureq program of the same "
            "variant and target, built in the same run. Crates: the normal dependency tree, "
            "without the program itself. Build: a clean build of the program and all its "
            "dependencies, sources already fetched; the CLI is built after the token check in "
            "the same target dir, so its time is what it adds.",
            "",
            "| target | variant | program | size | × raw ureq | crates | + raw ureq | build | × raw ureq |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for (target, variant, program), (nbytes, crates, secs) in size.items():
            base = size.get((target, variant, "baseline"))
            is_base = program == "baseline"
            out.append(
                f"| {target} | {variant} | {PROGRAMS[program]} | {nbytes / 1e6:.3f} MB | "
                f"{'1' if is_base else ratio(nbytes, base and base[0])} | {crates} | "
                f"{'' if is_base or not base else f'{crates - base[1]:+d}'} | {secs:.0f} s | "
                f"{'1' if is_base or program == 'cli' else ratio(secs, base and base[2])} |"
            )

        # Crate counts: once, from the first target measured (the trees are the same).
        TREE_TARGET = [t for t, _, _ in size][:1] or ["musl"]

        def get(target, variant, program):
            return size.get((target, variant, program))

        def budget(ok, text):
            budgets.append(f"- {'ok' if ok else 'OVER'}: {text}")

        tc = get("musl", "miniserde+rustls", "token_check")
        base = get("musl", "miniserde+rustls", "baseline")
        if tc and base:
            budget(tc[0] <= 1.10 * base[0],
                   f"token_check miniserde+rustls musl is {tc[0] / base[0]:.3f} × raw ureq (≤ 1.10)")
            budget(tc[0] < 1.9e6, f"token_check miniserde+rustls musl {tc[0] / 1e6:.3f} MB (< 1.9 MB)")
        tc = get("musl", "miniserde+none", "token_check")
        if tc:
            budget(tc[0] < 0.8e6, f"token_check miniserde+none musl {tc[0] / 1e6:.3f} MB (< 0.8 MB)")
        cli = get("musl", "miniserde+rustls", "cli")
        if cli:
            budget(cli[0] < 2.0e6, f"CLI miniserde+rustls musl {cli[0] / 1e6:.3f} MB (< 2.0 MB)")
        for (target, variant, program), (nbytes, crates, _) in size.items():
            base = get(target, variant, "baseline")
            if program == "token_check" and base and target == TREE_TARGET[0]:
                budget(crates <= base[1] + 3,
                       f"crates {variant}: {crates}, raw ureq {base[1]} (≤ +3)")
        for (target, variant, program), (nbytes, crates, _) in size.items():
            if program != "baseline" and variant.startswith("miniserde+"):
                serde = get(target, "serde+" + variant.split("+", 1)[1], program)
                if serde:
                    budget(nbytes < serde[0],
                           f"{PROGRAMS[program]} {target} {variant} smaller than with serde "
                           f"({nbytes / 1e6:.3f} vs {serde[0] / 1e6:.3f} MB)")
        tc = get("gnu", "serde+rustls", "token_check")
        base = get("gnu", "serde+rustls", "baseline")
        if tc and base:
            budget(tc[2] <= 1.2 * base[2],
                   f"clean build, default features (serde+rustls, gnu): {tc[2] / base[2]:.2f} × "
                   f"raw ureq (≤ 1.2; timing, reported only)")
    if run:
        out += [
            "",
            "Runtime on loopback (gnu; plain http to a local keep-alive server, "
            "scripts/bench/server), token_check as a ratio to raw ureq. Instructions: "
            "callgrind's count for the whole process doing the three calls, and per extra "
            "verify_credentials call. Wall time and peak RSS of the three-call process "
            f"(median of {FLOW_RUNS} and {RSS_RUNS} runs); calls per second of a keep-alive "
            f"loop of {LOOP_CALLS} verify_credentials. Followers: a page of 40 full accounts "
            "fetched and decoded (raw ureq decodes into a plain struct with the same fields), "
            f"instructions per page and pages per second over a loop of {PAGE_LOOP}.",
            "",
            "| variant | instructions, 3 calls | per verify call | wall time | peak RSS | "
            "verify calls/s | per followers page | pages/s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for variant in dict.fromkeys(v for v, _ in run):
            ours, base = run.get((variant, "token_check")), run.get((variant, "baseline"))
            if not ours or not base:
                continue
            out.append(
                f"| {variant} | {ours['ir_flow'] / 1e6:.2f} M ({ratio(ours['ir_flow'], base['ir_flow'])}) | "
                f"{ours['ir_call'] / 1e3:.0f} k ({ratio(ours['ir_call'], base['ir_call'])}) | "
                f"{ours['wall_ms']:.2f} ms ({ratio(ours['wall_ms'], base['wall_ms'])}) | "
                f"{ours['rss_kib'] / 1024:.1f} MiB ({ratio(ours['rss_kib'], base['rss_kib'])}) | "
                f"{ours['rps']:.0f} ({ratio(ours['rps'], base['rps'])}) | "
                f"{ours['ir_page'] / 1e6:.2f} M ({ratio(ours['ir_page'], base['ir_page'])}) | "
                f"{ours['pps']:.0f} ({ratio(ours['pps'], base['pps'])}) |"
            )
            budgets.append(
                f"- {'ok' if ours['ir_flow'] <= 1.05 * base['ir_flow'] else 'OVER'}: three-call "
                f"flow {variant}: {ours['ir_flow'] / base['ir_flow']:.3f} × raw ureq in "
                f"instructions, {ours['wall_ms'] / base['wall_ms']:.2f} × in wall time (≤ 1.05)"
            )
    if dec:
        out += [
            "",
            "Decoding a page of 40 full accounts (release profile, scripts/bench/decode): "
            "instructions per account (callgrind, exact) and nanoseconds per account (best of 7 "
            "rounds), as ratios to serde_json decoding into a plain struct with the same fields.",
            "",
            "| decoder | instructions/account | × plain serde_json | ns/account | × plain serde_json |",
            "|---|---|---|---|---|",
        ]
        plain = dec.get(("serde", "plain-serde"))
        rows = [
            ("plain struct, serde_json", ("serde", "plain-serde")),
            ("plain struct, miniserde", ("serde", "plain-miniserde")),
            ("mastolite::Account, serde", ("serde", "ours")),
            ("mastolite::Account, miniserde", ("miniserde", "ours")),
        ]
        for label, key in rows:
            d = dec.get(key)
            if not d or not plain:
                continue
            out.append(
                f"| {label} | {d['ir_account'] / 1e3:.1f} k | {ratio(d['ir_account'], plain['ir_account'])} | "
                f"{d['ns_account']:.0f} | {ratio(d['ns_account'], plain['ns_account'])} |"
            )
        for backend in ["serde", "miniserde"]:
            ours = dec.get((backend, "ours"))
            same = dec.get(("serde", f"plain-{backend}"))
            if ours and same:
                r = ours["ir_account"] / same["ir_account"]
                budgets.append(
                    f"- {'ok' if r <= 1.10 else 'OVER'}: decoding under {backend}: {r:.3f} × "
                    f"{backend} into a plain struct (≤ 1.10, instructions)"
                )
    if budgets:
        out += ["", "Budgets (issue 6):", "", *budgets]
    print("\n".join(out))


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "runtime":
        programs = []
        for arg in sys.argv[3:]:
            name, binaries = arg.split("=", 1)
            programs.append((name, *binaries.split(",")))
        runtime(sys.argv[2], programs)
    elif len(sys.argv) == 3 and sys.argv[1] == "decode":
        decode(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "report":
        report(sys.argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
