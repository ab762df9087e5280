"""The evaluation instrument: readers, the scorer's matching rules, the CLI, and the regression guard on the dev splits.

The scorer tests build extractions by hand (gold turned into predictions, then spoiled on purpose); the regression test
runs the real extractor over the recorded dev subsets and fails when a headline F1 drops more than 2 points.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from extract.evaluation import DATASETS, TOLERANCE, evaluate, folder, load_recorded, regressions
from extract.evaluation.mappings import GVDB_VICTIM_OUTCOMES, OUR_CLASSES
from extract.evaluation.forms import GoldArgument, GoldDocument, GoldEvent, GoldRelation
from extract.evaluation.textmap import QUOTE_TOKENS, detokenize
from extract.model import Argument, Article, Entity, Event, Extraction, Relation, Span, TimeValue

OUR_TYPE = {cls: our for our, cls in reversed(list(OUR_CLASSES.items()))}  # one of our types per class
SLOT_EVENTS = {  # a filler of this slot, written as (our event type, our role)
    "shooter": ("Attack", "agent"),
    "perpetrator": ("Attack", "agent"),
    "victim": ("Attack", "victim"),
    "victim killed": ("Killing", "victim"),
    "victim injured": ("Injury", "victim"),
    "target": ("Attack", "target"),
    "weapon": ("Attack", "instrument"),
    "place": ("Attack", "place"),
}


def span(text: str, part: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def oracle(gold: GoldDocument) -> Extraction:
    """The gold written as an extraction: a perfect extractor's output."""
    text = gold.article.text
    entities: dict[str, Entity] = {}

    def entity(start: int, end: int) -> str:
        key = f"person/{text[start:end].lower()}"
        mention = Span(text[start:end], start, end)
        entities.setdefault(key, Entity(key, mention.text, "Person")).mentions.append(mention)
        return key

    def event(type_: str, trigger: tuple[int, int], arguments: list[Argument]) -> Event:
        sentence = Span(text, 0, len(text))
        trigger_span = Span(text[slice(*trigger)], *trigger)
        return Event(f"ev{len(events) + 1}", type_, "asserted", trigger_span, sentence, arguments)

    events: list[Event] = []
    for g in gold.events:
        if g.cls:
            arguments = [Argument(sorted(a.roles)[0], a.text, *a.mentions[0]) for a in g.arguments]
            events.append(event(OUR_TYPE[g.cls], g.trigger, arguments))
    for f in gold.fillers:
        start, end = f.mentions[0]
        if f.slot == "time":
            events.append(event("Attack", (0, 1), []))
            events[-1].time = TimeValue(f.text, None)
            continue
        type_, role = SLOT_EVENTS[f.slot]
        events.append(event(type_, (0, 1), [Argument(role, f.text, start, end, entity(start, end))]))
    events += [event(OUR_TYPE[cls], (0, 1), []) for cls in gold.classes]
    relations = [Relation(entity(*r.head[0]), r.predicate, entity(*r.tail[0])) for r in gold.relations]
    for n, cluster in enumerate(getattr(gold, "clusters", ())):  # coreference gold: one entity per cluster
        key = f"person/cluster-{n}"
        spans = sorted(gold.mentions[m] for m in cluster)
        entities[key] = Entity(key, key, "Person", mentions=[Span(text[slice(*s)], *s) for s in spans])
    return Extraction(gold.article.id, list(entities.values()), events, relations)


def score_of(dataset: str, pairs):
    return DATASETS[dataset].score(pairs)


@pytest.fixture(scope="session")
def data(shared_dir):
    return shared_dir / "data"


@pytest.fixture(scope="session")
def extractor():
    from extract.pipeline import Extractor

    return Extractor()


# --- readers: the text the extractor reads and the gold offsets agree ------------------------------------------------


def test_wikievents_tokens_map_onto_the_text(data):
    raw = [json.loads(line) for line in (data / "wikievents" / "dev.jsonl").open()]
    golds = DATASETS["wikievents"].read(data / "wikievents")
    for doc, gold in zip(raw, golds, strict=True):
        text = gold.article.text
        for event, gold_event in zip(doc["event_mentions"], gold.events, strict=True):
            assert text[slice(*gold_event.trigger)] == event["trigger"]["text"]
    assert "Roadside IED kills Russian major general in Syria\n" in golds[0].article.text


def test_detokenized_tokens_map_onto_the_text():
    tokens = ["``", "He", "was", "n't", "there", ",", "''", "said", "O", "'Brien", "(", "AP", ")", "."]
    text, spans = detokenize(tokens)
    assert text == "\"He wasn't there,\" said O 'Brien (AP)."
    assert [text[s:e] for s, e in spans] == [QUOTE_TOKENS.get(t, t) for t in tokens]


def test_rams_and_conll04_gold_spans_are_the_annotated_tokens(data):
    window = json.loads((data / "rams" / "dev.jsonlines").open().readline())
    (gold,) = DATASETS["rams"].read(data / "rams")[:1]
    tokens = [t for sentence in window["sentences"] for t in sentence]
    start, end = window["evt_triggers"][0][:2]
    assert gold.article.text[slice(*gold.events[0].trigger)] == " ".join(tokens[start : end + 1])
    booth = DATASETS["conll04"].read(data / "conll04")[0]
    assert [r.text for r in booth.relations] == ["John Wilkes Booth -> President Lincoln"]


# --- the scorer ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_gold_scored_against_itself_is_100(dataset, data):
    golds = DATASETS[dataset].read(data / folder(dataset))
    score = score_of(dataset, [(gold, oracle(gold)) for gold in golds])
    for (metric, group), counts in score.counts.items():
        if metric == "Incident":  # the oracle has no way to say "no incident of a mapped type" for kidnappings
            assert counts.recall == 100, (metric, group)
        else:
            assert (counts.precision, counts.recall, counts.f1) == (100, 100, 100), (metric, group, counts)
    assert score.counts, "nothing was scored"


ATTACK_TEXT = "A general was killed when insurgents bombed his convoy. Vyacheslav Gladkikh died in Syria."


def attack_gold() -> GoldDocument:
    text = ATTACK_TEXT
    mentions = (span(text, "general"), span(text, "Vyacheslav Gladkikh"))
    general = GoldArgument("Victim", frozenset({"victim"}), mentions, "general")
    killed = GoldEvent("Killing/Death", span(text, "killed"), "killed", (general,))
    bombed = GoldEvent("Attack", span(text, "bombed"), "bombed", ())
    return GoldDocument(Article("a", text), events=[killed, bombed])


def extraction_with(*events: tuple[str, str, list[tuple[str, str]]]) -> Extraction:
    """Events given as (our type, trigger word, [(role, argument words)])."""
    text = ATTACK_TEXT
    whole = Span(text, 0, len(text))
    return Extraction(
        "a",
        events=[
            Event(f"ev{i}", type_, "asserted", Span(word, *span(text, word)), whole,
                  [Argument(role, part, *span(text, part)) for role, part in args])
            for i, (type_, word, args) in enumerate(events, 1)
        ],
    )


def test_a_wrong_type_misses_trig_c_but_hits_trig_i():
    score = score_of("wikievents", [(attack_gold(), extraction_with(("Injury", "killed", [])))])
    assert score.get("Trig-I").recall == 50 and score.get("Trig-I").precision == 100
    assert score.get("Trig-C").f1 == 0
    assert score.misses["trigger Killing/Death"]["killed"] == 1


def test_killing_and_death_are_one_class_and_unmapped_types_are_ignored():
    predicted = extraction_with(("Death", "killed", []), ("Statement", "died", []), ("Attack", "bombed", []))
    score = score_of("wikievents", [(attack_gold(), predicted)])
    assert (score.get("Trig-C").n_pred, score.get("Trig-C").f1) == (2, 100)


def test_triggers_match_by_overlap_one_to_one():
    gold = attack_gold()
    adjacent = extraction_with(("Attack", "insurgents", []))  # ends where "bombed" starts minus a space: no overlap
    assert score_of("wikievents", [(gold, adjacent)]).get("Trig-I").hit_pred == 0
    wider = extraction_with(("Attack", "insurgents bombed", []))
    assert score_of("wikievents", [(gold, wider)]).get("Trig-C").hit_pred == 1
    twice = extraction_with(("Attack", "bombed", []), ("Attack", "bombed his", []))
    counts = score_of("wikievents", [(gold, twice)]).get("Trig-C", "Attack")
    assert (counts.n_pred, counts.hit_pred, counts.hit_gold) == (2, 1, 1)


def test_arguments_match_any_coreferent_mention_and_need_the_role():
    by_name = extraction_with(("Killing", "killed", [("victim", "Vyacheslav Gladkikh")]))
    score = score_of("wikievents", [(attack_gold(), by_name)])
    assert score.get("Arg-C").f1 == 100
    wrong_role = extraction_with(("Killing", "killed", [("agent", "Vyacheslav Gladkikh")]))
    score = score_of("wikievents", [(attack_gold(), wrong_role)])
    assert (score.get("Arg-I").f1, score.get("Arg-C").f1) == (100, 0)
    elsewhere = extraction_with(("Killing", "killed", [("victim", "insurgents")]))
    score = score_of("wikievents", [(attack_gold(), elsewhere)])
    assert (score.get("Arg-I").precision, score.get("Arg-I").recall) == (0, 0)
    assert score.misses["argument Killing/Death/Victim"]["general"] == 1


def test_arguments_of_a_wrongly_typed_event_count_for_arg_i_only():
    typed_wrong = extraction_with(("Injury", "killed", [("victim", "general")]))
    score = score_of("wikievents", [(attack_gold(), typed_wrong)])
    assert (score.get("Arg-I").f1, score.get("Arg-C").f1) == (100, 0)


def conll_pair(subject: str, object_: str) -> tuple[GoldDocument, Extraction]:
    text = "John Wilkes Booth, who assassinated President Lincoln, was an actor."
    kill = GoldRelation("killed", (span(text, "John Wilkes Booth"),), (span(text, "President Lincoln"),), "")
    gold = GoldDocument(Article("s", text), relations=[kill])
    people = [Entity(f"person/{n}", n, "Person", mentions=[Span(n, *span(text, n))]) for n in ("Booth", "Lincoln")]
    relation = Relation(f"person/{subject}", "killed", f"person/{object_}")
    return gold, Extraction("s", entities=people, relations=[relation])


def test_conll04_kill_keeps_the_direction():
    assert score_of("conll04", [conll_pair("Booth", "Lincoln")]).get("Relation", "killed").f1 == 100
    reversed_kill = score_of("conll04", [conll_pair("Lincoln", "Booth")]).get("Relation", "killed")
    assert (reversed_kill.n_pred, reversed_kill.hit_pred, reversed_kill.n_gold, reversed_kill.hit_gold) == (1, 0, 1, 0)


def test_gvdb_victim_outcomes_follow_the_event_class(data):
    (gold,) = [g for g in DATASETS["gvdb"].read(data / "gvdb") if any(f.slot == "victim killed" for f in g.fillers)][:1]
    victim = next(f for f in gold.fillers if f.slot == "victim killed")
    injured_only = oracle(GoldDocument(gold.article, fillers=[f for f in gold.fillers if f.slot == "victim"]))
    for event in injured_only.events:
        event.type = next(our for our, cls in OUR_CLASSES.items() if cls == "Injury")
    score = score_of("gvdb", [(gold, injured_only)])
    assert score.get("Slot", GVDB_VICTIM_OUTCOMES["Killing/Death"]).hit_gold == 0
    assert score.misses["Slot victim killed"][victim.text.lower()] == 1


def test_regressions_name_the_scores_that_dropped():
    recorded = {"headline": {"Trig-C micro": 66.0, "Arg-C micro": 41.0}}
    assert regressions({"headline": {"Trig-C micro": 64.5, "Arg-C micro": 38.9}}, recorded) == [
        f"Arg-C micro: 38.90 < recorded 41.00 - {TOLERANCE}"
    ]


# --- the command line and the real extractor ------------------------------------------------------------------------


def test_eval_command_reports_json_and_rejects_bad_input(data, tmp_path):
    runner = CliRunner()
    out = tmp_path / "conll04.json"
    args = ["eval", "--dataset", "conll04", "--data-dir", str(data / "conll04"), "--limit", "5", "--format", "json"]
    result = runner.invoke(app, [*args, "--output", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["documents"] == 5 and "Relation killed" in report["headline"]
    bad = runner.invoke(app, ["eval", "--dataset", "ace05"])
    assert bad.exit_code == 2 and "unknown dataset 'ace05'" in bad.output
    missing = runner.invoke(app, ["eval", "--dataset", "rams", "--data-dir", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "not found" in missing.output
    test_split = runner.invoke(app, ["eval", "--dataset", "wikievents", "--split", "test"])
    assert test_split.exit_code == 2 and "test splits are not here" in test_split.output
    cv_subset = runner.invoke(app, [*args[:5], "--cv", "5", "--limit", "5"])
    assert cv_subset.exit_code == 2 and "--cv scores every document" in cv_subset.output


RECORDED = load_recorded()


@pytest.mark.parametrize("dataset", sorted(RECORDED))
def test_dev_scores_do_not_drop_below_the_recorded_ones(dataset, data, extractor):
    recorded = RECORDED[dataset]
    result = evaluate(dataset, data / folder(dataset), extractor, split=recorded["split"], limit=recorded["limit"])
    assert result["documents"] == recorded["documents"]
    limit = f" --limit {recorded['limit']}" if recorded["limit"] else ""
    command = f"eventkg eval --dataset {dataset} --data-dir ../shared/data/{folder(dataset)}{limit} --record"
    assert regressions(result, recorded) == [], f"if the drop is intended, re-record with: {command}"


def test_the_target_datasets_are_guarded_on_their_whole_dev_split():
    for dataset in ("wikievents", "conll04"):
        assert RECORDED[dataset]["split"] == "dev" and RECORDED[dataset]["limit"] is None
    assert set(RECORDED) == set(DATASETS)
