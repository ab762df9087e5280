"""GENEVA (Parekh et al. 2023): FrameNet sentences with MAVEN-style events, the validation split (``dev`` here).

Text: the sentence's tokens detokenized. The version with Time and Place arguments (``data_time_place/val.json``) is
read. Types map with :data:`~extract.evaluation.mappings.GENEVA_TYPES` (Attack, Terrorism, Hostile_encounter ->
Attack; Killing, Death; Bodily_harm -> Injury; Arrest; Request -> CallForAction), roles with
:data:`~extract.evaluation.mappings.GENEVA_ROLES`.

Only the frames chosen for GENEVA are annotated in a sentence, so, as for RAMS, only predictions whose trigger
overlaps an annotated trigger are judged: one of a scored class there is wrong when the frame is of another type
("attacked the proposal" annotated as a judgment is a false Attack).
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path

from extract.evaluation.mappings import GENEVA_ROLES, GENEVA_TYPES
from extract.evaluation.forms import GoldArgument, GoldDocument, GoldEvent
from extract.evaluation.scoring import score_extractions
from extract.evaluation.textmap import detokenize, token_range
from extract.model import Article

SPLITS = ("dev",)
FILES = {"dev": "val.json"}
HEADLINE = (("Trig-I", "micro"), ("Trig-C", "micro"), ("Arg-I", "micro"), ("Arg-C", "micro"))


def read(data_dir: Path, split: str = "dev") -> list[GoldDocument]:
    """Every sentence of ``data_time_place/val.json`` as a document with its events, in file order."""
    with (data_dir / "data_time_place" / FILES[split]).open(encoding="utf-8") as handle:
        return [_document(json.loads(line)) for line in handle if line.strip()]


score = partial(score_extractions, near_gold_only=True)  # judged at the annotated triggers only (above)


def _document(sentence: dict) -> GoldDocument:
    text, spans = detokenize(sentence["tokens"])
    mentions = {m["id"]: token_range(spans, m["start"], m["end"]) for m in sentence["entity_mentions"]}
    events = []
    for event in sentence["event_mentions"]:
        trigger = token_range(spans, event["trigger"]["start"], event["trigger"]["end"])
        arguments = tuple(
            GoldArgument(a["role"], GENEVA_ROLES[a["role"].lower()], (mentions[a["entity_id"]],), a["text"])
            for a in event["arguments"] if a["role"].lower() in GENEVA_ROLES and a["entity_id"] in mentions
        )
        events.append(GoldEvent(GENEVA_TYPES.get(event["event_type"]), trigger, text[slice(*trigger)], arguments))
    return GoldDocument(article=Article(id=f"{sentence['doc_id']}/{sentence['wnd_id']}", text=text), events=events)
