"""Reviews, by subject: writing.py (review, reply), ratings.py (what counts, aggregates, rebuild),
moderation.py (hide, show). Other apps' tests read review_create and review_reply from here."""

from orders.services.reviews.writing import review_create, review_reply  # noqa: F401 (re-exported)
