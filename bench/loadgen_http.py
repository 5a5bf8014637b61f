"""HTTP load generator: one process, asyncio + aiohttp, a fixed number of concurrent clients (closed loop).

Reads a JSON spec on stdin, prints progress on stderr once a second and one JSON result line on stdout.
It stops by itself after `duration` seconds, after `max_requests`, or (checkout) when every client has
seen the SKU sold out. Only 127.0.0.1 is allowed.

spec: {"base_url", "concurrency", "duration", "max_requests"?, "mode": "get" | "checkout",
       "paths": [...] (get), "tokens": [...], "sku": id, "quantity": 1 (checkout),
       "stop_on_sold_out": true (checkout; false: keep buying a sold-out SKU, to time the refusals),
       "warmup": {"path": "/api/v1/me/", "seconds": 2.0}? (before the clock starts, every client sends
       GET `path` for `seconds` on its connections; nothing of it is counted),
       "cpu_pids": [...]? (the server's processes: their CPU over the timed window is `server_cpu_s`)}

The warm-up is for a server whose workers share one listening socket (uvicorn): the first worker to wake
accepts a whole burst of new connections, and until a keep-alive cap recycles them one worker serves every
client (bench B1: the first 2-4 s of a checkout run). A timed run that starts with the burst measures that
transient, and more so for a slower request (fewer answers per second per connection: the cap recycles
them later). Warmed up, the run starts on connections already spread over the workers.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
import time
import uuid
from urllib.parse import urlsplit

import aiohttp

from bench.common import processes_cpu

ADDRESS = {"name": "压测买家", "phone": "13800000000", "province": "湖南", "city": "长沙", "line": "岳麓区 1 号"}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(spec: dict) -> dict:
    base = spec["base_url"].rstrip("/")
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("the load generator only talks to 127.0.0.1")
    concurrency = int(spec["concurrency"])
    duration = float(spec["duration"])
    max_requests = int(spec.get("max_requests") or 10**12)
    mode = spec.get("mode", "get")
    paths = spec.get("paths") or ["/"]
    tokens = spec.get("tokens") or []
    statuses: dict[int, int] = {}
    latencies: list[float] = []  # successful requests only (2xx)
    errors: list[str] = []
    sold_out = 0
    issued = 0
    done = 0
    warmup = spec.get("warmup") or {}
    cpu_pids = [int(pid) for pid in spec.get("cpu_pids") or []]

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        def headers_for(index: int) -> dict[str, str]:
            headers = {"Accept": "application/json"}
            if tokens:
                headers["Authorization"] = f"Token {tokens[index % len(tokens)]}"
            return headers

        async def warm(index: int, until: float, apart: float) -> None:
            await asyncio.sleep(index * apart)  # one new connection at a time: each is accepted on its own
            while time.monotonic() < until:
                async with session.get(f"{base}{warmup['path']}", headers=headers_for(index)) as response:
                    await response.read()

        if warmup:
            seconds = float(warmup["seconds"])
            apart = min(0.05, seconds / 2 / concurrency)  # every client connected in the first half
            until = time.monotonic() + seconds
            await asyncio.gather(*(warm(i, until, apart) for i in range(concurrency)))
        started = time.monotonic()
        deadline = started + duration
        cpu0, server_cpu0 = _cpu(), processes_cpu(cpu_pids)

        async def client(index: int) -> None:
            nonlocal issued, done, sold_out
            headers = headers_for(index)
            n = index
            while time.monotonic() < deadline and issued < max_requests:
                issued += 1
                t0 = time.perf_counter()
                try:
                    if mode == "checkout":
                        body = {
                            "address": ADDRESS,
                            "items": [{"sku": spec["sku"], "quantity": spec.get("quantity", 1)}],
                        }
                        request = session.post(
                            f"{base}/api/v1/checkout/",
                            json=body,
                            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                        )
                    else:
                        request = session.get(f"{base}{paths[n % len(paths)]}", headers=headers)
                    async with request as response:
                        await response.read()
                        status = response.status
                except Exception as exc:
                    status = 0
                    if len(errors) < 20:
                        errors.append(repr(exc))
                elapsed = time.perf_counter() - t0
                statuses[status] = statuses.get(status, 0) + 1
                done += 1
                if 200 <= status < 300:
                    latencies.append(round(elapsed, 6))
                n += concurrency
                if mode == "checkout" and status == 409:
                    sold_out += 1
                    if spec.get("stop_on_sold_out", True):
                        return  # this buyer saw "out of stock": the sale is over for them

        async def progress() -> None:
            last = 0
            while True:
                await asyncio.sleep(1.0)
                now = time.monotonic() - started
                print(
                    f"  [{spec.get('label', 'http')}] {now:5.1f}s {done} done (+{done - last}/s) statuses={statuses}",
                    file=sys.stderr,
                    flush=True,
                )
                last = done

        reporter = asyncio.create_task(progress())
        await asyncio.gather(*(client(i) for i in range(concurrency)))
        reporter.cancel()
    elapsed = time.monotonic() - started
    cpu, server_cpu = _cpu() - cpu0, processes_cpu(cpu_pids) - server_cpu0
    ok = sum(n for s, n in statuses.items() if 200 <= s < 300)
    return {
        "label": spec.get("label"),
        "concurrency": concurrency,
        "elapsed_s": round(elapsed, 3),
        "requests": done,
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors,
        "rate_ok": round(ok / elapsed, 1) if elapsed else 0.0,
        "latencies": latencies,
        "loadgen_cpu_s": round(cpu, 2),
        "loadgen_cpu_pct": round(100 * cpu / elapsed, 1) if elapsed else 0.0,
        **({"server_cpu_s": round(server_cpu, 3)} if cpu_pids else {}),
    }


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(main(json.loads(sys.stdin.read())))
    # The result is one line of up to megabytes (the bare endpoint's tens of thousands of latencies). Under
    # PYTHONUNBUFFERED a text write to the pipe may be cut short at 64 KiB and the rest dropped: write the
    # bytes until all are out, in blocking mode (the event loop may have left stdout non-blocking).
    os.set_blocking(sys.stdout.fileno(), True)
    data = memoryview((json.dumps(result) + "\n").encode())
    while data:
        data = data[os.write(sys.stdout.fileno(), data) :]
