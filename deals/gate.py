"""The deal's admission gate: at most `remaining` claims go to PostgreSQL at once (bench B7).

When a deal opens, hundreds of claims arrive within a second; without a gate each would run a whole checkout
only to roll back at the deal's conditional UPDATE, and those wasted checkouts would delay the winners and
the room's frames. The gate is a Redis counter of units not yet taken by a claim in flight: a claim takes its
quantity from it (one Lua script) or is answered `out_of_stock` at once; a claim that fails gives it back.

PostgreSQL stays the truth (the conditional UPDATE on `remaining`): the gate only decides who may try. It is
seeded from the deal's `remaining` as a claim read it and lives GATE_MS, then is seeded again, so units lost
to a crashed process come back within GATE_MS; a reseed while claims are in flight may let a few more try
(they lose at PostgreSQL), never fewer. Redis unreachable: everyone tries.
"""

from __future__ import annotations

import logging

from django.core.cache import cache

from common.cache import raw_redis

logger = logging.getLogger(__name__)

GATE_MS = 2000

# KEYS[1]: the gate. ARGV: the seed (remaining as read), the quantity, GATE_MS. -1: refused.
_TAKE = """
local left = redis.call('GET', KEYS[1])
if not left then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  left = ARGV[1]
end
left = tonumber(left)
if left < tonumber(ARGV[2]) then return -1 end
return redis.call('DECRBY', KEYS[1], ARGV[2])
"""
# Gives units back only to the gate they were taken from while it lives (a new gate was seeded from PostgreSQL).
_GIVE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end
return -1
"""


def _key(deal_id: int) -> str:
    return cache.make_and_validate_key(f"deals:gate:{deal_id}")


def deal_gate_take(*, deal_id: int, remaining: int, quantity: int) -> bool:
    """True: this claim may try PostgreSQL (it must give the units back if it fails)."""
    client = raw_redis()
    if client is None:
        return True
    try:
        return int(client.eval(_TAKE, 1, _key(deal_id), remaining, quantity, GATE_MS)) >= 0
    except Exception:
        logger.warning("deal gate unavailable", exc_info=True)
        return True


def deal_gate_give(*, deal_id: int, quantity: int) -> None:
    client = raw_redis()
    if client is None:
        return
    try:
        client.eval(_GIVE, 1, _key(deal_id), quantity)
    except Exception:
        logger.warning("deal gate unavailable", exc_info=True)


def deal_gate_forget(*, deal_id: int) -> None:
    """Units came back to the deal (a cancelled claim): the next claim seeds the gate from PostgreSQL."""
    client = raw_redis()
    if client is None:
        return
    try:
        client.delete(_key(deal_id))
    except Exception:
        logger.warning("deal gate unavailable", exc_info=True)
