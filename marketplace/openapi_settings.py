"""drf-spectacular's settings for the public API's OpenAPI schema (marketplace.settings reads them)."""

from __future__ import annotations

from typing import Any


def openapi_settings() -> dict[str, Any]:
    return {
        "TITLE": "Marketplace API",
        "DESCRIPTION": "The public API (v1) of the marketplace: shops, catalogue, cart, orders, chat, money.",
        "VERSION": "1.0.0",
        "SERVE_INCLUDE_SCHEMA": False,
        "COMPONENT_SPLIT_REQUEST": True,
        "SCHEMA_PATH_PREFIX": "/api/v1",
        # Swagger UI served from our own static files, not a CDN.
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        # Several answers have a `role` or `status` with their own choices: each set gets its own name.
        "ENUM_NAME_OVERRIDES": {
            "ConversationRoleEnum": ["buyer", "seller"],
            "StaffRoleEnum": ["owner", "staff"],
            "ShowRoleEnum": ["viewer", "seller", "moderator"],
            "StaffInvitationStatusEnum": ["pending", "accepted", "declined", "revoked", "expired"],
            "ShowStatusEnum": ["scheduled", "live", "ended"],
            "OrderStatusEnum": "orders.models.Order.Status",
            "RefundRequestStatusEnum": "orders.models.RefundRequest.Status",
            "PaymentStatusEnum": "payments.models.Payment.Status",
            "ShopStatusEnum": "shops.models.Shop.Status",
            "ProductStatusEnum": "catalog.models.Product.Status",
        },
    }
