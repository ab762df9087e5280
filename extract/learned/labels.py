"""The training data of the learned layer: the rule candidates of every document of :data:`SOURCES`, labelled with the
scorer's own conventions (:mod:`extract.evaluation.scoring`).

A candidate is a real event when the one-to-one Trig-C matching pairs it with a gold trigger; an argument of a matched
candidate plays the role of the gold argument whose mentions its span overlaps, else none. RAMS and GENEVA annotate
some events only, so only candidates at an annotated trigger are labelled. CoNLL04 (Kill), GVDB and MUC-4 (role
fillers) label arguments only: the ends of a gold Kill relation are agent and victim; a slot filler's slot gives the
role.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from extract.evaluation import DATASETS
from extract.evaluation.scoring import match, overlap_any, overlaps
from extract.learned.parsing import Parser

# MUC-4 is left out: labelled by its role fillers, 3,261 of its 4,478 candidate arguments were "none" (its templates
# cover only some incidents of a message), and a model fitted with them dropped right arguments everywhere else.
SOURCES: tuple[tuple[str, str], ...] = (
    ("wikievents", "dev"), ("rams", "dev"), ("geneva", "dev"), ("conll04", "train"), ("conll04", "dev"),
    ("gvdb", "dev"),
)
NEAR_GOLD_ONLY = {"rams", "geneva"}  # only part of the events are annotated: judge candidates at annotated triggers
SLOT_ROLES = {"shooter": "agent", "perpetrator": "agent", "victim": "patient", "victim killed": "patient",
              "victim injured": "patient", "target": "patient", "weapon": "instrument", "place": "place"}


@dataclass
class Document:
    """One gold document's labelled candidates."""

    source: tuple[str, str]
    group: str  # documents of one group are never split between folds
    triggers: list[tuple[dict, int]] = field(default_factory=list)
    arguments: list[tuple[dict, str]] = field(default_factory=list)
    unreached: int = 0  # gold events no candidate reaches: misses whatever the model decides
    missed_arguments: int = 0  # gold arguments of matched events that no candidate argument overlaps


def group_of(gold) -> str:
    """A document's fold group: the article of a RAMS window (its url), the document of a GENEVA sentence."""
    return gold.article.url or gold.article.id.split("/")[0]


def label_documents(parser: Parser, data_root: Path, sources=SOURCES) -> list[Document]:
    documents = []
    for name, split in sources:
        golds = DATASETS[name].read(data_root / name, split)
        for gold, doc in zip(golds, parser.parsed(name, split, golds), strict=True):
            documents.append(label(name, split, gold, parser.rows(doc)))
    return documents


def label(name: str, split: str, gold, rows: list[dict]) -> Document:
    document = Document((name, split), f"{name}:{group_of(gold)}")
    if gold.events:
        _label_events(document, gold, rows, near_gold_only=name in NEAR_GOLD_ONLY)
    elif gold.relations:
        _label_kills(document, gold, rows)
    elif gold.fillers:
        _label_fillers(document, gold, rows, unnamed_count=name == "muc4")
    return document


def _label_events(document: Document, gold, rows: list[dict], near_gold_only: bool) -> None:
    annotated = [g.trigger for g in gold.events]
    golds = [g for g in gold.events if g.cls is not None]
    preds = sorted(rows, key=lambda r: r["trigger"])
    if near_gold_only:
        preds = [r for r in preds if any(overlaps(tuple(r["trigger"]), t) for t in annotated)]
    classified = match(preds, golds, lambda p, g: overlap_any([p["trigger"]], [g.trigger]) if p["cls"] == g.cls else 0)
    for n, row in enumerate(preds):
        document.triggers.append((row["features"], int(n in classified)))
        if n in classified:
            gold_args = golds[classified[n]].arguments
            for argument in row["arguments"]:
                document.arguments.append((argument["features"], _event_role(argument, gold_args)))
            document.missed_arguments += sum(
                1 for g in gold_args if not any(overlap_any([a["span"]], g.mentions) for a in row["arguments"]))
    document.unreached = len(golds) - len(classified)


def _event_role(argument: dict, gold_args) -> str:
    best, best_overlap = None, 0
    for g in gold_args:
        if (n := overlap_any([argument["span"]], g.mentions)) > best_overlap:
            best, best_overlap = g, n
    if best is None:
        return "none"
    roles = best.roles
    return "agent" if "agent" in roles else "patient" if roles & {"target", "victim"} else min(roles)


def _label_kills(document: Document, gold, rows: list[dict]) -> None:
    kills = [r for r in gold.relations if r.predicate == "killed"]
    if not kills:
        return
    heads = [m for r in kills for m in r.head]
    tails = [m for r in kills for m in r.tail]
    for row in rows:
        if row["cls"] != "Killing/Death":
            continue
        for argument in row["arguments"]:
            spans = [argument["span"], *argument["mentions"]]
            if overlap_any(spans, heads):
                role = "agent"
            elif overlap_any(spans, tails):
                role = "patient"
            elif argument["ent"] == "PERSON":
                role = "none"
            else:
                continue
            document.arguments.append((argument["features"], role))


def _label_fillers(document: Document, gold, rows: list[dict], unnamed_count: bool) -> None:
    fillers = [f for f in gold.fillers if f.slot in SLOT_ROLES]
    for row in rows:
        if row["cls"] not in ("Attack", "Killing/Death", "Injury"):
            continue
        for argument in row["arguments"]:
            spans = [argument["span"], *argument["mentions"]]
            slot = next((f.slot for f in fillers if overlap_any(spans, f.mentions)), None)
            if slot is not None:
                role = SLOT_ROLES[slot]
            elif argument["ent"] == "PERSON" or (unnamed_count and fillers):
                role = "none"  # GVDB names only named people; MUC-4 fillers include unnamed ones
            else:
                continue
            if role == "place" and argument["features"].get("role=place") is None and not unnamed_count:
                continue
            document.arguments.append((argument["features"], role))
