"""Runs the benchmarks (each in its own process, one after the other), then writes
bench/out/results.json, results.md and results.png and prints every target with its measured value.

    python -m bench.run [all | flash catalog chat payout checkout-queries live ...] [--quick] [--strict]
                        [--products N]

Exit status: 1 when a correctness check fails in any benchmark (oversell, lost chat messages, a payout
rerun that writes rows) — always; 3 when a speed/size target is MISSED and --strict (BENCH_STRICT=1) is
given; otherwise 0, with every MISSED target printed. A benchmark that cannot run (B4 before the payout
service existed) prints NOT RUN; it fails the command only when asked for on its own (make bench-payout).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from bench import common as c
from bench import report

MODULES = {
    "flash": "flash",
    "catalog": "catalog",
    "search-extras": "search_extras",  # B2's catalogue: suggestions and facets (issue 24)
    "chat": "chat",
    "payout": "payout",
    "checkout-queries": "checkout_queries",
    "live": "live",
    "deals": "deals",  # B7: a flash deal in a live room (issue 22)
}
# A group runs its benchmarks one after the other: `live` is B6 (the room) and B7 (a flash deal in a room).
GROUPS = {"live": ["live", "deals"]}
TIMEOUTS = {
    "flash": 1500,
    "catalog": 1500,
    "search-extras": 1200,
    "chat": 1500,
    "payout": 900,
    "checkout-queries": 300,
    "live": 900,
    "deals": 600,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("benchmarks", nargs="*", default=["all"])
    parser.add_argument("--quick", action="store_true", help="small sizes and short runs (development)")
    parser.add_argument(
        "--strict",
        action="store_true",
        default=os.environ.get("BENCH_STRICT") == "1",
        help="a MISSED speed target fails the command too (exit 3)",
    )
    parser.add_argument("--products", type=int, default=None, help="B2 catalogue size (default 1,000,000)")
    args = parser.parse_args(argv)
    names = list(MODULES) if "all" in args.benchmarks else args.benchmarks
    names = list(dict.fromkeys(part for name in names for part in GROUPS.get(name, [name])))
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {list(MODULES)}")
    c.OUT.mkdir(parents=True, exist_ok=True)
    only = len(names) == 1
    started = time.monotonic()
    codes: dict[str, int] = {}
    for name in names:
        cmd = [c.PY, "-m", f"bench.{MODULES[name]}"]
        if args.quick:
            cmd.append("--quick")
        if args.products and name in ("catalog", "search-extras"):
            cmd += ["--products", str(args.products)]
        c.log(f"=== {name}: {' '.join(cmd[1:])}")
        t0 = time.monotonic()
        try:
            codes[name] = subprocess.run(cmd, cwd=c.ROOT, timeout=TIMEOUTS[name]).returncode
        except subprocess.TimeoutExpired:
            c.log(f"{name} did not finish within {TIMEOUTS[name]} s: stopped")
            codes[name] = 4
        c.log(f"=== {name} finished in {time.monotonic() - t0:.0f} s with exit status {codes[name]}")
    checks = report.build()
    print("\n" + "=" * 100)
    print(f"Benchmarks {names} in {time.monotonic() - started:.0f} s — targets (see bench/out/results.md):")
    for chk in checks:
        print(c.Check(**{k: chk[k] for k in ("bench", "name", "measured", "target", "ok", "kind", "note")}).line())
    failed = [n for n, code in codes.items() if code in (1, 4)]
    unavailable = [n for n, code in codes.items() if code == 2]
    missed = [chk for chk in checks if not chk["ok"] and chk["kind"] not in ("correctness", "unavailable")]
    if unavailable:
        print(f"NOT RUN: {unavailable} (the service is not available yet)")
    if missed:
        print(f"MISSED: {len(missed)} target(s)" + ("" if args.strict else " (not failing: run with --strict)"))
    if failed:
        print(f"FAILED: {failed} (oversell, lost messages or another correctness check, or a timeout)")
        return 1
    if only and unavailable:
        return 2
    if args.strict and (missed or any(code == 3 for code in codes.values())):
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
