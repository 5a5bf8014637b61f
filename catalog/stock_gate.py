"""The stock gate: Redis remembers which SKUs are surely sold out, so a flash sale's late buyers are answered
without a transaction on the hot row (bench B1).

PostgreSQL stays the truth: stock is taken only by `stock_reserve`'s conditional UPDATE. The gate can only
say "surely gone", and only for a SKU that PostgreSQL itself answered as sold out (stock 0, on sale).

Why it can never refuse a sale PostgreSQL would make (catalog/tests/test_stock_gate*.py):

- Each SKU has one Redis hash with a `gen` field: a random token, made by the first look at the gate
  and never made twice (a uuid), so a flushed or restarted Redis, or an expired key, starts a new one.
- A buyer reads the SKU's token *before* PostgreSQL is asked (`stock_gate_enter`). Only if PostgreSQL then
  answers "sold out" is the gate closed, and only under that same token (`stock_gate_close`, one Lua
  compare-and-set).
- Everything that gives stock back (a cancelled order, a seller's stock edit) deletes the hash once its
  transaction has committed (`stock_gate_reopen`). A close based on a read from before that commit
  finds a new token (or none) and does nothing; a close that got in first is deleted with the hash.
- Redis unreachable: the gate lets everyone through to PostgreSQL. A reopen lost to a crash between the
  commit and the delete is bounded by the closed hash's expiry (`CLOSED_SECONDS`).

Only buy-now checkouts look at the gate (the items are known before any query); cart checkouts go to
PostgreSQL as before.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction

from catalog.errors import OutOfStock, sku_display_name
from common.cache import raw_redis

logger = logging.getLogger(__name__)

# A closed gate re-checks PostgreSQL after this long even if no reopen reached it (a lost on-commit delete).
CLOSED_SECONDS = 30
# An open SKU's token is kept this long after its first look (then a new one: harmless, see above).
OPEN_SECONDS = 3600

# KEYS: one hash per SKU, then (when ARGV[3] is a number of seconds) a rate limit's counter.
# ARGV[1]: a fresh token prefix, ARGV[2]: OPEN_SECONDS, ARGV[3]: the counter's expiry or ''.
# Returns, per SKU, its token and the closed SKU's name ('' when open); then, when every SKU is open and
# there is a counter, the counter's INCR (its expiry set on its first hit), as common.ratelimit counts.
_ENTER = """
local skus = #KEYS
if ARGV[3] ~= '' then skus = skus - 1 end
local out = {}
local closed = false
for i = 1, skus do
  local key = KEYS[i]
  local v = redis.call('HMGET', key, 'gen', 'name')
  local gen, name = v[1], v[2]
  if not gen then
    gen = ARGV[1] .. ':' .. i
    name = false
    redis.call('HSET', key, 'gen', gen)
    redis.call('EXPIRE', key, ARGV[2])
  end
  out[#out + 1] = gen
  out[#out + 1] = name or ''
  if name then closed = true end
end
if ARGV[3] ~= '' and not closed then
  out[#out + 1] = redis.call('INCR', KEYS[#KEYS])
  redis.call('EXPIRE', KEYS[#KEYS], ARGV[3], 'NX')
end
return out
"""

# KEYS[1]: the SKU's hash. ARGV: the token seen before PostgreSQL answered, the name, CLOSED_SECONDS.
_CLOSE = """
if redis.call('HGET', KEYS[1], 'gen') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'name', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""

_scripts: dict[str, object] = {}


def _key(sku_id: int) -> str:
    # The cache's prefix and version, as every other key of the site (test runs and benchmarks get their own).
    return cache.make_and_validate_key(f"stockgate:{sku_id}")


def _run(client, source: str, *, keys: list[str], args: list) -> object:
    """EVALSHA of one of the scripts above (loaded once per Redis server), on this request's client."""
    script = _scripts.get(source)
    if script is None:
        script = _scripts[source] = client.register_script(source)
    return script(keys=keys, args=args, client=client)


@dataclass
class StockGatePass:
    """The tokens a buyer saw at the gate, before asking PostgreSQL (empty when Redis was unreachable), and
    the count of the rate limit's hit made in the same round trip (None when it was not counted)."""

    tokens: dict[int, str] = field(default_factory=dict)
    hits: int | None = None


@dataclass(frozen=True)
class GateCounter:
    """A rate limit's counter to count one hit on in the gate's round trip (common.ratelimit's key, already
    made a Redis key, and its expiry), only when the gate lets the buyer through."""

    redis_key: str
    expiry: int


def stock_gate_enter(*, sku_ids: Collection[int], counter: GateCounter | None = None) -> StockGatePass:
    """Raises OutOfStock for the first SKU (in id order) the gate knows is sold out; else returns the pass
    that lets `stock_gate_close` close it later (with `counter`'s count after this hit, when given). One
    Redis round trip, no query."""
    ids = sorted(set(sku_ids))
    client = raw_redis() if ids else None
    if client is None:
        return StockGatePass()
    keys, extra = [_key(i) for i in ids], ""
    if counter is not None:
        keys, extra = [*keys, counter.redis_key], counter.expiry
    try:
        answer = _run(client, _ENTER, keys=keys, args=[uuid.uuid4().hex, OPEN_SECONDS, extra])
    except Exception:  # Redis unreachable: PostgreSQL answers alone
        logger.warning("stock gate unavailable: checking stock in PostgreSQL only", exc_info=True)
        return StockGatePass()
    tokens: dict[int, str] = {}
    for index, sku_id in enumerate(ids):
        token, name = (x.decode() if isinstance(x, bytes) else x for x in answer[2 * index : 2 * index + 2])
        if name:
            raise OutOfStock(sku_id=sku_id, available=0, name=name)
        tokens[sku_id] = token
    return StockGatePass(tokens=tokens, hits=int(answer[-1]) if counter is not None else None)


def stock_gate_close(*, gate_pass: StockGatePass, sku_id: int, name: str | None = None) -> bool:
    """PostgreSQL answered that `sku_id` is sold out (stock 0, on sale) after `gate_pass` was taken: the gate
    remembers it, unless stock came back since (a reopen changed the token). True when it closed."""
    token = gate_pass.tokens.get(sku_id)
    client = raw_redis() if token else None
    if client is None:
        return False
    if name is None:
        name = sku_display_name(sku_id)  # what the refusals will say, in any language (a title is not translated)
    try:
        return bool(_run(client, _CLOSE, keys=[_key(sku_id)], args=[token, name, CLOSED_SECONDS]))
    except Exception:
        logger.warning("stock gate unavailable: sku_id=%s not marked sold out", sku_id, exc_info=True)
        return False


def stock_gate_reopen(*, sku_ids: Collection[int]) -> None:
    """Stock of these SKUs may have come back: once the current transaction commits, the gate forgets them
    (and every token seen before). Called by every stock change that can raise stock."""
    ids = sorted(set(sku_ids))
    if ids:
        transaction.on_commit(lambda: _forget(ids), robust=True)


def _forget(sku_ids: list[int]) -> None:
    client = raw_redis()
    if client is not None:
        try:
            client.delete(*(_key(i) for i in sku_ids))
        except Exception:  # the closed hash expires by itself (CLOSED_SECONDS)
            logger.warning("stock gate unavailable: SKUs %s reopen within %s s", sku_ids, CLOSED_SECONDS, exc_info=True)


@contextmanager
def stock_gate(
    *,
    items: Mapping[int, int],
    answered_before: Callable[[], bool] | None = None,
    counter: GateCounter | None = None,
) -> Iterator[StockGatePass]:
    """Guards one purchase of `items` ({sku_id: quantity}): refuses at once what the gate knows is gone,
    and closes the gate when PostgreSQL's answer inside the block is "sold out".

    `answered_before` is asked only when the gate would refuse: True (a retry of a request that was
    answered, whose answer PostgreSQL keeps) lets it through to be replayed. `counter`: a rate limit's hit
    counted in the same round trip when the gate lets the buyer through (the pass's `hits`)."""
    try:
        gate_pass = stock_gate_enter(sku_ids=items, counter=counter)
    except OutOfStock:
        if answered_before is None or not answered_before():
            raise
        gate_pass = StockGatePass()
    try:
        yield gate_pass
    except OutOfStock as exc:
        if exc.sold_out:
            stock_gate_close(gate_pass=gate_pass, sku_id=exc.sku_id, name=exc.name)
        raise
