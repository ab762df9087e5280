"""The common form the scorer (:mod:`extract.evaluation.scoring`) works on: every dataset reader's gold as
:class:`GoldDocument` objects (character offsets into the article text the extractor reads), the predictions made of
an :class:`~extract.model.Extraction`, and the counts a :class:`Score` keeps, with precision, recall and F1.

>>> Counts(n_pred=4, n_gold=5, hit_pred=3, hit_gold=3).f1
66.67
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from extract.model import Article

Offsets = tuple[int, int]


@dataclass(frozen=True)
class Counts:
    """Predicted and gold totals and how many of each matched; P/R/F1 in percent, rounded to 2 places."""

    n_pred: int = 0
    n_gold: int = 0
    hit_pred: int = 0
    hit_gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.n_pred + other.n_pred,
            self.n_gold + other.n_gold,
            self.hit_pred + other.hit_pred,
            self.hit_gold + other.hit_gold,
        )

    @property
    def precision(self) -> float:
        return round(100 * self.hit_pred / self.n_pred, 2) if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return round(100 * self.hit_gold / self.n_gold, 2) if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.hit_pred / self.n_pred if self.n_pred else 0, self.hit_gold / self.n_gold if self.n_gold else 0
        return round(100 * 2 * p * r / (p + r), 2) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "p": self.precision,
            "r": self.recall,
            "f1": self.f1,
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
            "hit_pred": self.hit_pred,
            "hit_gold": self.hit_gold,
        }


@dataclass(frozen=True)
class GoldArgument:
    """A gold argument: the dataset's role label, the set of our roles it maps to, every mention of its entity."""

    label: str
    roles: frozenset[str]
    mentions: tuple[Offsets, ...]
    text: str


@dataclass(frozen=True)
class GoldEvent:
    """A gold event; ``cls`` is the scoring class (None: a dataset type outside the mapping, never counted)."""

    cls: str | None
    trigger: Offsets
    text: str
    arguments: tuple[GoldArgument, ...] = ()


@dataclass(frozen=True)
class GoldRelation:
    """A gold relation; ``head`` and ``tail`` hold every mention that counts for each end."""

    predicate: str
    head: tuple[Offsets, ...]
    tail: tuple[Offsets, ...]
    text: str


@dataclass(frozen=True)
class GoldFiller:
    """A document-level role filler: its slot and every mention that counts."""

    slot: str
    mentions: tuple[Offsets, ...]
    text: str


def merge_fillers(fillers: Iterable[GoldFiller]) -> list[GoldFiller]:
    """Fillers of one slot with the same text (case-insensitive) as one filler with all their mentions.

    Predicted fillers are entities, and two gold fillers with one name (a city given as city and as location) cannot be
    told apart by them.
    """
    merged: dict[tuple[str, str], GoldFiller] = {}
    for f in fillers:
        key = (f.slot, f.text.lower())
        old = merged.get(key)
        merged[key] = f if old is None else GoldFiller(f.slot, tuple(sorted({*old.mentions, *f.mentions})), old.text)
    return list(merged.values())


@dataclass
class GoldDocument:
    article: Article
    events: list[GoldEvent] = field(default_factory=list)
    relations: list[GoldRelation] = field(default_factory=list)
    fillers: list[GoldFiller] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)  # document-level event classes (MUC-4 incident types)


@dataclass(frozen=True)
class PredictedArgument:
    role: str
    span: Offsets
    text: str
    entity: str | None = None


@dataclass(frozen=True)
class PredictedEvent:
    cls: str
    trigger: Offsets
    text: str
    arguments: tuple[PredictedArgument, ...]
    time: PredictedArgument | None = None  # where the time's words are in the event's sentence (role "time")


@dataclass(frozen=True)
class PredictedItem:
    """A predicted relation (``key`` = predicate) or slot filler (``key`` = slot) with the spans it may match by."""

    key: str
    first: tuple[Offsets, ...]
    second: tuple[Offsets, ...] = ()
    text: str = ""


@dataclass
class Score:
    """Counts per (metric, group) plus error tallies: what was missed and what was wrongly predicted."""

    counts: dict[tuple[str, str], Counts] = field(default_factory=lambda: defaultdict(Counts))
    misses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    false_positives: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, metric: str, group: str, **counts: int) -> None:
        for key in (group, "micro"):
            self.counts[metric, key] = self.counts[metric, key] + Counts(**counts)

    def get(self, metric: str, group: str = "micro") -> Counts:
        return self.counts.get((metric, group), Counts())
