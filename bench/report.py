"""Merges the benchmarks' sections (bench/out/<name>.json) into results.json, results.md and results.png."""

from __future__ import annotations

import json
import sys
from typing import Any

from bench import common as c

SECTIONS = ("flash", "catalog", "search_extras", "chat", "payout", "checkout_queries", "live", "deals")
TITLES = {
    "flash": "B1 flash sale",
    "catalog": "B2 catalogue",
    "chat": "B3 chat",
    "payout": "B4 payout batch",
    "checkout_queries": "B5 checkout query count",
    "live": "B6 live room",
    "deals": "B7 flash deal in a live room",
    "search_extras": "B2 search facets and suggestions",
}


def load_sections() -> dict[str, Any]:
    sections = {}
    for name in (*SECTIONS, "flash_before"):
        path = c.OUT / f"{name}.json"
        if path.exists():
            sections[name] = json.loads(path.read_text())
    return sections


def _f(x: Any, digits: int = 1) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    if isinstance(x, int):
        return f"{x:,}"
    return str(x)


def markdown(sections: dict[str, Any], machine: dict[str, Any]) -> str:
    lines = [
        f"# Benchmark results — {machine['date']}",
        "",
        f"Machine: {machine['nproc']} cores, {machine['memory_gb']} GB RAM, Python {machine['python']}, "
        f"PostgreSQL {machine['postgres']}; load average at start {machine['load_avg_at_start']}. "
        "Medians of the runs; ceilings measured in the same run.",
        "",
    ]
    fl = sections.get("flash")
    if fl:
        cfg = fl["config"]
        lines += [
            f"## {TITLES['flash']} ({fl.get('finished_at', '')})",
            "",
            f"One SKU, stock {cfg['stock']:,}; uvicorn {cfg['workers']} workers, server env `{cfg['server_env']}`; "
            f"{cfg['duration_s']:g} s per run, {cfg['runs']} run(s).",
            "",
            "| buyers | orders/s | p50 ms | p99 ms | pgbench tps (clients) | orders/s ÷ pgbench | oversell | "
            "load-gen CPU % | server CPU % |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for level, row in fl["levels"].items():
            lines.append(
                f"| {level} | {_f(row['orders_per_s'])} | {_f(row['p50_ms'])} | {_f(row['p99_ms'])} | "
                f"{_f(row['ceiling_tps'])} ({row['ceiling_clients']}) | "
                f"{_f(c.ratio(row['orders_per_s'], row['ceiling_tps']), 3)} | {row['oversell_max']} | "
                f"{_f(row['loadgen_cpu_pct_mean'])} | {_f(row['server_cpu_pct'])} |"
            )
        so = fl.get("sellout")
        if so:
            lines += [
                "",
                f"Sell-out run: stock {so['stock_taken'] + so['stock_left']:,}, {so['concurrency']} buyers: "
                f"{so['quantity_sold']} sold, stock left {so['stock_left']}, oversell {so['oversell']}.",
            ]
        lines += ["", f"Ratios: `{fl['ratios']}`", ""]
    ca = sections.get("catalog")
    if ca:
        cfg = ca["config"]
        lines += [
            f"## {TITLES['catalog']} ({ca.get('finished_at', '')})",
            "",
            f"{cfg['products']:,} products in {cfg['shops']:,} shops; uvicorn {cfg['workers']} workers, "
            f"`{cfg['server_env']}`; {cfg['duration_s']:g} s per run, {cfg['runs']} run(s). "
            f"Queries per request: `{ca['query_counts']}`.",
            "",
            "| clients | page | req/s | p50 ms | p95 ms | p99 ms | ÷ bare ASGI | ÷ pgbench -S | load-gen CPU % | "
            "server CPU % |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for level, row in ca["levels"].items():
            for page in ("list", "search", "product", "shop", "bare"):
                r = row[page]
                lines.append(
                    f"| {level} | {page} | {_f(r['rps'])} | {_f(r['p50_ms'])} | {_f(r['p95_ms'])} | "
                    f"{_f(r['p99_ms'])} | {_f(r.get('vs_bare'), 4)} | {_f(r.get('vs_pgbench_S'), 4)} | "
                    f"{_f(r['loadgen_cpu_pct_mean'])} | {_f(r['server_cpu_pct'])} |"
                )
            lines.append(f"| {level} | pgbench -S | {_f(row['pgbench_S']['rps'])} | | | | | | | |")
        lines += ["", f"Highest req/s with p99 < 50 ms: `{ca['rps_at_p99_under_50ms']}`", ""]
    ch = sections.get("chat")
    if ch:
        cfg = ch["config"]
        lines += [
            f"## {TITLES['chat']} ({ch.get('finished_at', '')})",
            "",
            f"{cfg['clients']:,} clients in {cfg['pairs']:,} pairs at {cfg['rate']:g} msg/s; one conversation of "
            f"{cfg['group']:,} sockets at {cfg['group_rate']:g} msg/s; {cfg['duration_s']:g} s of sending per "
            f"run, {cfg['runs']} run(s); uvicorn {cfg['workers']} workers, `{cfg['server_env']}`.",
            "",
            "| scenario | sent/s | delivered/s | p50 ms | p95 ms | p99 ms | lost deliveries | connect s | "
            "load-gen CPU % |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for key, name in (
            ("pairs_app", "1:1 app"),
            ("pairs_bare", "1:1 bare"),
            ("group_app", "group app"),
            ("group_bare", "group bare"),
        ):
            s = ch[key]
            lines.append(
                f"| {name} | {_f(s['send_rate'])} | {_f(s['delivery_rate'])} | {_f(s['p50_ms'])} | "
                f"{_f(s['p95_ms'])} | {_f(s['p99_ms'])} | {s['deliveries_lost']} | {_f(s['connect_s'])} | "
                f"{_f(s['loadgen_cpu_pct'])} |"
            )
        lines += ["", f"redis-benchmark PUBLISH: {_f(ch['redis_publish']['rps'])} /s. Ratios: `{ch['ratios']}`", ""]
    po = sections.get("payout")
    if po:
        lines += [f"## {TITLES['payout']} ({po.get('finished_at', '')})", "", po.get("summary", "—"), ""]
    b5 = sections.get("checkout_queries")
    if b5:
        lines += [
            f"## {TITLES['checkout_queries']} ({b5.get('finished_at', '')})",
            "",
            "| cart | statements | of which transaction control | duplicates |",
            "|---|---|---|---|",
        ]
        for key, name in (
            ("cart_3x3", "3 shops × 3 lines (cart)"),
            ("buy_now_3x3", "3 × 3 buy-now"),
            ("cart_1x1", "1 × 1 (cart)"),
        ):
            r = b5[key]
            lines.append(f"| {name} | {r['queries']} | {r['transaction_control']} | {len(r['duplicates'])} |")
        lines.append("")
    b6 = sections.get("live")
    if b6:
        cfg = b6["config"]
        lines += [
            f"## {TITLES['live']} ({b6.get('finished_at', '')})",
            "",
            f"One room of {cfg['viewers']:,} sockets; {cfg['chatters']} chatters at {cfg['rate']:g} msg/s, the seller "
            f"every {cfg['seller_every_s']:g} s (stands in for pins), likes at {cfg['like_rate']:g}/s; "
            f"{cfg['duration_s']:g} s per run, {cfg['runs']} run(s); uvicorn {cfg['workers']} workers.",
            "",
            "| scenario | chat sent/s | p50 ms | p99 ms | seller p99 ms | lost | stats/s/socket max | "
            "server µs/frame |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for key in ("app", "bare"):
            s = b6[key]
            lines.append(
                f"| {key} | {_f(s['chat_send_rate'])} | {_f(s['p50_ms'])} | {_f(s['p99_ms'])} | "
                f"{_f(s['seller_p99_ms'])} | {s['deliveries_lost']} | {_f(s['stats_per_second_max'], 3)} | "
                f"{_f(s['server_cpu_us_per_frame'])} |"
            )
        lines.append("")
    lines += ["## Targets", "", "| | check | measured | target | result |", "|---|---|---|---|---|"]
    for name in SECTIONS:
        for chk in sections.get(name, {}).get("checks", []):
            status = (
                "ok"
                if chk["ok"]
                else {"correctness": "**FAILED**", "unavailable": "**NOT RUN**"}.get(chk["kind"], "**MISSED**")
            )
            lines.append(f"| {chk['bench']} | {chk['name']} | {_f(chk['measured'], 3)} | {chk['target']} | {status} |")
    return "\n".join(lines) + "\n"


def chart(sections: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    ax = axes[0][0]
    fl = sections.get("flash")
    if fl:
        levels = list(fl["levels"])
        x = range(len(levels))
        ax.bar(
            [i - 0.2 for i in x], [fl["levels"][lv]["orders_per_s"] or 0 for lv in levels], 0.4, label="HTTP checkout"
        )
        ax.bar(
            [i + 0.2 for i in x], [fl["levels"][lv]["ceiling_tps"] or 0 for lv in levels], 0.4, label="pgbench ceiling"
        )
        ax.set_xticks(list(x), [f"{lv} buyers" for lv in levels])
        ax.set_yscale("log")
        ax.legend()
    ax.set_title("B1 flash sale: orders/s (log)")
    ax = axes[0][1]
    ca = sections.get("catalog")
    if ca:
        pages = ["list", "search", "product", "shop", "bare"]
        levels = list(ca["levels"])
        width = 0.8 / len(levels)
        for j, lv in enumerate(levels):
            ax.bar(
                [i + j * width for i in range(len(pages))],
                [ca["levels"][lv][p]["rps"] or 0 for p in pages],
                width,
                label=f"{lv} clients",
            )
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(pages))], pages)
        ax.set_yscale("log")
        ax.legend()
    ax.set_title("B2 catalogue: req/s (log); bare = ASGI ceiling")
    ax = axes[1][0]
    ch = sections.get("chat")
    if ch:
        names = ["pairs_app", "pairs_bare", "group_app", "group_bare"]
        ax.bar([i - 0.2 for i in range(4)], [ch[n]["p50_ms"] or 0 for n in names], 0.4, label="p50")
        ax.bar([i + 0.2 for i in range(4)], [ch[n]["p99_ms"] or 0 for n in names], 0.4, label="p99")
        ax.set_xticks(range(4), ["1:1 app", "1:1 bare", "group app", "group bare"])
        ax.set_yscale("log")
        ax.axhline(50, color="grey", ls="--", lw=0.8)
        ax.axhline(250, color="grey", ls=":", lw=0.8)
        ax.legend()
    ax.set_title("B3 chat: delivery latency ms (log)")
    ax = axes[1][1]
    b5 = sections.get("checkout_queries")
    if b5:
        keys = ["cart_3x3", "buy_now_3x3", "cart_1x1"]
        ax.bar(range(3), [b5[k]["queries"] for k in keys], label="statements")
        ax.bar(range(3), [b5[k]["transaction_control"] for k in keys], label="of which BEGIN/SAVEPOINT/COMMIT")
        ax.axhline(20, color="red", ls="--", lw=1, label="target ≤ 20")
        ax.set_xticks(range(3), ["cart 3×3", "buy-now 3×3", "cart 1×1"])
        ax.legend()
    ax.set_title("B5 checkout: SQL statements")
    fig.tight_layout()
    fig.savefig(c.OUT / "results.png", dpi=110)
    plt.close(fig)


def build() -> list[dict]:
    sections = load_sections()
    machine = c.machine_info()
    data = {"machine": machine, "benchmarks": sections}
    c.results_save(data)
    (c.OUT / "results.md").write_text(markdown(sections, machine))
    chart(sections)
    c.log(f"wrote {c.OUT / 'results.json'}, results.md, results.png")
    return [chk for name in SECTIONS for chk in sections.get(name, {}).get("checks", [])]


if __name__ == "__main__":
    build()
    sys.exit(0)
