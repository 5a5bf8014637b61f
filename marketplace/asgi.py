"""One ASGI application for HTTP and WebSockets: `uvicorn marketplace.asgi:application`."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

from common.asgi import get_asgi_application

# Django must be set up before consumers or routing are imported. HTTP requests run their sync
# middleware and view in one thread hop (common/asgi.py), not Django's eight.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from common.ws import TokenOrSessionAuthMiddleware  # noqa: E402
from live.room_hub import ServerSendInScope  # noqa: E402
from marketplace.middleware import AsgiBodyLimit  # noqa: E402
from marketplace.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": AsgiBodyLimit(django_asgi_app),
        # ServerSendInScope: a live room writes its frames with the server's own send (live/room_hub.py).
        "websocket": ServerSendInScope(
            AllowedHostsOriginValidator(TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)

# The garbage collector, for a server that holds thousands of sockets (bench B3, RESULTS.md): a full
# collection walks every live object — with 2,000 sockets open that paused the process for 150–260 ms,
# several times a minute, and found almost nothing (reference counting frees nearly all garbage). So:
# what was made while starting up (Django, the URL conf, the apps) is frozen out of the collections, and
# full collections come after 100× more young collections than Python's default (10). The price: the
# reference cycles requests leave behind wait longer for a full collection, so under a long burst of
# concurrent requests a worker grows (bench B1: ~24 MB per 10 s at 128 buyers) until one comes
# (RESULTS.md, B1 "Memory under load": fix those cycles rather than these numbers).
gc.freeze()
gc.set_threshold(700, 10, 1000)
