from django.core.management.base import BaseCommand

from payments.models import Payout
from payments.services.payouts import payout_batch_run


class Command(BaseCommand):
    help = "Creates today's payout batch (settles due money first). A second run for the period creates nothing."

    def handle(self, *args, **options):
        batch, created = payout_batch_run(progress=lambda m: self.stdout.write(f"  … {m}"))
        if not created:
            self.stdout.write(self.style.WARNING(f"Batch {batch.period} already exists: nothing new."))
            return
        payouts = Payout.objects.filter(batch=batch)
        total = sum(payouts.values_list("amount_fen", flat=True)) / 100
        self.stdout.write(
            self.style.SUCCESS(
                f"Batch {batch.period}: {payouts.count()} payout(s), {total:.2f} CNY, awaiting an operator's approval."
            )
        )
