"""Orders' parts of other apps' pages (common.page_parts): a product's reviews, a shop's scores beside its peers'."""

from django.core.paginator import Paginator

from catalog.page_parts import PRODUCT_PAGE
from orders.selectors import product_review_summary, product_reviews, product_reviews_version, shop_score_comparison
from shops.page_parts import SHOPFRONT


def _reviews_version(*, product, **_params) -> tuple:
    return product_reviews_version(product_id=product.pk)


def _reviews_context(*, version, product, with_photos, stars, reviews_page, **_params) -> dict:
    if not version[0]:  # most products have no review at all: "No reviews yet" needs no query
        return {}
    reviews = product_reviews(product_id=product.pk, with_photos=with_photos, stars=stars)
    return {
        "review_summary": product_review_summary(product=product),
        "review_page": Paginator(reviews, 10).get_page(reviews_page),
    }


def _scores_version(**_params) -> tuple:
    return ()  # the shop's scores are in the shopfront's own version


def _scores_context(*, shop, **_params) -> dict:
    return {"score_comparison": shop_score_comparison(shop=shop)}


def connect() -> None:
    PRODUCT_PAGE.register(name="reviews", version=_reviews_version, context=_reviews_context)
    SHOPFRONT.register(name="scores", version=_scores_version, context=_scores_context)
