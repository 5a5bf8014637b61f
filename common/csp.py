"""The Content-Security-Policy of a page: sent on every response by marketplace.middleware, and widened by a
page that needs more (the live room's player) from this one source."""


def content_security_policy(request) -> str:
    host = request.get_host()
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{request.csp_nonce}'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            f"connect-src 'self' ws://{host} wss://{host}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
