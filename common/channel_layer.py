"""The channel layer: channels-redis's RedisChannelLayer, with one reader per process.

channels-redis already sends a group message to each process once (with the list of that process's
channels in the group) and fans it out into per-channel queues in the process. But every consumer
waiting for an event takes part in a lock dance on each receive (two new tasks, an asyncio.wait, a
place in the lock's waiter queue for every idle consumer): with 1,000 sockets in one conversation
that was half of the server's CPU (bench B3, py-spy, RESULTS.md). Here one task per process reads the
process's Redis queue and fills the per-channel queues; a consumer's receive() awaits its own queue.

Kept from channels-redis: per-channel capacity (the oldest is dropped when a consumer stops reading),
Redis storage and its backup queue (a message read from Redis is not lost if the reader is cancelled
after the read), one event loop at a time, and failure semantics: when reading from Redis fails, every
consumer waiting at that moment gets the error (its socket closes; the client reconnects and catches
up from the database) and the next receive() starts a new reader.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import types

from channels_redis.core import ChannelLock, RedisChannelLayer

logger = logging.getLogger(__name__)

# How many stopped consumers' channel names are remembered (see _stopped).
STOPPED_CHANNELS_KEPT = 10_000


class _ReadFailed:
    """Put in the queues of the consumers waiting when the reader fails: their receive() raises it."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException):
        self.error = error


class SharedReaderRedisChannelLayer(RedisChannelLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._reader: asyncio.Task | None = None
        self._reader_loop: asyncio.AbstractEventLoop | None = None
        self._waiting: collections.Counter[str] = collections.Counter()  # channel -> receivers waiting
        # Channels whose consumer has stopped (its receive was cancelled): what still comes for them
        # (a group event in flight) is dropped instead of buffered forever. The newest ones are kept.
        self._stopped: collections.OrderedDict[str, None] = collections.OrderedDict()

    async def receive(self, channel):
        if "!" not in channel:  # a normal channel (workers): channels-redis reads it directly
            return await super().receive(channel)
        assert self.require_valid_channel_name(channel)
        real_channel = self.non_local_name(channel)
        assert real_channel.endswith(self.client_prefix + "!"), "Wrong client prefix"
        self._reader_ensure(real_channel)
        queue = self.receive_buffer[channel]
        if queue.empty():
            self._waiting[channel] += 1
            try:
                item = await queue.get()
            except asyncio.CancelledError:
                # The consumer is stopping: what is buffered for it goes too (as in channels-redis).
                if self._waiting[channel] == 1:
                    self.receive_buffer.pop(channel, None)
                    self._stopped[channel] = None
                    if len(self._stopped) > STOPPED_CHANNELS_KEPT:
                        self._stopped.popitem(last=False)
                raise
            finally:
                self._waiting[channel] -= 1
                if not self._waiting[channel]:
                    del self._waiting[channel]
        else:
            item = queue.get_nowait()
        if isinstance(item, _ReadFailed):
            self.receive_buffer.pop(channel, None)
            raise item.error
        return item

    async def close_pools(self):
        await self._reader_stop()
        await super().close_pools()

    # --- the reader ------------------------------------------------------------------------------

    def _reader_ensure(self, real_channel: str) -> None:
        loop = asyncio.get_running_loop()
        reader = self._reader
        if reader is not None and not reader.done() and not reader.cancelling():
            if self._reader_loop is loop:
                return
            if not self._reader_loop.is_closed():
                raise RuntimeError("Two event loops are trying to receive() on one channel layer at once!")
        # channels-redis's pools for this loop first, so its close hook (which closes them) runs after ours.
        self.connection(self.consistent_hash(real_channel))
        if self._reader_loop is not loop:
            if self._reader_loop is not None:
                # The previous loop is closed (checked above). channels-redis's per-channel receive locks are
                # released by cleaner tasks, and a cleaner still pending when its loop closed never ran: its
                # lock stays locked, bound to the dead loop, and the next receive fails on it ("bound to a
                # different event loop" — one loop per test in the suite; production has one per process).
                self.receive_clean_locks = ChannelLock()
                self.receive_cleaners = []
            _stop_reader_on_close(self, loop)
        self._reader_loop = loop
        self._reader = loop.create_task(self._read(real_channel), name="channel-layer-reader")

    async def _read(self, real_channel: str) -> None:
        try:
            while True:
                channels, message = await self.receive_single(real_channel)
                for channel in channels if isinstance(channels, list) else (channels,):
                    if channel not in self._stopped:
                        self.receive_buffer[channel].put_nowait(message)
        except Exception as error:  # (cancelling the reader is a BaseException: it passes through)
            logger.warning("reading the channel layer failed; %d consumers get the error", len(self._waiting))
            failed = _ReadFailed(error)
            for channel in list(self._waiting):
                self.receive_buffer[channel].put_nowait(failed)

    async def _reader_stop(self) -> None:
        reader, self._reader = self._reader, None
        if reader is None or reader.done() or reader.get_loop() is not asyncio.get_running_loop():
            return
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)


def _stop_reader_on_close(layer: SharedReaderRedisChannelLayer, loop: asyncio.AbstractEventLoop) -> None:
    """Like channels-redis's own hook for its pools: the reader ends before its loop closes."""
    original_close = loop.close

    def close(self, *args, **kwargs):
        if layer._reader_loop is loop and not loop.is_closed():
            loop.run_until_complete(layer._reader_stop())
        self.close = original_close
        return self.close(*args, **kwargs)

    loop.close = types.MethodType(close, loop)
