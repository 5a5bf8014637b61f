"""WebSocket load generator: one process, asyncio + the `websockets` client, many sockets.

Reads a JSON spec on stdin; prints progress on stderr once a second and one JSON result on stdout.

spec: {"base_ws": "ws://127.0.0.1:PORT", "origin": "http://127.0.0.1:PORT",
       "rooms": [[{"path", "token"?}, ...], ...]   one list of sockets per conversation (pair or group),
       "rate": messages/s in total (open loop), "duration": s, "drain": s, "connect_parallel": n,
       "bare": false}

Every message is sent by one member of a room (rooms in turn, members in turn) as the chat protocol's
`{"type": "message", "text", "client_id"}`; every member of the room (the sender too, by its echo)
must receive a `message` frame with that client_id. Latency is measured from the send to each receipt.
With "bare": true the frame is sent already shaped like the server's, for the bare broadcaster.
After the last send it waits while deliveries still arrive (late is not lost), up to `drain_max` s;
messages not received by every member when nothing has arrived for `drain` seconds are lost.
"""

from __future__ import annotations

import asyncio
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
    rooms_spec = spec["rooms"]
    rate = float(spec["rate"])
    duration = float(spec["duration"])
    drain = float(spec.get("drain", 10))
    bare = bool(spec.get("bare"))
    label = spec.get("label", "ws")
    run_id = uuid.uuid4().hex[:8]
    cpu0 = _cpu()

    sent_at: dict[str, float] = {}
    expected: dict[str, int] = {}
    sender_of: dict[str, int] = {}
    received: dict[str, int] = {}
    peer_latencies: list[float] = []
    echo_latencies: list[float] = []
    slowest: dict[str, float] = {}  # client_id -> its last delivery's latency
    frames: dict[str, int] = {}
    errors: list[str] = []
    closed: list[int] = []

    sockets: list[list] = [[None] * len(room) for room in rooms_spec]
    ids: dict[tuple[int, int], int] = {}
    semaphore = asyncio.Semaphore(int(spec.get("connect_parallel", 50)))

    async def reader(ws, sid: int) -> None:
        try:
            async for raw in ws:
                try:
                    frame = json.loads(raw)
                except ValueError:
                    frames["invalid"] = frames.get("invalid", 0) + 1
                    continue
                kind = frame.get("type")
                frames[kind] = frames.get(kind, 0) + 1
                if kind == "message":
                    cid = (frame.get("message") or {}).get("client_id")
                    t0 = sent_at.get(cid)
                    if t0 is None:
                        continue
                    received[cid] = received.get(cid, 0) + 1
                    latency = time.perf_counter() - t0
                    (echo_latencies if sender_of.get(cid) == sid else peer_latencies).append(latency)
                    slowest[cid] = max(slowest.get(cid, 0.0), latency)
                elif kind == "error" and len(errors) < 20:
                    errors.append(json.dumps(frame, ensure_ascii=False)[:200])
        except Exception as exc:
            if len(errors) < 20:
                errors.append(f"socket {sid}: {exc!r}")
        closed.append(sid)

    readers: list[asyncio.Task] = []
    connect_failures = 0

    async def open_socket(r: int, m: int, member: dict) -> None:
        nonlocal connect_failures
        headers = {"Authorization": f"Token {member['token']}"} if member.get("token") else {}
        async with semaphore:
            for attempt in range(3):
                try:
                    ws = await connect(
                        base + member["path"],
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
                            errors.append(f"connect {member['path']}: {exc!r}")
                        return
                    await asyncio.sleep(0.5)
        sockets[r][m] = ws
        sid = len(ids)
        ids[(r, m)] = sid
        readers.append(asyncio.create_task(reader(ws, sid)))

    t_connect = time.perf_counter()
    total_sockets = sum(len(room) for room in rooms_spec)
    connecting = asyncio.gather(
        *(open_socket(r, m, member) for r, room in enumerate(rooms_spec) for m, member in enumerate(room))
    )
    while not connecting.done():
        await asyncio.sleep(1.0)
        print(f"  [{label}] connecting: {len(ids)}/{total_sockets} open", file=sys.stderr, flush=True)
    await connecting
    connect_s = time.perf_counter() - t_connect
    await asyncio.sleep(1.0)  # let the server finish its group_add calls
    frames.clear()

    # Open loop: message k goes out at start + k / rate, whatever the answers.
    sent = 0
    send_failures = 0
    start = time.perf_counter()
    total = int(rate * duration)
    last_report = start
    member_turn = [0] * len(rooms_spec)
    for k in range(total):
        due = start + k / rate
        now = time.perf_counter()
        if due > now:
            await asyncio.sleep(due - now)
        r = k % len(rooms_spec)
        room = sockets[r]
        m = member_turn[r] % len(room)
        member_turn[r] += 1
        ws = room[m]
        if ws is None or (r, m) not in ids:
            send_failures += 1
            continue
        # Unique per run: the same users run again, and a repeated client_id is (rightly) taken by the
        # server as a resend of the first copy — runs 2 and 3 then measured only the resend path.
        cid = f"b{run_id}-{k}"
        present = sum(1 for s in room if s is not None)
        expected[cid] = present
        sender_of[cid] = ids[(r, m)]
        text = (
            json.dumps({"type": "message", "message": {"client_id": cid}})
            if bare
            else json.dumps({"type": "message", "text": f"压测消息 {k}", "client_id": cid})
        )
        sent_at[cid] = time.perf_counter()
        try:
            await ws.send(text)
            sent += 1
        except Exception as exc:
            send_failures += 1
            expected.pop(cid, None)
            if len(errors) < 20:
                errors.append(f"send: {exc!r}")
        if time.perf_counter() - last_report >= 1.0:
            last_report = time.perf_counter()
            got = sum(received.values())
            print(
                f"  [{label}] {last_report - start:5.1f}s sent {sent}/{total} deliveries {got}/"
                f"{sum(expected.values())} frames={frames}",
                file=sys.stderr,
                flush=True,
            )
    send_elapsed = time.perf_counter() - start

    # Drain: wait while deliveries still arrive (a slow server is late, not lossy), at most drain_max s;
    # whatever has not arrived after `drain` quiet seconds is lost.
    hard_deadline = time.perf_counter() + float(spec.get("drain_max", 90))
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
    delivered_at = time.perf_counter() - start
    closed_early = len(closed)
    for room in sockets:
        for ws in room:
            if ws is not None:
                await ws.close()
    for task in readers:
        task.cancel()

    deliveries_expected = sum(expected.values())
    deliveries = sum(min(received.get(cid, 0), n) for cid, n in expected.items())
    messages_lost = sum(1 for cid, n in expected.items() if received.get(cid, 0) < n)
    cpu = _cpu() - cpu0
    wall = connect_s + 1.0 + delivered_at
    return {
        "label": label,
        "sockets": total_sockets,
        "connected": len(ids),
        "connect_failures": connect_failures,
        "connect_s": round(connect_s, 2),
        "sent": sent,
        "send_failures": send_failures,
        "send_rate": round(sent / send_elapsed, 1) if send_elapsed else 0.0,
        "deliveries_expected": deliveries_expected,
        "deliveries": deliveries,
        "deliveries_lost": deliveries_expected - deliveries,
        "messages_lost": messages_lost,
        "delivery_rate": round(deliveries / delivered_at, 1) if delivered_at else 0.0,
        "peer_latencies": peer_latencies,
        "echo_latencies": echo_latencies,
        # the five messages whose last delivery took longest: (message number in the run, ms)
        "slowest_messages": [
            (int(cid.rsplit("-", 1)[1]), round(1000 * t, 1))
            for cid, t in sorted(slowest.items(), key=lambda kv: -kv[1])[:5]
        ],
        "frames": frames,
        "errors": errors,
        "sockets_closed_early": closed_early,
        "loadgen_cpu_s": round(cpu, 2),
        "loadgen_cpu_pct": round(100 * cpu / wall, 1) if wall else 0.0,
    }


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result = asyncio.run(main(json.loads(sys.stdin.read())))
    print(json.dumps(result))
