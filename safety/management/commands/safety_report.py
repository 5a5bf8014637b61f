"""Scores the contact-detail detector on the labelled corpus: recall and false-positive rate."""

from django.core.management.base import BaseCommand, CommandError

from safety.contact import contact_details_find, contact_details_mask
from safety.corpus import FALSE_POSITIVE_TARGET, OWN_HOSTS, RECALL_TARGET, corpus_samples, corpus_score


class Command(BaseCommand):
    help = "Recall and false-positive rate of the contact-detail detector on safety/corpus/contact.tsv."

    def handle(self, *args, **options):
        score = corpus_score(corpus_samples())
        self.stdout.write(f"messages with contact details: {score.contacts}, ordinary messages: {score.ordinary}")
        self.stdout.write(f"recall: {score.recall:.1%} (target ≥ {RECALL_TARGET:.0%})")
        self.stdout.write(f"false positives: {score.false_positive_rate:.1%} (target ≤ {FALSE_POSITIVE_TARGET:.0%})")
        for title, samples in (("missed", score.missed), ("masked although ordinary", score.false_positives)):
            for sample in samples:
                findings = contact_details_find(
                    sample.text, earlier=sample.earlier, allowed_numbers=sample.allowed_numbers, own_hosts=OWN_HOSTS
                )
                shown = contact_details_mask(sample.text, findings)
                self.stdout.write(f"  {title}, line {sample.line}: {sample.text!r} → {shown!r}")
        if not score.meets_targets:
            raise CommandError("the detector misses its targets")
