"""MUC-4 (1992): the GRIT role-filler version (Du et al. 2021) plus incident types from the original answer keys.

Text: GRIT's ``doctext`` unchanged. It is **lower-cased** (the original texts of the dev split are upper case), which
costs a cased statistical NER a great deal: the scores measure the extractor on this text, not on normal news.

Role fillers, scored per document: ``perpetrator`` (GRIT PerpInd and PerpOrg together), ``target``, ``victim``,
``weapon`` (:data:`~extract.evaluation.mappings.MUC4_SLOTS`). A gold entity's mentions are every occurrence in the text
of each of its mention strings; a predicted filler matches by overlap. This is more lenient than GRIT's exact-string
CEAF-REE, so the published anchors are context, not a like-for-like comparison.

Incident types, scored per document as a set of classes: Attack when a template of the message has type ATTACK or
BOMBING, Killing/Death when a human target's effect is DEATH, Injury when it is INJURY; other types (KIDNAPPING, ARSON,
ROBBERY, FORCED WORK STOPPAGE) are not mapped. Keys for dev: ``tst1/key-tst1.v7``, ``tst2/key-tst2.v4``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from extract.evaluation.mappings import MUC4_SLOTS, SLOT_CLASSES, slots_of
from extract.evaluation.forms import GoldDocument, GoldFiller, PredictedItem, Score, merge_fillers
from extract.evaluation.scoring import filler_weight, predicted_events, predicted_fillers, score_items
from extract.model import Article

SPLITS = ("dev", "train")
HEADLINE = (("Slot", "micro"), ("Slot", "perpetrator"), ("Slot", "victim"), ("Incident", "micro"))
ROLE_SLOTS = {
    "PerpInd": "perpetrator",
    "PerpOrg": "perpetrator",
    "Target": "target",
    "Victim": "victim",
    "Weapon": "weapon",
}
KEY_FILES = {"dev": ("tst1/key-tst1.v7", "tst2/key-tst2.v4"), "train": ("dev/key-dev-*.muc4",)}
INCIDENT_CLASSES = {"ATTACK": "Attack", "BOMBING": "Attack"}
EFFECT_CLASSES = {"DEATH": "Killing/Death", "INJURY": "Injury"}

_SLOT_LINE = re.compile(r"^(\d+)\.\s+([A-Z :]+?)\s{2,}(.*)$")


def read(data_dir: Path, split: str = "dev") -> list[GoldDocument]:
    """Every message of ``grit_processed/<split>.json`` with its role fillers and incident classes, in file order."""
    incidents = incident_classes(data_dir / "original_muc34" / "TASK" / "CORPORA", split)
    with (data_dir / "grit_processed" / f"{split}.json").open(encoding="utf-8") as handle:
        return [_document(json.loads(line), incidents) for line in handle if line.strip()]


def score(pairs) -> Score:
    """Role-filler scores per slot (metric ``Slot``) and incident classes per document (metric ``Incident``)."""
    result = Score()
    for gold, extraction in pairs:
        fillers = predicted_fillers(extraction, SLOT_CLASSES, lambda cls, role: slots_of(cls, role, MUC4_SLOTS))
        score_items("Slot", [(gold.fillers, fillers)], filler_weight, result)
        classes = sorted({event.cls for event in predicted_events(extraction, SLOT_CLASSES)})
        incidents = [GoldFiller(slot=cls, mentions=(), text=cls) for cls in gold.classes]
        predicted = [PredictedItem(cls, (), text=cls) for cls in classes]
        score_items("Incident", [(incidents, predicted)], lambda p, g: int(p.key == g.slot), result)
    return result


def _document(record: dict, incidents: dict[str, set[str]]) -> GoldDocument:
    text = record["doctext"]
    fillers = []
    for role, entities in record["extracts"].items():
        for mentions in entities:
            spans = {(m.start(), m.end()) for string, _ in mentions for m in re.finditer(re.escape(string), text)}
            fillers.append(GoldFiller(slot=ROLE_SLOTS[role], mentions=tuple(sorted(spans)), text=mentions[0][0]))
    classes = sorted(incidents.get(record["docid"], ()))
    return GoldDocument(article=Article(id=record["docid"], text=text), fillers=merge_fillers(fillers), classes=classes)


def incident_classes(corpora: Path, split: str) -> dict[str, set[str]]:
    """``{message id: scoring classes}`` from the answer keys: incident types and human-target effects."""
    classes: dict[str, set[str]] = {}
    for pattern in KEY_FILES[split]:
        for path in sorted(corpora.glob(pattern)):
            for message_id, slots in _templates(path.read_text(encoding="latin-1")):
                found = classes.setdefault(message_id, set())
                types = re.findall(r"[A-Z]+", slots.get("INCIDENT: TYPE", ""))
                found |= {INCIDENT_CLASSES[t] for t in types if t in INCIDENT_CLASSES}
                effects = slots.get("HUM TGT: EFFECT OF INCIDENT", "")
                found |= {cls for effect, cls in EFFECT_CLASSES.items() if re.search(rf"(?<!NO ){effect}\b", effects)}
    return classes


def _templates(key_text: str):
    """``(message id, {slot name: value text})`` for each template block of a key file (continuation lines joined)."""
    slots: dict[str, str] = {}
    current = None
    for line in key_text.splitlines():
        found = _SLOT_LINE.match(line)
        if found:
            number, current, value = found.groups()
            if number == "0" and slots:
                yield slots["MESSAGE: ID"].strip(), slots
                slots = {}
            slots[current] = value
        elif line.startswith(" ") and current and line.strip():
            slots[current] += "\n" + line.strip()
        elif not line.strip():
            current = None
    if slots:
        yield slots["MESSAGE: ID"].strip(), slots
