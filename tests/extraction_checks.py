"""What the extraction tests check alike (tests/test_extract.py, tests/test_prepare.py): every span of an extraction
is the text at its offsets in the article."""

from __future__ import annotations

from extract.model import Extraction


def assert_offsets_hold(x: Extraction, text: str) -> None:
    for e in x.entities:
        assert all(text[m.start:m.end] == m.text for m in e.mentions)
    for ev in x.events:
        assert text[ev.trigger.start:ev.trigger.end] == ev.trigger.text
        assert text[ev.sentence.start:ev.sentence.end] == ev.sentence.text
        assert all(text[a.start:a.end] == a.text for a in ev.arguments)
