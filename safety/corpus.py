"""The labelled corpus of chat messages (safety/corpus/contact.tsv) and the detector's score on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from safety.contact import contact_details_find

CORPUS = Path(__file__).parent / "corpus" / "contact.tsv"
OWN_HOSTS = ("127.0.0.1", "localhost")
RECALL_TARGET = 0.95
FALSE_POSITIVE_TARGET = 0.01


@dataclass(frozen=True)
class Sample:
    line: int
    has_contact: bool
    text: str
    earlier: tuple[str, ...]
    allowed_numbers: tuple[str, ...]


@dataclass
class Score:
    contacts: int = 0
    ordinary: int = 0
    missed: list[Sample] = field(default_factory=list)
    false_positives: list[Sample] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return 1 - len(self.missed) / self.contacts if self.contacts else 1.0

    @property
    def false_positive_rate(self) -> float:
        return len(self.false_positives) / self.ordinary if self.ordinary else 0.0

    @property
    def meets_targets(self) -> bool:
        return self.recall >= RECALL_TARGET and self.false_positive_rate <= FALSE_POSITIVE_TARGET


def corpus_samples(path: Path = CORPUS) -> list[Sample]:
    samples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        label, message, *rest = line.split("\t")
        if label not in ("contact", "ok"):
            raise ValueError(f"{path.name}:{number}: the label must be contact or ok, not {label!r}")
        *earlier, text = message.split("⏎")
        allowed = tuple(filter(None, rest[0].split(","))) if rest else ()
        samples.append(Sample(number, label == "contact", text, tuple(earlier), allowed))
    return samples


def corpus_score(samples: list[Sample]) -> Score:
    score = Score()
    for sample in samples:
        found = bool(
            contact_details_find(
                sample.text, earlier=sample.earlier, allowed_numbers=sample.allowed_numbers, own_hosts=OWN_HOSTS
            )
        )
        if sample.has_contact:
            score.contacts += 1
            if not found:
                score.missed.append(sample)
        else:
            score.ordinary += 1
            if found:
                score.false_positives.append(sample)
    return score
