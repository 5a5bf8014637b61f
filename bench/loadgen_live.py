"""WebSocket load generator for one live room (B6): many viewer sockets, a few chatters, a seller, likes.

Reads a JSON spec on stdin; prints progress on stderr and one JSON result on stdout.

spec: {"base_ws": "ws://127.0.0.1:PORT", "origin": "http://127.0.0.1:PORT", "path": "/ws/shows/<id>/",
       "sockets": [{"token"?}, ...]    every viewer socket (anonymous when no token),
       "chatters": [i, ...]            indices of the sockets that chat (signed in),
       "seller": i                     index of the seller's socket (a shop member),
       "rate": chat messages/s in total (open loop, chatters in turn), "seller_every": s between the
       seller's messages, "like_rate": likes/s in total (from every socket in turn), "duration": s,
       "drain": s, "drain_max": s, "connect_parallel": n, "bare": false, "processes": n,
       "compression": null | "deflate"  (ask for per-message deflate, as browsers do)}

Reading 1,000 sockets is more than one Python process keeps up with on this machine, so the sockets are
shared by `processes` worker processes (this process only coordinates): worker 0 holds the seller and the
chatters and sends the chat; every worker sends its share of the likes from its own sockets. A message's
client_id carries its send time (CLOCK_MONOTONIC, the same in every process), so each worker measures
the latency of what it receives.

Every chat and seller message must reach every socket (the sender too, by its echo) inside a
`chat_batch` frame; latency is measured from the send to each receipt. A socket the server closes is
opened again with `?after=<the newest id it saw>`, and what that history brings counts as delivered "by
catch-up" (reported apart, with its latency). `stats` frames are counted per socket (the target: never
more than one a second). With "bare": true the bare broadcaster gets, every CHAT_BATCH_SECONDS, one frame
shaped like the server's `chat_batch` with the messages "typed" in that interval (their latency counts
from when they were typed, as the app's does), and no likes (it would broadcast each one).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import resource
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit

from websockets.asyncio.client import connect

CHAT_BATCH_SECONDS = 0.1  # the bare broadcaster's batches (the app's: live.room_hub.CHAT_BATCH_SECONDS)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _key(cid: str) -> tuple[str, float] | None:
    """client_id "c<run>-<n>-<sent>" -> ("c<run>-<n>", sent)."""
    key, _sep, sent = cid.rpartition("-")
    try:
        return key, float(sent)
    except ValueError:
        return None


async def worker(spec: dict) -> dict:
    """Holds spec["members"] (global index, member) sockets; sends when spec["sender"]."""
    base = spec["base_ws"].rstrip("/")
    if urlsplit(base).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("the load generator only talks to 127.0.0.1")
    members: list[tuple[int, dict]] = [tuple(m) for m in spec["members"]]
    bare = bool(spec.get("bare"))
    label = spec.get("label", "live")
    run_id = spec["run_id"]
    cpu0 = _cpu()
    prefix = ("c" + run_id, "s" + run_id)

    received: dict[str, int] = {}
    caught_up: dict[str, int] = {}
    latencies: dict[str, list[float]] = {"chat": [], "seller": []}
    catch_up_latencies: list[float] = []
    frames: dict[str, int] = {}
    stats_times: list[list[float]] = [[] for _ in members]
    errors: list[str] = []
    closed_by_server: list[int] = []
    reconnects = [0]
    sockets: list = [None] * len(members)
    newest_id = [0] * len(members)
    measuring = [False]
    stopping = [False]
    semaphore = asyncio.Semaphore(int(spec.get("connect_parallel", 50)))

    def error(text: str) -> None:
        if len(errors) < 20:
            errors.append(text[:200])

    def take(frame: dict, sid: int, now: float, catch_up: bool) -> None:
        for message in frame.get("messages") or ():
            if isinstance(message.get("id"), int) and message["id"] > newest_id[sid]:
                newest_id[sid] = message["id"]
            cid = message.get("client_id") or ""
            if not cid.startswith(prefix):
                continue
            parsed = _key(cid)
            if parsed is None:
                continue
            key, sent = parsed
            if catch_up:
                caught_up[key] = caught_up.get(key, 0) + 1
                catch_up_latencies.append(now - sent)
            else:
                received[key] = received.get(key, 0) + 1
                latencies["chat" if key[0] == "c" else "seller"].append(now - sent)

    async def open_ws(sid: int, after: int | None = None):
        member = members[sid][1]
        headers = {"Authorization": f"Token {member['token']}"} if member.get("token") else {}
        path = spec["path"] + (f"?after={after}" if after else "")
        for attempt in range(3):
            try:
                return await connect(
                    base + path,
                    additional_headers=headers,
                    origin=spec.get("origin"),
                    open_timeout=30,
                    ping_interval=None,
                    max_queue=None,
                    compression=spec.get("compression"),
                )
            except Exception as exc:
                if attempt == 2:
                    error(f"connect {path}: {exc!r}")
                    return None
                await asyncio.sleep(0.5)

    async def reader(sid: int) -> None:
        catch_up = False  # the first chat_batch after a reconnect is its history
        while True:
            ws = sockets[sid]
            try:
                async for raw in ws:
                    now = time.monotonic()
                    frame = json.loads(raw)
                    kind = frame.get("type")
                    if not measuring[0]:
                        if kind == "chat_batch":
                            take(frame, sid, now, False)  # only ids (earlier runs' messages)
                        continue
                    frames[kind] = frames.get(kind, 0) + 1
                    if kind == "chat_batch":
                        take(frame, sid, now, catch_up)
                        catch_up = False
                    elif kind == "stats":
                        stats_times[sid].append(now)
                    elif kind == "error":
                        error(json.dumps(frame, ensure_ascii=False))
            except Exception as exc:
                error(f"socket {members[sid][0]}: {exc!r}")
            if stopping[0]:
                return
            closed_by_server.append(members[sid][0])
            reconnects[0] += 1
            ws = await open_ws(sid, after=newest_id[sid])
            if ws is None:
                return
            sockets[sid] = ws
            catch_up = True

    async def open_socket(sid: int) -> None:
        async with semaphore:
            sockets[sid] = await open_ws(sid)

    t_connect = time.monotonic()
    connecting = asyncio.gather(*(open_socket(i) for i in range(len(members))))
    while not connecting.done():
        await asyncio.sleep(1.0)
        opened = sum(1 for s in sockets if s is not None)
        print(f"  [{label} w{spec['worker']}] connecting: {opened}/{len(members)}", file=sys.stderr, flush=True)
    await connecting
    connect_s = time.monotonic() - t_connect
    readers = [asyncio.create_task(reader(i)) for i, s in enumerate(sockets) if s is not None]
    present = sum(1 for s in sockets if s is not None)
    print(f"READY {present}", flush=True)
    go = (await asyncio.to_thread(sys.stdin.readline)).split()
    start, present_total = float(go[1]), int(go[2])
    await asyncio.sleep(max(0.0, start - 1.0 - time.monotonic()))
    measuring[0] = True  # a second before the first send: frames from here on are counted
    await asyncio.sleep(max(0.0, start - time.monotonic()))

    sent = {"chat": 0, "seller": 0, "like": 0}
    sent_keys: list[str] = []
    send_failures = 0
    local = {g: i for i, (g, _m) in enumerate(members)}

    async def send(global_sid: int, text: str) -> bool:
        nonlocal send_failures
        ws = sockets[local[global_sid]]
        try:
            await ws.send(text)
            return True
        except Exception as exc:
            send_failures += 1
            error(f"send: {exc!r}")
            return False

    def cid_of(kind: str, n: int, at: float) -> tuple[str, str]:
        key = f"{kind[0]}{run_id}-{n}"
        return key, f"{key}-{at:.6f}"

    rate, duration = float(spec["rate"]), float(spec["duration"])
    seller_every = float(spec.get("seller_every", 10))
    like_rate = 0.0 if bare else float(spec.get("like_rate", 0)) / int(spec["processes"])
    events: list[tuple[float, str, int]] = []
    if spec.get("sender"):
        events += [(k / rate, "chat", k) for k in range(int(rate * duration))]
        events += [(k * seller_every, "seller", k) for k in range(int(duration / seller_every) + 1)]
        events = [e for e in events if e[0] < duration]
    if like_rate:
        events += [(k / like_rate, "like", k) for k in range(int(like_rate * duration))]
    if bare:  # one frame per interval with what was typed in it, sent at the interval's end
        batches: dict[int, list] = {}
        for due, kind, n in events:
            batches.setdefault(int(due / CHAT_BATCH_SECONDS), []).append((due, kind, n))
        events = [((k + 1) * CHAT_BATCH_SECONDS, "batch", k) for k in sorted(batches)]
    events.sort()
    chatters, seller = list(spec["chatters"]), int(spec["seller"])
    like_text = json.dumps({"type": "like"})
    last_report = start
    for due, kind, n in events:
        wait = start + due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if kind == "like":
            if await send(members[n % len(members)][0], like_text):
                sent["like"] += 1
        elif kind == "batch":
            messages = []
            for typed, k, m in batches[n]:
                key, cid = cid_of(k, m, start + typed)
                sent_keys.append(key)
                sent[k] += 1
                sender = {"id": m, "username": f"live-chatter-{m % 20}", "role": "viewer" if k == "chat" else k}
                text = f"压测 {k} {m}"
                messages.append({"id": m, "sender": sender, "text": text, "created_at": "", "client_id": cid})
            await send(chatters[n % len(chatters)], json.dumps({"type": "chat_batch", "messages": messages}))
        else:
            key, cid = cid_of(kind, n, time.monotonic())
            text = json.dumps({"type": "message", "text": f"压测 {kind} {n}", "client_id": cid})
            if await send(chatters[n % len(chatters)] if kind == "chat" else seller, text):
                sent[kind] += 1
                sent_keys.append(key)
        if time.monotonic() - last_report >= 1.0:
            last_report = time.monotonic()
            print(
                f"  [{label} w{spec['worker']}] {last_report - start:5.1f}s sent {sent} "
                f"deliveries {sum(received.values())} frames={frames}",
                file=sys.stderr,
                flush=True,
            )

    # Drain: until every scheduled message reached every socket here, or nothing came for `drain` s.
    seller_sends = [k for k in range(int(duration / seller_every) + 1) if k * seller_every < duration]
    scheduled = int(rate * duration) + len(seller_sends)
    want = scheduled * present
    hard_deadline = time.monotonic() + float(spec.get("drain_max", 60))
    quiet_deadline = time.monotonic() + float(spec.get("drain", 8))
    last_count = -1
    while time.monotonic() < min(quiet_deadline, hard_deadline):
        count = sum(received.values()) + sum(caught_up.values())
        if count >= want:
            break
        if count != last_count:
            last_count = count
            quiet_deadline = time.monotonic() + float(spec.get("drain", 8))
        await asyncio.sleep(0.5)
    await asyncio.sleep(1.2)  # a stats tick after the last like is seen (and counted against the target)
    window = time.monotonic() - (start - 1.0)  # frames are counted from a second before the first send
    measuring[0] = False
    stopping[0] = True
    for ws in sockets:
        if ws is not None:
            await ws.close()
    for task in readers:
        task.cancel()
    per_socket = [len(t) for t in stats_times]
    gaps = [b - a for t in stats_times for a, b in itertools.pairwise(t)]
    cpu = _cpu() - cpu0
    return {
        "worker": spec["worker"],
        "present": present,
        "present_total": present_total,
        "connect_failures": len(members) - present,
        "connect_s": round(connect_s, 2),
        "sent": sent,
        "sent_keys": sent_keys,
        "send_failures": send_failures,
        "send_elapsed": events[-1][0] if events else 0.0,
        "received": received,
        "caught_up": caught_up,
        "latencies": latencies,
        "catch_up_latencies": catch_up_latencies,
        "frames": frames,
        "window_s": window,
        "stats_per_socket_max": max(per_socket, default=0),
        "stats_min_gap": min(gaps) if gaps else None,
        "errors": errors,
        "closed_by_server": len(closed_by_server),
        "reconnects": reconnects[0],
        "cpu_s": cpu,
        "wall_s": connect_s + window,
    }


def main(spec: dict) -> dict:
    """Starts the workers, waits until all are connected, gives one start time, merges their results."""
    processes = max(1, int(spec.get("processes", 3)))
    members = list(enumerate(spec["sockets"]))
    senders = {int(spec["seller"]), *map(int, spec["chatters"])}
    shares: list[list] = [[] for _ in range(processes)]
    rest = [m for m in members if m[0] not in senders]
    shares[0] = [m for m in members if m[0] in senders]
    for m in rest:  # the viewers to the smallest share
        min(shares, key=len).append(m)
    run_id = uuid.uuid4().hex[:8]
    workers = []
    for w, share in enumerate(shares):
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.loadgen_live", "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        worker_spec = {**spec, "members": share, "worker": w, "sender": w == 0, "run_id": run_id}
        worker_spec.pop("sockets")
        proc.stdin.write(json.dumps(worker_spec) + "\n")
        proc.stdin.flush()
        workers.append(proc)
    present = []
    for proc in workers:
        line = proc.stdout.readline().split()
        if not line or line[0] != "READY":
            raise SystemExit(f"a load generator worker failed to start: {line}")
        present.append(int(line[1]))
    start = time.monotonic() + 1.5  # the server's joins settle, and a stats tick passes
    for proc in workers:
        proc.stdin.write(f"GO {start} {sum(present)}\n")
        proc.stdin.flush()
    results = []
    for proc in workers:
        out = proc.stdout.read()
        proc.wait()
        results.append(json.loads(out.strip().splitlines()[-1]))
    return merge(results, len(spec["sockets"]), spec.get("label", "live"))


def merge(results: list[dict], sockets: int, label: str) -> dict:
    present_total = results[0]["present_total"]
    sent_keys = [k for r in results for k in r["sent_keys"]]
    by_kind = {}
    for kind, letter in (("chat", "c"), ("seller", "s")):
        keys = [k for k in sent_keys if k[0] == letter]
        exp = len(keys) * present_total
        live = sum(min(r["received"].get(k, 0), r["present"]) for r in results for k in keys)
        got = sum(min(r["received"].get(k, 0) + r["caught_up"].get(k, 0), r["present"]) for r in results for k in keys)
        by_kind[kind] = {
            "sent": len(keys),
            "deliveries_expected": exp,
            "deliveries": got,
            "deliveries_live": live,
            "deliveries_by_catch_up": got - live,
            "deliveries_lost": exp - got,
            "messages_lost": sum(
                1
                for k in keys
                if sum(min(r["received"].get(k, 0) + r["caught_up"].get(k, 0), r["present"]) for r in results)
                < present_total
            ),
        }
    frames: dict[str, int] = {}
    for r in results:
        for kind, n in r["frames"].items():
            frames[kind] = frames.get(kind, 0) + n
    window = max(r["window_s"] for r in results)
    cpu = sum(r["cpu_s"] for r in results)
    wall = max(r["wall_s"] for r in results)
    sender = results[0]
    send_elapsed = sender["send_elapsed"] or 1.0
    gaps = [r["stats_min_gap"] for r in results if r["stats_min_gap"] is not None]
    stats_max = max(r["stats_per_socket_max"] for r in results)
    return {
        "label": label,
        "sockets": sockets,
        "connected": present_total,
        "connect_failures": sum(r["connect_failures"] for r in results),
        "connect_s": max(r["connect_s"] for r in results),
        "sent": {k: sum(r["sent"][k] for r in results) for k in ("chat", "seller", "like")},
        "send_failures": sum(r["send_failures"] for r in results),
        "chat_send_rate": round(sender["sent"]["chat"] / send_elapsed, 1),
        "like_send_rate": round(sum(r["sent"]["like"] for r in results) / send_elapsed, 1),
        "by_kind": by_kind,
        "deliveries_lost": sum(k["deliveries_lost"] for k in by_kind.values()),
        "deliveries_by_catch_up": sum(k["deliveries_by_catch_up"] for k in by_kind.values()),
        "latencies": {
            "chat": [x for r in results for x in r["latencies"]["chat"]],
            "seller": [x for r in results for x in r["latencies"]["seller"]],
            "catch_up": [x for r in results for x in r["catch_up_latencies"]],
        },
        "frames": frames,
        "frames_total": sum(frames.values()),
        "window_s": round(window, 2),
        "stats_frames_per_socket_max": stats_max,
        "stats_per_second_max": round(stats_max / window, 3) if window else None,
        "stats_min_gap_ms": round(1000 * min(gaps), 1) if gaps else None,
        "errors": [e for r in results for e in r["errors"]][:20],
        "sockets_closed_early": sum(r["closed_by_server"] for r in results),
        "reconnects": sum(r["reconnects"] for r in results),
        "loadgen_processes": len(results),
        "loadgen_cpu_s": round(cpu, 2),
        # of one core, over the run (connecting included); the workers' sum
        "loadgen_cpu_pct": round(100 * cpu / wall, 1) if wall else None,
        "loadgen_cpu_pct_per_process": [round(100 * r["cpu_s"] / r["wall_s"], 1) for r in results],
    }


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    if "--worker" in sys.argv:
        result = asyncio.run(worker(json.loads(sys.stdin.readline())))
    else:
        result = main(json.loads(sys.stdin.read()))
    print(json.dumps(result), flush=True)
