"""The writer's claims (graph/writer_state.py; graph/entity_graph.py, claims_from_json): kept in the process across
openings of one folder until another process writes, read back from the stored extraction as they were put (long
mentions the stored form leaves out included), and what another writer and a reresolve make of them is the entity
graph the puts made. The wire reports and the store built from them are tests/resolution_fixtures.py's."""

from __future__ import annotations

import pytest

from extract.model import Article
from graph.rdf import article_rdf
from graph.store import EventStore
from tests.resolution_fixtures import build, quads
from tests.scale_fixtures import EVENTKG


def test_the_writer_keeps_the_claims_across_openings_until_another_process_writes(reports, tmp_path):
    import subprocess

    from graph.store import open_store

    path = tmp_path / "kg"
    with open_store(path) as kg:
        for i in (0, 1):
            kg.put(article_rdf(reports[i][0], reports[i][1], kg.iris))
        state = kg._writer.entities()
    with open_store(path) as kg:  # as the HTTP API does for each write: the claims are not read again
        assert kg._writer.entities() is state
        kg.put(article_rdf(reports[2][0], reports[2][1], kg.iris))
    delete = subprocess.run([EVENTKG, "delete", "wire-2", "--store", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert delete.returncode == 0, delete.stderr
    with open_store(path) as kg:  # another process wrote: the kept claims (with wire-2's) are not used
        assert kg._writer.entities() is not state
        kg.delete_article("wire-3")
        assert quads(kg) == quads(build(reports, [0]))


LONG_NAME = "Revolutionary Armed Forces of Colombia People Army"  # 50 characters: the stored form leaves its text out
FARC_TEXT = f"The {LONG_NAME} (FARC) attacked a town. FARC said so."
# extraction_json's form of a FARC entity whose long mention has no text (as every version so far wrote it): stores
# written before claims were read with the article text must give the same claims
FARC_STORED = ('{"article":{"title":null,"published":null,"url":null,"publisher":null,"language":"en"},"id":"a1",'
               '"entities":[{"id":"organization/farc","label":"FARC","type":"Organization","aliases":[],"mentions":'
               '[{"start":4,"end":54},{"text":"FARC","start":56,"end":60}],"references":[],"country":null,'
               '"latitude":null,"longitude":null,"geonames_id":null,"description":null}],"events":[],"relations":[],'
               '"extractor":"eventkg","extractor_version":"0.1.0"}')


def test_claims_read_back_from_the_stored_extraction_are_the_claims_it_was_put_with():
    from extract.model import Entity, Extraction, Span
    from graph.claims import claims_of
    from graph.entity_graph import claims_from_json
    from graph.stored_extraction import extraction_json

    start, farc = FARC_TEXT.index(LONG_NAME), FARC_TEXT.index("FARC)")
    entity = Entity("organization/farc", "FARC", "Organization",
                    mentions=[Span(LONG_NAME, start, start + len(LONG_NAME)), Span("FARC", farc, farc + 4)])
    article, extraction = Article(id="a1", text=FARC_TEXT), Extraction(id="a1", entities=[entity])
    put = article_rdf(article, extraction, EventStore(None).iris).claims  # what a fresh put resolves with
    assert put == claims_of("a1", extraction) and put[0].aliases == (LONG_NAME,)
    stored = extraction_json(article, extraction)
    assert LONG_NAME not in stored  # the stored form stays small: the text gives the long mention
    assert claims_from_json("a1", stored, FARC_TEXT) == put
    assert claims_from_json("a1", FARC_STORED, FARC_TEXT) == put


WRAPPED_NAME = "Popular Liberation Front of the Southern\nHighlands"  # a wire story's hard-wrapped line: 50 characters


@pytest.fixture(scope="module")
def highlands(extractor) -> list[tuple[Article, object]]:
    """A long-named organisation by its long name in two articles (once across a line break, still one name) and by
    a shorter name in a third; a long unnamed actor in a fourth."""
    texts = {
        "highlands-raid": f"Fighters of the {WRAPPED_NAME} attacked a police station in Huancayo on Monday,\nkilling "
                          "three officers. The Popular Liberation Front later\nclaimed the attack.",
        "highlands-pipeline": "The Popular Liberation Front of the Southern Highlands bombed a pipeline near Cusco on "
                              "Friday.",
        "front-ambush": "The Popular Liberation Front ambushed an army patrol in Ayacucho on Tuesday, killing two "
                        "soldiers, the army said.",
        "bank-raid": "The several hundred heavily armed masked Islamist gunmen attacked a bank in Jauja on Sunday.",
    }
    articles = [Article(id=k, text=t, published="2021-05-04") for k, t in texts.items()]
    return list(zip(articles, extractor.extract_many(articles)))


def test_another_writer_and_reresolve_keep_the_entity_graph_of_long_mentions(highlands, tmp_path):
    import subprocess

    from graph.store import open_store

    entities = [e for i in (0, 3) for e in highlands[i][1].entities]
    cut = {m.text for e in entities for m in e.mentions if len(m.text) > 40 and m.text != e.label}
    assert cut == {WRAPPED_NAME, "The several hundred heavily armed masked Islamist gunmen"}
    assert not cut & {a for e in entities for a in e.aliases}  # only the mentions give these aliases
    path = tmp_path / "kg"
    with open_store(path) as kg:
        for article, extraction in highlands:
            kg.put(article_rdf(article, extraction, kg.iris))
        written = set(quads(kg))
    # a long mention gives an alias; the wrapped name is one name, its line break a space (extract.model.name_text),
    # so it is its entity's label and no alias
    assert any('"The several hundred heavily armed masked Islamist gunmen"' in q and "altLabel" in q for q in written)
    assert any(f'"{" ".join(WRAPPED_NAME.split())}"' in q and "#label" in q for q in written)
    assert not any(WRAPPED_NAME.replace("\n", "\\n") in q and "altLabel" in q for q in written)
    # another process reads every claim from the store; its delete takes the aliases only that article gave
    delete = subprocess.run([EVENTKG, "delete", "highlands-raid",
                             "--store", str(path)], capture_output=True, text=True, timeout=120)
    assert delete.returncode == 0, delete.stderr
    with open_store(path) as kg:
        assert set(quads(kg)) == set(quads(build(highlands, [1, 2, 3])))
        kg.put(article_rdf(*highlands[0], kg.iris))
        assert set(quads(kg)) == written
        assert not kg.reresolve()  # the claims read back from the store make the graph the puts made
        assert set(quads(kg)) == written
