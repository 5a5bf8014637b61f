"""Tests of the rate limits: the limiter counts in fixed windows (common.ratelimit), so a test that counts hits
must not straddle a window's end — three quick hits split 1 + 2 over two windows of "2/10s" are never refused
(live's rate-limit test timed out waiting for its refusal, CI once)."""

from __future__ import annotations

import time

from common.ratelimit import parse_rate


def inside_one_window(rate: str, *, seconds: float) -> None:
    """Waits, if need be, until the current window of `rate` (e.g. "2/10s") has `seconds` left."""
    _limit, period = parse_rate(rate)
    if seconds >= period:
        raise ValueError(f"no window of {rate} has {seconds} s left")
    while period - time.time() % period < seconds:
        time.sleep(0.1)
