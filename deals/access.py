"""Deals belong to a show: the seller's routes fetch the show with live.access.access_seller_show (another
shop's show is 404), the buyer's with access_public_show; a deal is then looked up within that show only
(deals.services), so a deal id of another show is 404 alike."""

from live.access import access_public_show, access_seller_show

__all__ = ["access_public_show", "access_seller_show"]
