"""The scorer: gold and predictions in one small common form (:mod:`extract.evaluation.forms`), one-to-one matching,
precision / recall / F1.

Every dataset reader turns its gold into :class:`~extract.evaluation.forms.GoldDocument` objects (character offsets
into the article text the extractor reads) and every prediction comes from a real :class:`~extract.model.Extraction`.
The matching rules:

- **Spans match by overlap**: two character spans match when they share at least one character.
- **One-to-one**: each prediction matches at most one gold item and each gold item at most one prediction. Predictions
  are taken in text order; each takes the unmatched gold item it overlaps most (ties: the earlier one). Duplicate
  predictions therefore count as false positives.
- **Trig-I**: a predicted event of a scored class whose trigger overlaps a gold trigger of a scored class.
  **Trig-C**: the same and the two classes are equal.
- **Arg-I**: a predicted argument of a Trig-I matched event whose span overlaps any mention of an entity that is a gold
  argument of the matched gold event (mentions include the gold coreference cluster where the dataset has one).
  **Arg-C**: the event is Trig-C matched and the predicted role is one the gold role maps to.
- **Relations**: a predicted relation matches a gold one when the predicates are equal, some mention of the subject
  overlaps the gold head and some mention of the object overlaps the gold tail (direction kept).
- **Slots** (document-level role fillers): a predicted filler matches a gold filler of the same slot when one of its
  spans overlaps one of the gold filler's mentions.

Precision counts predictions that matched, recall gold items that matched; for per-type rows the prediction side is
grouped by the predicted class and the gold side by the gold class, so per-type hits can differ between P and R.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from extract.evaluation.forms import (GoldArgument, GoldDocument, GoldEvent, GoldFiller, GoldRelation, Offsets,
                                      PredictedArgument, PredictedEvent, PredictedItem, Score)
from extract.evaluation.mappings import OUR_CLASSES
from extract.model import Event, Extraction, Span


def overlaps(a: Offsets, b: Offsets) -> bool:
    """True when the two half-open character spans share a character.

    >>> overlaps((0, 5), (4, 9)), overlaps((0, 5), (5, 9))
    (True, False)
    """
    return a[0] < b[1] and b[0] < a[1]


def overlap_any(spans: Iterable[Offsets], others: Iterable[Offsets]) -> int:
    """The largest overlap (in characters) between any span of ``spans`` and any of ``others``; 0 when none.

    >>> overlap_any([(0, 5)], [(3, 9), (20, 30)]), overlap_any([(0, 5)], [(7, 9)])
    (2, 0)
    """
    others = tuple(others)
    return max([0, *(min(a[1], b[1]) - max(a[0], b[0]) for a in spans for b in others)])


def match(preds: Sequence, golds: Sequence, weight: Callable[[object, object], int]) -> dict[int, int]:
    """One-to-one greedy matching ``{pred index: gold index}``; ``weight(p, g) > 0`` means they may match.

    Predictions in order; each takes the free gold item with the largest weight (ties: the earliest).

    >>> match([(0, 3), (1, 2)], [(1, 4)], lambda p, g: overlap_any([p], [g]))
    {0: 0}
    """
    taken: set[int] = set()
    pairs: dict[int, int] = {}
    for i, pred in enumerate(preds):
        best, best_weight = None, 0
        for j, gold in enumerate(golds):
            if j not in taken and (w := weight(pred, gold)) > best_weight:
                best, best_weight = j, w
        if best is not None:
            taken.add(best)
            pairs[i] = best
    return pairs


def predicted_events(extraction: Extraction, classes: dict[str, str]) -> list[PredictedEvent]:
    """The extraction's events whose type maps to a scoring class, with their entity arguments, in text order; an
    event told several times is one prediction per mention.

    ``topic`` arguments point at events, not entities, and are left out.
    """
    events = [
        PredictedEvent(
            cls=classes[event.type],
            trigger=(trigger.start, trigger.end),
            text=trigger.text,
            arguments=tuple(
                PredictedArgument(a.role, (a.start, a.end), a.text, a.entity)
                for a in arguments
                if a.role != "topic"
            ),
            time=_time_argument(event, sentence),
        )
        for event in extraction.events
        if event.type in classes
        for trigger, sentence, arguments in _told(event)
    ]
    return sorted(events, key=lambda e: e.trigger)


def _told(event: Event) -> list[tuple]:
    """Each mention of an event (the gold annotates every mention) with the arguments found in its sentence; the
    first mention also keeps the arguments outside every mention's sentence."""
    if len(event.mentions) < 2:
        return [(event.trigger, event.sentence, event.arguments)]

    def inside(argument, mention) -> bool:
        return mention.sentence.start <= argument.start < mention.sentence.end

    elsewhere = [a for a in event.arguments if not any(inside(a, m) for m in event.mentions)]
    return [(m.trigger, m.sentence, [a for a in event.arguments if inside(a, m)] + (elsewhere if n == 0 else []))
            for n, m in enumerate(event.mentions)]


def _time_argument(event: Event, sentence: Span) -> PredictedArgument | None:
    """The event's time as an argument with offsets: its words found in the mention's sentence (None if not there)."""
    at = sentence.text.find(event.time.text) if event.time else -1
    if at < 0:
        return None
    start = sentence.start + at
    return PredictedArgument("time", (start, start + len(event.time.text)), event.time.text)


def score_extractions(pairs: Iterable[tuple[GoldDocument, Extraction]], near_gold_only: bool = False) -> Score:
    """:func:`score_events` over ``(gold document, extraction)`` pairs, the extraction's events of a scored class
    (:data:`~extract.evaluation.mappings.OUR_CLASSES`) as the predictions."""
    return score_events(((gold, predicted_events(extraction, OUR_CLASSES)) for gold, extraction in pairs),
                        near_gold_only)


def score_events(
    pairs: Iterable[tuple[GoldDocument, list[PredictedEvent]]], near_gold_only: bool = False, score: Score | None = None
) -> Score:
    """Trig-I, Trig-C, Arg-I and Arg-C over documents, per class and micro.

    ``near_gold_only`` (RAMS, where one event per window is annotated): only predictions whose trigger overlaps an
    annotated trigger (of any type, mapped or not) are judged.
    """
    score = score or Score()
    for gold_doc, preds in pairs:
        annotated = [g.trigger for g in gold_doc.events]
        if near_gold_only:
            preds = [p for p in preds if any(overlaps(p.trigger, t) for t in annotated)]
        golds = [g for g in gold_doc.events if g.cls is not None]
        trigger_weight = lambda p, g: overlap_any([p.trigger], [g.trigger])  # noqa: E731
        identified = match(preds, golds, trigger_weight)
        classified = match(preds, golds, lambda p, g: trigger_weight(p, g) if p.cls == g.cls else 0)
        _tally("Trig-I", preds, golds, identified, score, lambda e: e.cls, lambda e: e.cls)
        _tally("Trig-C", preds, golds, classified, score, lambda e: e.cls, lambda e: e.cls)
        for g_index, gold in enumerate(golds):
            if g_index not in classified.values():
                score.misses[f"trigger {gold.cls}"][gold.text.lower()] += 1
        for p_index, pred in enumerate(preds):
            if p_index not in classified:
                score.false_positives[f"trigger {pred.cls}"][pred.text.lower()] += 1
        _score_arguments("Arg-I", preds, golds, identified, score, role_must_match=False)
        _score_arguments("Arg-C", preds, golds, classified, score, role_must_match=True)
    return score


def _score_arguments(
    metric: str,
    preds: list[PredictedEvent],
    golds: list[GoldEvent],
    event_pairs: dict[int, int],
    score: Score,
    role_must_match: bool,
) -> None:
    matched_gold = set(event_pairs.values())
    for p_index, pred in enumerate(preds):
        gold = golds[event_pairs[p_index]] if p_index in event_pairs else None
        hits: dict[int, int] = {}
        if gold is not None:
            hits = _match_arguments(pred, gold, role_must_match)
            score.add(metric, gold.cls, n_gold=len(gold.arguments), hit_gold=len(hits))
            if role_must_match:
                _note_argument_misses(gold, set(hits.values()), score)
        score.add(metric, pred.cls, n_pred=len(pred.arguments), hit_pred=len(hits))
        if role_must_match:
            for a_index, argument in enumerate(pred.arguments):
                if a_index not in hits:
                    score.false_positives[f"argument {pred.cls}/{argument.role}"][argument.text.lower()] += 1
    for g_index, gold in enumerate(golds):
        if g_index not in matched_gold:
            score.add(metric, gold.cls, n_gold=len(gold.arguments))
            if role_must_match:
                _note_argument_misses(gold, set(), score)


def _match_arguments(pred: PredictedEvent, gold: GoldEvent, role_must_match: bool) -> dict[int, int]:
    def weight(p: PredictedArgument, g: GoldArgument) -> int:
        if role_must_match and p.role not in g.roles:
            return 0
        return overlap_any([p.span], g.mentions)

    return match(pred.arguments, gold.arguments, weight)


def _note_argument_misses(gold: GoldEvent, found: set[int], score: Score) -> None:
    for a_index, argument in enumerate(gold.arguments):
        if a_index not in found:
            score.misses[f"argument {gold.cls}/{argument.label}"][argument.text.lower()] += 1


def score_items(
    metric: str,
    pairs: Iterable[tuple[list, list[PredictedItem]]],
    weight: Callable[[PredictedItem, object], int],
    score: Score | None = None,
) -> Score:
    """Relations or slot fillers: one-to-one matching per document, grouped by predicate / slot (``.key``)."""
    score = score or Score()
    for golds, preds in pairs:
        pairs_found = match(preds, golds, weight)
        _tally(metric, preds, golds, pairs_found, score, lambda p: p.key, _gold_key)
        for g_index, gold in enumerate(golds):
            if g_index not in pairs_found.values():
                score.misses[f"{metric} {_gold_key(gold)}"][gold.text.lower()] += 1
        for p_index, pred in enumerate(preds):
            if p_index not in pairs_found:
                score.false_positives[f"{metric} {pred.key}"][pred.text.lower()] += 1
    return score


def relation_weight(pred: PredictedItem, gold: GoldRelation) -> int:
    """Positive when predicate, head and tail all match (subject mentions ``first``, object mentions ``second``)."""
    if pred.key != gold.predicate:
        return 0
    head, tail = overlap_any(pred.first, gold.head), overlap_any(pred.second, gold.tail)
    return head + tail if head and tail else 0


def filler_weight(pred: PredictedItem, gold: GoldFiller) -> int:
    """Positive when the slot is the same and a predicted span overlaps a gold mention."""
    return overlap_any(pred.first, gold.mentions) if pred.key == gold.slot else 0


def _gold_key(gold: GoldRelation | GoldFiller) -> str:
    return gold.predicate if isinstance(gold, GoldRelation) else gold.slot


def _tally(metric, preds, golds, pairs, score, pred_group, gold_group) -> None:
    for p_index, pred in enumerate(preds):
        score.add(metric, pred_group(pred), n_pred=1, hit_pred=int(p_index in pairs))
    matched = set(pairs.values())
    for g_index, gold in enumerate(golds):
        score.add(metric, gold_group(gold), n_gold=1, hit_gold=int(g_index in matched))


def predicted_relations(extraction: Extraction, predicates: Iterable[str]) -> list[PredictedItem]:
    """The extraction's relations between two mentioned entities with one of ``predicates``, once per triple.

    Relations with an event at either end (``<operation> killed <X>``) are left out: the gold relates entities.
    """
    mentions = {e.id: tuple((m.start, m.end) for m in e.mentions) for e in extraction.entities}
    labels = {e.id: e.label for e in extraction.entities}
    seen: set[tuple[str, str, str]] = set()
    items = []
    for relation in extraction.relations:
        triple = (relation.predicate, relation.subject, relation.object)
        if relation.predicate in predicates and mentions.get(relation.subject) and mentions.get(relation.object):
            if triple not in seen:
                seen.add(triple)
                text = f"{labels[relation.subject]} -> {labels[relation.object]}"
                subject, object_ = mentions[relation.subject], mentions[relation.object]
                items.append(PredictedItem(relation.predicate, subject, object_, text))
    return items


def predicted_fillers(
    extraction: Extraction, classes: dict[str, str], slot_of: Callable[[str, str], Iterable[str]]
) -> list[PredictedItem]:
    """Document-level slot fillers from the arguments of scored events, one per (slot, entity), in text order.

    ``slot_of(class, role)`` names the slots an argument (or the event's time, role ``time``) fills. A filler's spans are its argument spans and every
    mention of its entity; arguments without an entity are keyed by their lower-cased text.
    """
    mentions = {e.id: [(m.start, m.end) for m in e.mentions] for e in extraction.entities}
    fillers: dict[tuple[str, str], tuple[list[Offsets], str]] = {}
    for event in predicted_events(extraction, classes):
        for argument in (*event.arguments, *([event.time] if event.time else [])):
            for slot in slot_of(event.cls, argument.role):
                key = (slot, argument.entity or argument.text.lower())
                if key not in fillers:
                    fillers[key] = (list(mentions.get(argument.entity, [])), argument.text)
                fillers[key][0].append(argument.span)
    return [PredictedItem(slot, tuple(spans), text=text) for (slot, _), (spans, text) in fillers.items()]
