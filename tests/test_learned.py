"""The learned layer: the shipped model as the extractor applies it, and the cross-validation that measures it.

Training is never run here (``make train`` builds the model file); these tests load the committed model.
"""

from __future__ import annotations

import pytest

from extract.evaluation import DATASETS
from extract.learned import MODEL_PATH, load_model
from extract.learned.fitting import folds
from extract.learned.labels import Document, group_of
from extract.learned.linear import LearnedModel
from extract.learned.train import training_documents
from extract.model import Article


@pytest.fixture(scope="module")
def extractor():
    from extract.pipeline import Extractor

    return Extractor()


def events_of(extractor, text: str):
    return extractor.extract(Article(id="t", text=text)).events


def test_a_clear_attack_is_kept_with_its_arguments(extractor):
    (attack,) = events_of(extractor, "Gunmen attacked a police station in Kabul on Monday.")
    assert attack.type == "Attack" and attack.trigger.text == "attacked"
    assert {(a.role, a.text) for a in attack.arguments} >= {("agent", "Gunmen"), ("target", "a police station")}


def test_a_figurative_attack_is_not_an_event(extractor):
    # The rule stage drops it (an abstract object); the model alone would not: the shared data holds almost no
    # figurative attacks to learn from (docs/evaluation.md, Model choice).
    assert events_of(extractor, "The senator attacked the proposal.") == []


def test_confidences_are_the_models_probabilities(extractor):
    text = ("Gunmen attacked a police station in Kabul on Monday, killing two officers. "
            "The attack was the third this month. Police arrested a suspect.")
    events = events_of(extractor, text)
    assert len(events) >= 3
    confidences = [e.confidence for e in events]
    assert len(set(confidences)) > 1, confidences
    assert all(0.0 < c < 1.0 for c in confidences)


def test_the_model_file_loads_the_same_every_time(tmp_path):
    first = LearnedModel.load(MODEL_PATH)
    assert LearnedModel.load(MODEL_PATH) == first == load_model()
    copy = tmp_path / "copy.json"
    first.save(copy)
    assert copy.read_bytes() == MODEL_PATH.read_bytes()
    assert MODEL_PATH.stat().st_size < 3_000_000


def test_cross_validation_never_trains_on_a_held_out_document(shared_dir):
    golds = DATASETS["rams"].read(shared_dir / "data" / "rams")
    documents = [Document(("rams", "dev"), f"rams:{group_of(g)}") for g in golds]
    documents += [Document(("wikievents", "dev"), f"wikievents:w{n}") for n in range(5)]
    assignment = folds((d.group for d in documents if d.source == ("rams", "dev")), 5)
    seen_in_test = set()
    for fold in range(5):
        train = {d.group for d in training_documents(documents, ("rams", "dev"), assignment, fold)}
        test = {d.group for d in documents if d.source == ("rams", "dev") and assignment[d.group] == fold}
        assert test and not train & test
        assert {f"wikievents:w{n}" for n in range(5)} <= train
        seen_in_test |= test
    assert seen_in_test == set(assignment)  # every document is scored once
    assert len(set(assignment)) < len(golds)  # windows of one article are one group
