"""Gun Violence Database (Pavlick et al. 2016), the dev split of Ebner et al. 2020, read from ``<split>.tsv``.

The TSV keeps each article's raw text (``Full text``, used as the article text unchanged) and the crowd annotation with
character offsets into it, grouped per person, which tells killed from injured victims. Slots scored per document:
``shooter`` (shooter names), ``victim`` (victim names), ``victim killed`` / ``victim injured`` (by ``victim-was``),
``place`` (city and location details) and ``time`` (clock time and time of day). Only names with an offset are gold (a
victim described but not named is not a slot filler). The annotators marked one occurrence of each name; every other
exact occurrence of the same string in the text counts as a mention too.

Predicted fillers come from the arguments of our Attack, Killing/Death and Injury events
(:data:`~extract.evaluation.mappings.GVDB_SLOTS`); a predicted time is placed where its words occur in the event's
sentence (our times carry text and value, no offsets). The GVDB dates are not scored: they are incident dates, and the
articles carry no publication date to resolve "Tuesday" against.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

from extract.evaluation.mappings import GVDB_SLOTS, GVDB_VICTIM_OUTCOMES, SLOT_CLASSES, slots_of
from extract.evaluation.forms import GoldDocument, GoldFiller, Score, merge_fillers
from extract.evaluation.scoring import filler_weight, predicted_fillers, score_items
from extract.model import Article

SPLITS = ("dev",)
HEADLINE = (("Slot", "micro"), ("Slot", "shooter"), ("Slot", "victim"), ("Slot", "place"), ("Slot", "time"))
OUTCOME_SLOTS = {"killed": "victim killed", "injured": "victim injured"}


def read(data_dir: Path, split: str = "dev") -> list[GoldDocument]:
    """Every article of ``<data_dir>/<split>.tsv`` with its slot fillers, in file order."""
    csv.field_size_limit(sys.maxsize)
    with (data_dir / f"{split}.tsv").open(encoding="utf-8", newline="") as handle:
        return [_document(row) for row in csv.DictReader(handle, delimiter="\t")]


def score(pairs) -> Score:
    """Slot-filler scores per slot and micro over ``(gold, extraction)`` pairs."""
    pairs = ((gold.fillers, predicted_fillers(extraction, SLOT_CLASSES, slots)) for gold, extraction in pairs)
    return score_items("Slot", pairs, filler_weight)


def slots(cls: str, role: str) -> tuple[str, ...]:
    """The GVDB slots an argument fills: the mapped slot, and for victims of a killing or injury that outcome too."""
    outcome = (GVDB_VICTIM_OUTCOMES[cls],) if role == "victim" and cls in GVDB_VICTIM_OUTCOMES else ()
    return slots_of(cls, role, GVDB_SLOTS) + outcome


def _document(row: dict) -> GoldDocument:
    text = row["Full text"]
    annotation = json.loads(row["Json"])
    fillers = [_filler("shooter", person["name"], text) for person in annotation.get("shooter-section", [])]
    for person in annotation.get("victim-section", []):
        outcomes = [OUTCOME_SLOTS[o] for o in person.get("victim-was", []) if o in OUTCOME_SLOTS]
        fillers += [_filler(slot, person["name"], text) for slot in ("victim", *outcomes)]
    when = annotation.get("date-and-time", {})
    fillers += [_filler("place", when[key], text) for key in ("city", "details") if key in when]
    fillers += [_filler("time", when[key], text) for key in ("clock-time", "time-day") if key in when]
    return GoldDocument(
        article=Article(id=f"gvdb-{row['Article id']}", text=text, title=row.get("Article title") or None),
        fillers=merge_fillers(f for f in fillers if f is not None),
    )


def _filler(slot: str, field: dict, text: str) -> GoldFiller | None:
    start, end = field.get("startIndex", -1), field.get("endIndex", -1)
    value = text[start:end] if 0 <= start < end else ""
    if not value.strip():
        return None
    # Annotators sometimes took a space with the name ("Milwaukee "): keep the name only.
    start, end = start + len(value) - len(value.lstrip()), end - (len(value) - len(value.rstrip()))
    value = text[start:end]
    others = tuple((m.start(), m.end()) for m in re.finditer(re.escape(value), text) if m.start() != start)
    return GoldFiller(slot=slot, mentions=((start, end), *others), text=value)
