from common.idempotency import IdempotencyKeyInFlight, IdempotencyKeyReused

__all__ = ["IdempotencyKeyInFlight", "IdempotencyKeyReused"]
