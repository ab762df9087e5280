"""Text as it really arrives (extract/prepare.py through the real pipeline): wire text in capitals, hard-wrapped lines,
boilerplate, captions and datelines. Every text here was written for the test."""

from __future__ import annotations

import pytest

from extract.model import Article, Extraction
from extract.pipeline import Extractor, build_nlp
from extract.prepare import Preparer
from tests.extraction_checks import assert_offsets_hold


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="module")
def prepare() -> Preparer:
    return Preparer(build_nlp())


def run(extractor: Extractor, text: str) -> Extraction:
    return extractor.extract(Article(id="t", text=text, published="2021-05-04"))


CAPITALS = ("REBELS OF THE FMLN ATTACKED A COFFEE PLANTATION NEAR SAN SALVADOR ON MONDAY. A WITNESS SAID THE ATTACK "
            "IS THE THIRD THIS MONTH AND THAT THE ARMY IS SEARCHING THE AREA.")


def test_wire_text_in_capitals_reads_like_mixed_case(extractor):
    x = run(extractor, CAPITALS)
    assert_offsets_hold(x, CAPITALS)
    labels = {e.label for e in x.entities}
    assert "organization/isis" not in {e.id for e in x.entities}  # the verb "IS"
    assert not {"ATTACK", "COFFEE", "WITNESS", "Attack", "Coffee", "Witness"} & labels
    attack = next(ev for ev in x.events if ev.trigger.text == "ATTACKED")
    assert attack.type == "Attack"
    assert {a.text for a in attack.args("place")} == {"SAN SALVADOR"}
    assert any(e.label == "San Salvador" and e.type == "Place" for e in x.entities)


def test_text_without_capitals_is_true_cased(prepare):
    text = "guerrillas attacked the town of flores in guatemala. the army said it is searching the area."
    prepared = prepare(text)
    assert len(prepared) == len(text)
    assert prepared.startswith("Guerrillas attacked") and "Guatemala. The army" in prepared and " is " in prepared


def test_a_line_break_inside_a_sentence_does_not_start_one(extractor, prepare):
    text = ("Gunmen opened fire on a crowded market in the northern town of\nKano on Friday, killing at least twelve\n"
            "people, police said. The attack was the third this month in the\nregion, residents said.\n\n"
            "Curfew\n- Soldiers patrolled the streets on Saturday.")
    prepared = prepare(text)
    assert "town of Kano" in prepared.replace("of\nKano", "of Kano") and "of\nKano" not in prepared
    assert "\n\nCurfew\n- Soldiers" in prepared  # blank lines, headlines and list items keep their breaks
    x = run(extractor, text)
    assert_offsets_hold(x, text)
    attack = next(ev for ev in x.events if ev.trigger.text == "opened")
    assert attack.sentence.text.startswith("Gunmen") and attack.sentence.text.endswith("police said.")
    assert any(e.label == "Kano" for e in x.entities)


def test_boilerplate_bylines_and_caption_labels_stay_out_of_sentences(extractor):
    text = ("Militants Storm Police Post In Northern Province\nBy Jane Doe and Omar Haddad\nAdvertisement\n"
            "Militants stormed a police post in the north on Tuesday, killing three officers, officials said.\n"
            "FILE - Police officers guard a checkpoint after an earlier attack. (AP Photo/Sam Smith)\n"
            "Read more: Police arrest two men after the bombing of a bus station\n")
    x = run(extractor, text)
    assert_offsets_hold(x, text)
    labels = {e.label for e in x.entities}
    assert not {"Jane Doe", "Omar Haddad", "Advertisement", "Sam Smith", "FILE"} & labels
    assert not any(e.type == "Organization" and "Storm" in e.label for e in x.entities)  # the headline is no name
    storming = next(ev for ev in x.events if ev.trigger.text == "stormed")
    assert storming.sentence.text.startswith("Militants stormed")
    arrest = next(ev for ev in x.events if ev.trigger.text == "arrest")  # a link's text is still read
    assert arrest.sentence.text.startswith("Police arrest")


def test_a_dateline_glued_to_the_headline_is_set_apart(extractor):
    text = "Gunmen Kill Five At Wedding In Kabul KABUL, Afghanistan (AP) — Gunmen killed five guests at a wedding."
    x = run(extractor, text)
    assert_offsets_hold(x, text)
    killing = next(ev for ev in x.events if ev.trigger.text == "killed")
    assert killing.sentence.text == "Gunmen killed five guests at a wedding."
