"""The app's settings with channels-redis's RedisPubSubChannelLayer instead of RedisChannelLayer.

A configuration experiment for B3 (bench/RESULTS.md): DJANGO_SETTINGS_MODULE=bench.settings_pubsub.
The pub/sub layer has no per-channel capacity or expiry: a message to an absent consumer is dropped,
which the chat accepts (messages are stored first; clients catch up with ?after=<last id>).
"""

from marketplace.settings import *  # noqa: F403
from marketplace.settings import REDIS_URL, env

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": env.str("CHANNEL_LAYER_PREFIX", default="asgi"),
            },
        }
    }
