"""One ASGI application for HTTP and WebSockets: `uvicorn marketplace.asgi:application`."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")

from common.asgi import get_asgi_application

# Django must be set up before consumers or routing are imported. HTTP requests run their sync
# middleware and view in one thread hop (common/asgi.py), not Django's eight.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from common.ws import TokenOrSessionAuthMiddleware  # noqa: E402
from marketplace.middleware import AsgiBodyLimit  # noqa: E402
from marketplace.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": AsgiBodyLimit(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(TokenOrSessionAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
