"""B7's load generator (bench/deals.py): viewer sockets in a room and a burst of buyers claiming a deal.

Reads a JSON spec on stdin; prints one JSON result on stdout.

spec: {"base_url", "base_ws", "origin", "show_id", "deal_id", "viewers", "tokens": [...], "concurrency",
       "drain_max": s, "processes": n}

Reading 1,000 sockets is more than one Python process keeps up with on this machine (B6, bench/loadgen_live.py),
and B7's first version read them in the process that also ran the 200 connections of the burst: its event loop
lagged by up to 0.2–0.5 s while the server had already written the frames (measured 2026-12-05: write start →
first receipt 0.1–0.7 s), and that lag was counted as the frames' delay. So the sockets are shared by
`processes` worker processes that only note each frame's receipt time (the wall clock, as the frame's `now` is)
and its text, and parse them after the run; this process runs the burst.
"""

from __future__ import annotations

import asyncio
import json
import re
import resource
import sys
import time
from datetime import datetime
from urllib.parse import urlsplit

ADDRESS = {"name": "压测买家", "phone": "13800000000", "province": "湖南", "city": "长沙", "line": "岳麓区 1 号"}
_ZERO = re.compile(r'"remaining": 0[,}]')


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- a worker: its share of the viewer sockets ------------------------------------------------------------


async def viewers(spec: dict) -> dict:
    from websockets.asyncio.client import connect

    if urlsplit(spec["base_ws"]).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("the load generator only talks to 127.0.0.1")
    url = spec["base_ws"] + f"/ws/shows/{spec['show_id']}/"
    first, count = spec["first"], spec["count"]
    got: list[tuple[int, float, str]] = []  # (socket, receipt, text) of `deal` frames
    zero: set[int] = set()
    errors: list[str] = []
    all_zero = asyncio.Event()
    ready = [0]
    gate = asyncio.Semaphore(50)

    async def viewer(index: int) -> None:
        try:
            async with gate:
                ws = await connect(url, origin=spec["origin"], open_timeout=60, ping_interval=None, max_queue=None)
            ready[0] += 1
        except Exception as exc:
            errors.append(f"connect: {exc!r}"[:200])
            return
        try:
            async for text in ws:
                now = time.time()
                if '"type": "deal"' not in text:
                    continue
                got.append((index, now, text))
                if index not in zero and _ZERO.search(text):
                    zero.add(index)
                    if len(zero) == ready[0]:
                        all_zero.set()
        except Exception as exc:
            errors.append(f"recv: {exc!r}"[:200])

    cpu0 = _cpu()
    tasks = [asyncio.create_task(viewer(i)) for i in range(first, first + count)]
    t0 = time.perf_counter()
    while ready[0] + len(errors) < count and time.perf_counter() - t0 < 120:
        await asyncio.sleep(0.1)
    print(f"READY {ready[0]}", flush=True)
    stop = asyncio.create_task(asyncio.to_thread(sys.stdin.readline))  # "STOP" from the coordinator
    await asyncio.wait([stop, asyncio.create_task(all_zero.wait())], return_when=asyncio.FIRST_COMPLETED)
    print("ZERO", flush=True)
    await stop
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    frames = []
    for index, now, text in got:
        deal = json.loads(text)["deal"]
        frames.append((index, now, deal["now"], deal["remaining"]))
    return {"connected": ready[0], "frames": frames, "errors": errors[:10], "cpu_s": round(_cpu() - cpu0, 2)}


# --- the coordinator: starts the workers, runs the burst, merges ----------------------------------------


async def _worker_start(spec: dict, first: int, count: int) -> asyncio.subprocess.Process:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.loadgen_deals", "--viewers",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=2**26,
    )  # fmt: skip
    proc.stdin.write((json.dumps({**spec, "tokens": [], "first": first, "count": count}) + "\n").encode())
    await proc.stdin.drain()
    return proc


async def _line(proc: asyncio.subprocess.Process, want: str) -> str:
    while True:
        line = (await proc.stdout.readline()).decode()
        if not line:
            raise SystemExit(f"a B7 viewer worker ended before {want}")
        if line.startswith(want):
            return line


async def _burst(spec: dict) -> dict:
    import aiohttp

    latencies: list[float] = []
    statuses: dict[str, int] = {}
    last_ok = [0.0]
    connector = aiohttp.TCPConnector(limit=spec["concurrency"], limit_per_host=spec["concurrency"])
    url = f"{spec['base_url']}/api/v1/shows/{spec['show_id']}/deals/{spec['deal_id']}/claim/"
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:

        async def buyer(n: int, token: str) -> None:
            headers = {"Authorization": f"Token {token}", "Idempotency-Key": f"b7-{n}", "Accept": "application/json"}
            t0 = time.perf_counter()
            try:
                async with session.post(url, json={"quantity": 1, "address": ADDRESS}, headers=headers) as r:
                    body = await r.json(content_type=None)
                    code = str(r.status) if r.status < 400 else f"{r.status} {body.get('error', {}).get('code')}"
            except Exception as exc:
                code = f"exception {type(exc).__name__}"
            latencies.append(time.perf_counter() - t0)
            statuses[code] = statuses.get(code, 0) + 1
            if code == "201":
                last_ok[0] = max(last_ok[0], time.time())

        t_burst = time.perf_counter()
        await asyncio.gather(*(buyer(n, t) for n, t in enumerate(spec["tokens"])))
        burst_s = time.perf_counter() - t_burst
    return {"burst_s": burst_s, "latencies": latencies, "statuses": statuses, "last_ok": last_ok[0]}


async def loadgen(spec: dict) -> dict:
    n = max(1, min(int(spec.get("processes", 3)), spec["viewers"]))
    shares = [spec["viewers"] // n + (1 if w < spec["viewers"] % n else 0) for w in range(n)]
    t_connect = time.perf_counter()
    workers = [await _worker_start(spec, sum(shares[:w]), shares[w]) for w in range(n)]
    connected = sum([int((await _line(proc, "READY")).split()[1]) for proc in workers])
    connect_s = time.perf_counter() - t_connect
    await asyncio.sleep(1.0)  # every socket has joined the room
    cpu0 = _cpu()
    burst = await _burst(spec)
    # Late is not lost: wait while the final count (remaining 0) is still on its way to some socket.
    zeros = [asyncio.create_task(_line(proc, "ZERO")) for proc in workers]
    await asyncio.wait(zeros, timeout=spec["drain_max"])
    await asyncio.sleep(0.5)
    results = []
    for proc, zero in zip(workers, zeros, strict=True):
        proc.stdin.write(b"STOP\n")
        await proc.stdin.drain()
        if not zero.done():
            await zero
        results.append(json.loads(await _line(proc, "{")))
        await proc.wait()
    return _merged(spec, burst, results, connected=connected, connect_s=connect_s, cpu_s=_cpu() - cpu0)


def _merged(spec: dict, burst: dict, results: list[dict], **extra) -> dict:
    delays: list[float] = []
    per_second: dict[tuple[int, int], int] = {}
    saw_zero: dict[int, float] = {}
    by_frame: dict[str, list[float]] = {}  # the frame's `now` -> its receipts
    for result in results:
        for index, received, now, remaining in result["frames"]:
            built = datetime.fromisoformat(now).timestamp()
            delays.append(received - built)
            key = (index, int(received))
            per_second[key] = per_second.get(key, 0) + 1
            by_frame.setdefault(now, []).append(received - built)
            if remaining == 0 and index not in saw_zero:
                saw_zero[index] = received
    firsts = [min(d) for d in by_frame.values()]
    spreads = [max(d) - min(d) for d in by_frame.values()]
    return {
        "viewers": spec["viewers"],
        "connected": extra["connected"],
        "connect_s": round(extra["connect_s"], 1),
        "loadgen_processes": len(results),
        "buyers": len(spec["tokens"]),
        "burst_s": round(burst["burst_s"], 3),
        "claims_per_s": round(len(spec["tokens"]) / burst["burst_s"], 1) if burst["burst_s"] else None,
        "statuses": burst["statuses"],
        "claim_latencies": burst["latencies"],
        "frame_delays": delays,
        "frame_first_receipts": firsts,  # per frame: its first socket's delay (the server's part, mostly)
        "frame_spreads": spreads,  # per frame: last socket's receipt − first's (the fan-out, both ends)
        "deal_frames": len(delays),
        "deal_frames_distinct": len(by_frame),
        "deal_frames_per_socket_second_max": max(per_second.values(), default=0),
        "sockets_saw_zero": len(saw_zero),
        "zero_after_last_claim_ms": sorted(round(1000 * (t - burst["last_ok"]), 1) for t in saw_zero.values()),
        "errors": [e for r in results for e in r["errors"]][:10],
        "loadgen_cpu_s": round(extra["cpu_s"] + sum(r["cpu_s"] for r in results), 1),
    }


if __name__ == "__main__":
    spec = json.loads(sys.stdin.readline())
    if "--viewers" in sys.argv:
        print(json.dumps(asyncio.run(viewers(spec))), flush=True)
    else:
        print(json.dumps(asyncio.run(loadgen(spec))), flush=True)
