"""The channel layer (common/channel_layer.py) on the real Redis: one reader per process, nothing lost."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError

from common.channel_layer import SharedReaderRedisChannelLayer


def new_layer() -> SharedReaderRedisChannelLayer:
    config = dict(settings.CHANNEL_LAYERS["default"]["CONFIG"])
    config["prefix"] = f"{config.get('prefix', 'asgi')}-layer-{uuid.uuid4().hex[:8]}"
    return SharedReaderRedisChannelLayer(**config)


def test_the_app_uses_this_layer():
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "common.channel_layer.SharedReaderRedisChannelLayer"


def test_every_consumer_of_a_big_group_gets_every_message_in_order_while_all_keep_reentering_receive():
    """Like Channels' consumers: each gets an event, handles it, then calls receive() again — so after
    each group message nobody is waiting for a moment. (A first version stopped its reader in such a
    moment and that process's consumers got nothing more: 12,075 deliveries lost in bench B3.)"""
    consumers, messages = 300, 40

    async def run():
        layer = new_layer()
        names = [await layer.new_channel() for _ in range(consumers)]
        got: dict[str, list[int]] = {name: [] for name in names}

        async def consumer(name):
            while True:
                event = await layer.receive(name)
                got[name].append(event["n"])
                await asyncio.sleep(0)  # dispatching it

        tasks = [asyncio.create_task(consumer(name)) for name in names]
        for name in names:
            await layer.group_add("big", name)
        for n in range(messages):
            await layer.group_send("big", {"type": "chat.message", "n": n})
            if n % 10 == 0:
                await asyncio.sleep(0.05)
        for _ in range(200):
            if all(len(seen) == messages for seen in got.values()):
                break
            await asyncio.sleep(0.05)
        readers = 1 if layer._reader is not None and not layer._reader.done() else 0
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await layer.flush()
        return got, readers

    got, readers = asyncio.run(run())
    assert readers == 1
    assert all(seen == list(range(messages)) for seen in got.values())


def test_a_burst_bigger_than_a_channels_capacity_reaches_a_process_with_many_sockets():
    """channels-redis queues all the process-local channels of a process in one Redis key and checks
    the capacity there: with the plain capacity (1,500) a burst to a busy process was dropped silently."""
    sockets, each = 4, 600  # 2,400 events queued for one process

    async def run():
        layer = new_layer()
        names = [await layer.new_channel() for _ in range(sockets)]
        for i, name in enumerate(names):
            await layer.group_add(f"conversation-{i}", name)
        for n in range(each):
            for i in range(sockets):
                await layer.group_send(f"conversation-{i}", {"type": "chat.message", "n": n})
        got = {name: [] for name in names}
        for name in names:
            with contextlib.suppress(TimeoutError):
                while len(got[name]) < each:
                    got[name].append((await asyncio.wait_for(layer.receive(name), 2))["n"])
        await layer.flush()
        return got

    assert all(seen == list(range(each)) for seen in asyncio.run(run()).values())


async def sent_then_received(layer: SharedReaderRedisChannelLayer, event: dict) -> dict:
    """Sends `event` to a new channel before anyone receives on it, then receives it (and cleans up)."""
    name = await layer.new_channel()
    await layer.send(name, event)
    received = await asyncio.wait_for(layer.receive(name), 5)
    await layer.flush()
    return received


def test_a_message_sent_before_the_first_receive_waits_for_it():
    assert asyncio.run(sent_then_received(new_layer(), {"type": "hello"})) == {"type": "hello"}


def test_a_stopped_consumer_loses_its_buffer_and_gets_nothing_buffered_after():
    async def run():
        layer = new_layer()
        gone, alive = await layer.new_channel(), await layer.new_channel()
        for name in (gone, alive):
            await layer.group_add("g", name)
        waiting = asyncio.create_task(layer.receive(gone))
        await asyncio.sleep(0.1)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await layer.group_send("g", {"type": "x"})  # it never left the group (a crash, say)
        event = await asyncio.wait_for(layer.receive(alive), 5)
        buffered = gone in layer.receive_buffer
        await layer.flush()
        return event, buffered

    event, buffered = asyncio.run(run())
    assert event == {"type": "x"}
    assert buffered is False


def test_when_reading_fails_the_waiting_consumers_get_the_error_and_the_next_receive_reads_again(monkeypatch):
    """As with channels-redis: a Redis failure closes the sockets waiting (their clients reconnect and
    catch up from the database); the layer itself recovers."""
    failures = {"left": 1}
    real_receive_single = SharedReaderRedisChannelLayer.receive_single

    async def flaky_receive_single(self, channel):
        if failures["left"]:
            failures["left"] -= 1
            await asyncio.sleep(0.1)
            raise RedisConnectionError("Connection closed by server.")
        return await real_receive_single(self, channel)

    monkeypatch.setattr(SharedReaderRedisChannelLayer, "receive_single", flaky_receive_single)

    async def run():
        layer = new_layer()
        names = [await layer.new_channel() for _ in range(3)]
        results = await asyncio.gather(*(layer.receive(name) for name in names), return_exceptions=True)
        await layer.send(names[0], {"type": "after"})
        event = await asyncio.wait_for(layer.receive(names[0]), 5)
        await layer.flush()
        return results, event

    results, event = asyncio.run(run())
    assert [type(result) for result in results] == [RedisConnectionError] * 3
    assert event == {"type": "after"}


def test_the_reader_ends_with_its_event_loop():
    layer = new_layer()

    async def run():
        name = await layer.new_channel()
        waiting = asyncio.create_task(layer.receive(name))
        await asyncio.sleep(0.1)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        return layer._reader

    loop = asyncio.new_event_loop()
    reader = loop.run_until_complete(run())
    assert not reader.done()  # it outlives its consumers...
    loop.close()
    assert reader.done()  # ...not its loop

    # a new loop (the next test's) gets a reader of its own
    assert asyncio.run(sent_then_received(layer, {"type": "again"})) == {"type": "again"}
