"""WebSocket load generator for one live room (B6): many viewer sockets, a few chatters, a seller, likes.

Reads a JSON spec on stdin; prints progress on stderr once a second and one JSON result on stdout.

spec: {"base_ws": "ws://127.0.0.1:PORT", "origin": "http://127.0.0.1:PORT", "path": "/ws/shows/<id>/",
       "sockets": [{"token"?}, ...]    every viewer socket (anonymous when no token),
       "chatters": [i, ...]            indices of the sockets that chat (signed in),
       "seller": i                     index of the seller's socket (a shop member),
       "rate": chat messages/s in total (open loop, chatters in turn), "seller_every": s between the
       seller's messages, "like_rate": likes/s in total (from every socket in turn), "duration": s,
       "drain": s, "drain_max": s, "connect_parallel": n, "bare": false}

Every chat and seller message must reach every socket (the sender too, by its echo) as a `message` frame
with its client_id; latency is measured from the send to each receipt. `stats` frames are counted per
socket (the target: never more than one a second). With "bare": true the frames are sent already shaped
like the server's to the bare broadcaster, and no likes are sent (it would broadcast each one).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import resource
import sys
import time
import uuid
from urllib.parse import urlsplit

from websockets.asyncio.client import connect


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def main(spec: dict) -> dict:
    base = spec["base_ws"].rstrip("/")
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("the load generator only talks to 127.0.0.1")
    members = spec["sockets"]
    chatters = list(spec["chatters"])
    seller = int(spec["seller"])
    rate = float(spec["rate"])
    seller_every = float(spec.get("seller_every", 10))
    like_rate = 0.0 if spec.get("bare") else float(spec.get("like_rate", 0))
    duration = float(spec["duration"])
    drain = float(spec.get("drain", 8))
    bare = bool(spec.get("bare"))
    label = spec.get("label", "live")
    run_id = uuid.uuid4().hex[:8]
    cpu0 = _cpu()

    sent_at: dict[str, float] = {}
    kind_of: dict[str, str] = {}  # client_id -> "chat" | "seller"
    expected: dict[str, int] = {}
    received: dict[str, int] = {}
    latencies: dict[str, list[float]] = {"chat": [], "seller": []}
    frames: dict[str, int] = {}
    stats_times: list[list[float]] = [[] for _ in members]
    errors: list[str] = []
    closed: list[int] = []
    sockets: list = [None] * len(members)
    measuring = [False]
    semaphore = asyncio.Semaphore(int(spec.get("connect_parallel", 50)))

    async def reader(ws, sid: int) -> None:
        try:
            async for raw in ws:
                now = time.perf_counter()
                try:
                    frame = json.loads(raw)
                except ValueError:
                    frames["invalid"] = frames.get("invalid", 0) + 1
                    continue
                kind = frame.get("type")
                if not measuring[0]:
                    continue
                frames[kind] = frames.get(kind, 0) + 1
                if kind == "message":
                    cid = (frame.get("message") or {}).get("client_id")
                    t0 = sent_at.get(cid)
                    if t0 is None:
                        continue
                    received[cid] = received.get(cid, 0) + 1
                    latencies[kind_of[cid]].append(now - t0)
                elif kind == "stats":
                    stats_times[sid].append(now)
                elif kind == "error" and len(errors) < 20:
                    errors.append(json.dumps(frame, ensure_ascii=False)[:200])
        except Exception as exc:
            if len(errors) < 20:
                errors.append(f"socket {sid}: {exc!r}")
        closed.append(sid)

    readers: list[asyncio.Task] = []
    connect_failures = 0

    async def open_socket(sid: int, member: dict) -> None:
        nonlocal connect_failures
        headers = {"Authorization": f"Token {member['token']}"} if member.get("token") else {}
        async with semaphore:
            for attempt in range(3):
                try:
                    ws = await connect(
                        base + spec["path"],
                        additional_headers=headers,
                        origin=spec.get("origin"),
                        open_timeout=30,
                        ping_interval=None,
                        max_queue=None,
                        compression=None,
                    )
                    break
                except Exception as exc:
                    if attempt == 2:
                        connect_failures += 1
                        if len(errors) < 20:
                            errors.append(f"connect {spec['path']}: {exc!r}")
                        return
                    await asyncio.sleep(0.5)
        sockets[sid] = ws
        readers.append(asyncio.create_task(reader(ws, sid)))

    t_connect = time.perf_counter()
    connecting = asyncio.gather(*(open_socket(i, m) for i, m in enumerate(members)))
    while not connecting.done():
        await asyncio.sleep(1.0)
        opened = sum(1 for s in sockets if s is not None)
        print(f"  [{label}] connecting: {opened}/{len(members)} open", file=sys.stderr, flush=True)
    await connecting
    connect_s = time.perf_counter() - t_connect
    await asyncio.sleep(1.5)  # the server's group_add calls and the first stats tick
    measuring[0] = True

    present = sum(1 for s in sockets if s is not None)
    sent = {"chat": 0, "seller": 0, "like": 0}
    send_failures = 0

    async def send(sid: int, text: str) -> bool:
        nonlocal send_failures
        ws = sockets[sid]
        if ws is None:
            send_failures += 1
            return False
        try:
            await ws.send(text)
            return True
        except Exception as exc:
            send_failures += 1
            if len(errors) < 20:
                errors.append(f"send: {exc!r}")
            return False

    async def message(sid: int, kind: str, n: int) -> None:
        cid = f"{kind[0]}{run_id}-{n}"
        text = (
            json.dumps({"type": "message", "message": {"client_id": cid}})
            if bare
            else json.dumps({"type": "message", "text": f"压测 {kind} {n}", "client_id": cid})
        )
        kind_of[cid] = kind
        expected[cid] = present
        sent_at[cid] = time.perf_counter()
        if await send(sid, text):
            sent[kind] += 1
        else:
            expected.pop(cid, None)

    # Open loop: three schedules (chat, seller, likes) merged, each event at its due time.
    start = time.perf_counter()
    events: list[tuple[float, str, int]] = [(k / rate, "chat", k) for k in range(int(rate * duration))]
    events += [
        (k * seller_every, "seller", k) for k in range(int(duration / seller_every) + 1) if k * seller_every < duration
    ]
    if like_rate:
        events += [(k / like_rate, "like", k) for k in range(int(like_rate * duration))]
    events.sort()
    like_text = json.dumps({"type": "like"})
    last_report = start
    for due, kind, n in events:
        wait = start + due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        if kind == "chat":
            await message(chatters[n % len(chatters)], "chat", n)
        elif kind == "seller":
            await message(seller, "seller", n)
        elif await send(n % len(members), like_text):
            sent["like"] += 1
        if time.perf_counter() - last_report >= 1.0:
            last_report = time.perf_counter()
            print(
                f"  [{label}] {last_report - start:5.1f}s sent {sent} deliveries {sum(received.values())}/"
                f"{sum(expected.values())} frames={frames}",
                file=sys.stderr,
                flush=True,
            )
    send_elapsed = time.perf_counter() - start

    hard_deadline = time.perf_counter() + float(spec.get("drain_max", 60))
    quiet_deadline = time.perf_counter() + drain
    last_count = -1
    while time.perf_counter() < min(quiet_deadline, hard_deadline):
        if all(received.get(cid, 0) >= n for cid, n in expected.items()):
            break
        count = sum(received.values())
        if count != last_count:
            last_count = count
            quiet_deadline = time.perf_counter() + drain
            print(f"  [{label}] draining: deliveries {count}/{sum(expected.values())}", file=sys.stderr, flush=True)
        await asyncio.sleep(0.5)
    # One more second so a stats tick after the last like is seen (and counted against the target).
    await asyncio.sleep(1.2)
    window = time.perf_counter() - start
    closed_early = len(closed)
    measuring[0] = False
    for ws in sockets:
        if ws is not None:
            await ws.close()
    for task in readers:
        task.cancel()

    # stats: per socket, frames per second over the window, and the shortest gap between two of them.
    per_socket = [len(t) for t in stats_times]
    gaps = [b - a for t in stats_times for a, b in itertools.pairwise(t)]
    by_kind = {}
    for kind in ("chat", "seller"):
        ids = [cid for cid, k in kind_of.items() if k == kind and cid in expected]
        exp = sum(expected[cid] for cid in ids)
        got = sum(min(received.get(cid, 0), expected[cid]) for cid in ids)
        by_kind[kind] = {
            "sent": sent[kind],
            "deliveries_expected": exp,
            "deliveries": got,
            "deliveries_lost": exp - got,
            "messages_lost": sum(1 for cid in ids if received.get(cid, 0) < expected[cid]),
        }
    cpu = _cpu() - cpu0
    return {
        "label": label,
        "sockets": len(members),
        "connected": present,
        "connect_failures": connect_failures,
        "connect_s": round(connect_s, 2),
        "sent": sent,
        "send_failures": send_failures,
        "chat_send_rate": round(sent["chat"] / send_elapsed, 1) if send_elapsed else 0.0,
        "like_send_rate": round(sent["like"] / send_elapsed, 1) if send_elapsed else 0.0,
        "by_kind": by_kind,
        "deliveries_lost": sum(k["deliveries_lost"] for k in by_kind.values()),
        "latencies": latencies,
        "frames": frames,
        "frames_total": sum(frames.values()),
        "window_s": round(window, 2),
        "stats_frames_per_socket_max": max(per_socket, default=0),
        "stats_per_second_max": round(max(per_socket, default=0) / window, 3) if window else None,
        "stats_min_gap_ms": round(1000 * min(gaps), 1) if gaps else None,
        "errors": errors,
        "sockets_closed_early": closed_early,
        "loadgen_cpu_s": round(cpu, 2),
        "loadgen_cpu_pct": round(100 * cpu / (connect_s + window), 1),
    }


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(main(json.loads(sys.stdin.read())))
    print(json.dumps(result))
