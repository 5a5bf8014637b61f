"""Recomputes every review flag, product rating and shop score from scratch.

Run it after a data repair, and daily so shop scores drop reviews older than 180 days."""

from django.core.management.base import BaseCommand

from orders.services.reviews.ratings import RebuildResult, ratings_rebuild


class Command(BaseCommand):
    help = "Recompute product ratings and shop scores from the reviews (one transaction per shop)."

    def handle(self, *args, **options):
        every = 1

        def progress(done: int, total: int, so_far: RebuildResult) -> None:
            nonlocal every
            every = max(1, total // 20)
            if done == total or done % every == 0:
                self.stdout.write(
                    f"  {done}/{total} shops ({so_far.products} products, {so_far.flags_changed} review flags changed)"
                )

        self.stdout.write("Rebuilding ratings…")
        result = ratings_rebuild(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {result.shops} shops, {result.products} products, {result.flags_changed} review flags changed."
            )
        )
