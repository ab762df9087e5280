"""RAMS 1.0 (Ebner et al. 2020): 5-sentence news windows, each with exactly one annotated event and its arguments.

Text: the window's sentences detokenized, one per line. Token spans in RAMS are inclusive; they are converted to
end-exclusive character spans. Role labels ``evtNNNargMMrole`` keep only the trailing alphabetic role (``killer``).

Only one event per window is annotated, so predictions elsewhere in the window cannot be judged: the score looks only at
predictions whose trigger overlaps the annotated trigger (``near_gold_only``). A prediction there of a scored class
counts against precision when the annotated event has another class or a type outside the mapping. Recall is over
windows whose event type maps to a class. Arguments: exact gold spans (RAMS has no coreference), matched by overlap.
"""

from __future__ import annotations

import json
import re
from functools import partial
from pathlib import Path

from extract.evaluation.mappings import EVENT_ROLES, RAMS_TYPES, event_class
from extract.evaluation.forms import GoldArgument, GoldDocument, GoldEvent
from extract.evaluation.scoring import score_extractions
from extract.evaluation.textmap import join_sentences, token_range
from extract.model import Article

SPLITS = ("dev",)
HEADLINE = (("Trig-I", "micro"), ("Trig-C", "micro"), ("Arg-I", "micro"), ("Arg-C", "micro"))

_ROLE = re.compile(r"[a-z]+$")


def read(data_dir: Path, split: str = "dev") -> list[GoldDocument]:
    """Every window of ``<data_dir>/<split>.jsonlines`` as a document with its one event, in file order."""
    with (data_dir / f"{split}.jsonlines").open(encoding="utf-8") as handle:
        return [_document(json.loads(line)) for line in handle if line.strip()]


score = partial(score_extractions, near_gold_only=True)  # judged at the annotated triggers only (above)


def _document(window: dict) -> GoldDocument:
    text, spans = join_sentences(window["sentences"])
    (start, end, ((event_type, _),)) = window["evt_triggers"][0]
    arguments = []
    for _, (arg_start, arg_end), label in window["gold_evt_links"]:
        role = _ROLE.search(label).group()
        if role in EVENT_ROLES:
            span = token_range(spans, arg_start, arg_end + 1)
            argument = GoldArgument(label=role, roles=EVENT_ROLES[role], mentions=(span,), text=text[slice(*span)])
            arguments.append(argument)
    trigger = token_range(spans, start, end + 1)
    event = GoldEvent(
        cls=event_class(event_type, RAMS_TYPES), trigger=trigger, text=text[slice(*trigger)], arguments=tuple(arguments)
    )
    article = Article(id=window["doc_key"], text=text, url=window.get("source_url"))  # url: the article's windows
    return GoldDocument(article=article, events=[event])
