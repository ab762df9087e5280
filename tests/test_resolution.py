"""Entities resolved across articles (graph/resolution.py, graph/entity_graph.py, the store's write path): one IRI per
real-world entity whatever the name form, independent of ingest order, undone by a delete, explained by merge records
and overridable by a curator; the rules on claims alone; incidents and what article-local actors belong to. The
fixture (tests/resolution_fixtures.py) is three wire reports of one attack in Homs, in different words and name forms,
run through the real extractor. The writer's claims across openings and processes: tests/test_writer_claims.py."""

from __future__ import annotations

from rdflib import URIRef

from extract.model import Article
from graph.claims import Claim
from graph.namespaces import EKG
from graph.rdf import article_rdf
from graph.resolution import Overrides, resolve
from graph.store import EventStore
from graph.terms import sparql_term
from tests.resolution_fixtures import build, quads


def canonical(kg: EventStore, key: str) -> str | None:
    """The entity a claim with this extractor key is about."""
    rows = list(kg.select(f"SELECT DISTINCT ?e WHERE {{ ?c ekg:key {sparql_term_literal(key)} ; ekg:about ?e }}"))
    assert len(rows) <= 1, rows
    return kg.iris.key_of(rows[0]["e"].value) if rows else None


def sparql_term_literal(text: str) -> str:
    from rdflib import Literal

    return sparql_term(Literal(text))


def test_ingest_order_makes_no_difference(reports):
    forward, backward = build(reports, [0, 1, 2]), build(reports, [2, 1, 0])
    assert quads(forward) == quads(backward)
    assert quads(build(reports, [1, 2, 0])) == quads(forward)


def test_deleting_an_article_leaves_the_store_as_if_it_had_never_been_ingested(reports):
    kg = build(reports, [0, 1, 2])
    assert kg.delete_article("wire-2")
    assert quads(kg) == quads(build(reports, [0, 2]))
    assert kg.delete_article("wire-1") and kg.delete_article("wire-3")
    assert quads(kg) == quads(EventStore(None))


def test_each_actor_is_one_node_whatever_the_name_form(reports):
    kg = build(reports, [0, 1, 2])
    # Bashar al-Assad / Bashar Assad / "Assad", Donald Trump / Trump, Free Syrian Army / FSA, Homs (an ORG to spaCy once)
    assert {canonical(kg, k) for k in ("person/bashar-al-assad", "person/bashar-assad", "person/assad")} == {
        "person/bashar-al-assad"}
    assert {canonical(kg, k) for k in ("person/donald-trump", "person/trump")} == {"person/donald-trump"}
    assert {canonical(kg, k) for k in ("organization/free-syrian-army", "organization/fsa")} == {
        "organization/free-syrian-army"}
    assert canonical(kg, "organization/homs") == "place/geonames-169577"
    # one type, one label each; the other keys are owl:sameAs aliases of the canonical IRI
    assad = kg.iris.entity("person/bashar-al-assad")
    rows = list(kg.select(f"SELECT ?t ?l WHERE {{ GRAPH {sparql_term(kg.iris.entities_graph)} "
                          f"{{ {sparql_term(assad)} a ?t ; rdfs:label ?l }} }}"))
    assert [(r["t"].value.rsplit("#")[-1], r["l"].value) for r in rows] == [("Person", "Bashar al-Assad")]
    same = {r["o"].value for r in kg.select(f"SELECT ?o WHERE {{ {sparql_term(assad)} owl:sameAs ?o }}")}
    assert {str(kg.iris.entity("person/assad")), str(kg.iris.entity("person/bashar-assad"))} <= same
    # every merge says why, with a score
    reasons = {(r["k"].value, r["why"].value) for r in kg.select(
        "SELECT ?k ?why WHERE { ?m a ekg:Merge ; ekg:key ?k ; ekg:reason ?why ; ekg:score ?s }")}
    assert ("person/assad", "surname") in reasons and ("organization/fsa", "acronym") in reasons
    # all three articles' attacks now share their target
    target = sparql_term(kg.iris.entity("organization/free-syrian-army"))
    attacks = list(kg.select(f"SELECT DISTINCT ?a WHERE {{ ?e a ekg:Attack ; ekg:target {target} ; "
                             "prov:wasDerivedFrom ?a }"))
    assert len(attacks) == 3


def test_a_new_article_can_change_a_canonical_iri_and_older_articles_follow(reports):
    kg = build(reports, [1])  # only "Bashar Assad" and "Trump"
    assert canonical(kg, "person/trump") == "person/trump"
    article, extraction = reports[0]
    kg.put(article_rdf(article, extraction, kg.iris))  # brings "Donald Trump"
    assert canonical(kg, "person/trump") == "person/donald-trump"
    old = sparql_term(kg.iris.entity("person/trump"))
    assert not list(kg.select(f"SELECT ?p WHERE {{ GRAPH ?g {{ ?s ?p {old} }} FILTER(?p != owl:sameAs) }}"))


def test_a_curator_split_and_merge_override_the_rules_and_survive_a_reingest(reports):
    kg = build(reports, [0, 1, 2])
    kg.curate("split", ("person/assad",))
    assert canonical(kg, "person/assad") == "person/assad"
    article, extraction = reports[2]
    extraction.extractor_version += "+reingest"
    try:
        assert kg.put(article_rdf(article, extraction, kg.iris)) == "updated"
    finally:
        extraction.extractor_version = extraction.extractor_version.removesuffix("+reingest")
    assert canonical(kg, "person/assad") == "person/assad"
    kg.curate("split", ("person/assad",), undo=True)
    assert canonical(kg, "person/assad") == "person/bashar-al-assad"
    kg.curate("merge", ("organization/associated-press", "person/donald-trump"))
    assert canonical(kg, "organization/associated-press") == canonical(kg, "person/trump")
    rows = list(kg.select("SELECT ?k WHERE { ?m ekg:reason 'curator' ; ekg:key ?k }"))
    assert {r["k"].value for r in rows} == {"organization/associated-press", "person/donald-trump"}


def claim(article, key, etype, label, **extra) -> Claim:
    return Claim(article, key, etype, label, **extra)


def test_a_surname_shared_by_two_people_stays_apart_and_a_town_does_not_take_a_president():
    clusters = resolve([
        claim("a", "person/barack-obama", "Person", "Barack Obama"),
        claim("b", "person/michelle-obama", "Person", "Michelle Obama"),
        claim("c", "person/obama", "Person", "Obama"),
    ])
    assert [c.members for c in clusters] == [("person/barack-obama",), ("person/michelle-obama",), ("person/obama",)]
    clusters = resolve([
        claim("a", "person/barack-obama", "Person", "Barack Obama"),
        claim("b", "organization/obama", "Organization", "-President Obama"),
        claim("c", "place/geonames-1854987", "Place", "Obama", geonames_id=1854987, country="Japan",
              latitude=35.5, longitude=135.7),
        claim("d", "person/obama", "Person", "President Obama"),
    ])
    (obama,) = clusters
    assert (obama.canonical, obama.type, obama.geonames_id, obama.latitude) == ("person/barack-obama", "Person", None,
                                                                                  None)


def members(clusters) -> list[tuple[str, ...]]:
    return sorted(c.members for c in clusters)


def test_a_surname_alone_respects_titles_given_names_and_what_one_article_kept_apart():
    romeros = [
        # one article names the archbishop and a general Romero: two people, whatever other articles say
        claim("a", "person/arnulfo-romero", "Person", "Arnulfo Romero", aliases=("Romero",)),
        claim("a", "person/gen-romero", "Person", "Gen. Romero"),
        claim("b", "person/msgr-romero", "Person", "Msgr Romero"),  # a cleric: the archbishop, never the general
        claim("c", "person/romero", "Person", "Romero"),
    ]
    assert members(resolve(romeros)) == [("person/arnulfo-romero", "person/msgr-romero"),
                                         ("person/gen-romero", "person/romero")]
    # "Elena" is a given name: not the surname of "Maria Elena"; "Cristiani" is a surname, of one person here
    clusters = resolve([claim("a", "person/maria-elena", "Person", "Maria Elena"),
                        claim("b", "organization/elena", "Organization", "Elena"),
                        claim("c", "person/alfredo-cristiani", "Person", "Alfredo Cristiani"),
                        claim("d", "organization/cristiani", "Organization", "Cristiani")])
    assert members(clusters) == [("organization/cristiani", "person/alfredo-cristiani"), ("organization/elena",),
                                 ("person/maria-elena",)]
    # an organisation something marks as one (a description, an acronym) is nobody's surname
    assert len(resolve([claim("a", "person/juan-arce", "Person", "Juan Arce"),
                        claim("b", "organization/arce", "Organization", "Arce", description="armed group")])) == 2


def test_names_that_differ_by_a_middle_name_or_second_surname_are_one_person_when_unique():
    escobar = [claim("a", "organization/pablo-escobar-gaviria", "Organization", "Pablo Escobar Gaviria"),
               claim("b", "person/pablo-escobar", "Person", "Pablo Escobar"),
               claim("c", "person/escobar", "Person", "Escobar"),
               claim("d", "person/escobar-gaviria", "Person", "Escobar Gaviria")]
    (pablo,) = resolve(escobar)
    assert {m.reason for m in pablo.merges} == {"middle name", "surname"} and pablo.type == "Person"
    # "Gaviria" alone is the second surname of Escobar and the first of Cesar Gaviria Trujillo: it stays apart
    clusters = resolve([*escobar, claim("e", "person/gaviria", "Person", "Gaviria"),
                        claim("f", "person/cesar-gaviria-trujillo", "Person", "Cesar Gaviria Trujillo")])
    assert ("person/gaviria",) in members(clusters) and len(clusters) == 3
    # two people the short name fits: it joins neither
    clusters = resolve([claim("a", "person/pablo-escobar-gaviria", "Person", "Pablo Escobar Gaviria"),
                        claim("b", "person/pablo-escobar-lopez", "Person", "Pablo Escobar Lopez"),
                        claim("c", "person/pablo-escobar", "Person", "Pablo Escobar")])
    assert len(clusters) == 3


def test_type_label_and_coordinates_come_from_the_majority_not_the_first_article():
    claims = [claim(a, "organization/trump", "Organization", "Trump") for a in "ab"]
    claims += [claim(a, "person/donald-trump", "Person", "Donald Trump") for a in "cde"]
    (trump,) = resolve(claims)
    assert (trump.canonical, trump.type, trump.label) == ("person/donald-trump", "Person", "Donald Trump")
    places = [claim("a", "place/x", "Place", "Guatemala City", latitude=14.6, longitude=-90.5),
              claim("b", "place/x", "Place", "Guatemala City"),
              claim("c", "place/x", "Place", "Guatemala City", latitude=14.6, longitude=-90.5)]
    for order in (places, places[::-1]):
        (city,) = resolve(order)
        assert (city.latitude, city.longitude) == (14.6, -90.5)


def test_acronyms_and_gazetteer_aliases():
    # an acronym joins its expansion only where one article names both (or the gazetteer lists the pair)
    apart = [claim("a", "organization/ap", "Organization", "AP"),
             claim("b", "organization/associated-press", "Organization", "Associated Press")]
    assert len(resolve(apart)) == 2
    (ap,) = resolve([*apart, claim("b", "organization/ap", "Organization", "AP"),
                     claim("c", "organization/associated-press", "Organization", "Associated Press")])
    assert ap.canonical == "organization/associated-press" and "AP" in ap.aliases
    assert ap.merges[0].reason == "acronym"
    # a name the extractor cut short has no initials: "RAF" is not "Revolutionary Armed Forces of [Colombia]"
    assert len(resolve([claim("a", "organization/raf", "Organization", "RAF"),
                        claim("a", "organization/revolutionary-armed-forces-of", "Organization",
                              "revolutionary armed forces of")])) == 2
    (isis,) = resolve([claim("a", "organization/isis", "Organization", "ISIS"),
                       claim("b", "organization/islamic-state-group", "Organization", "Islamic State group")])
    assert isis.canonical == "organization/isis" and isis.merges[0].reason == "gazetteer alias"
    split = resolve([claim("a", "organization/ap", "Organization", "AP"),
                     claim("b", "organization/associated-press", "Organization", "Associated Press")],
                    Overrides(splits=frozenset({"organization/ap"})))
    assert len(split) == 2


def test_three_reports_of_one_attack_are_one_incident_with_three_sources(reports):
    from graph.reading.incidents import incidents

    kg = build(reports, [2, 0, 1])
    attacks = [i for i in incidents(kg, incident_type="Attack") if i.sources > 1]
    assert len(attacks) == 1
    (homs,) = attacks
    assert homs.sources == 3
    assert homs.articles == sorted(str(kg.iris.article(a)) for a in ("wire-1", "wire-2", "wire-3"))
    reports_of = {r["e"].value for r in kg.select(
        f"SELECT ?e WHERE {{ {sparql_term(URIRef(homs.incident))} ekg:report ?e }}")}
    assert len(reports_of) == 3 and all("/event/wire-" in e for e in reports_of)
    # the question "which incidents does only one source support?" is one call (or one query, docs/queries.md)
    single = incidents(kg, single_source=True)
    assert single and all(i.sources == 1 for i in single)
    assert homs.incident not in {i.incident for i in single}
    # and the incident goes with its last report
    for article in ("wire-1", "wire-2", "wire-3"):
        kg.delete_article(article)
    assert incidents(kg) == []


def test_article_local_actors_roll_up_to_what_they_belong_to(reports):
    from graph.projection import project

    kg = build(reports, [0, 1, 2])
    owners = {(kg.iris.key_of(r["a"].value), kg.iris.key_of(r["b"].value))
              for r in kg.select("SELECT ?a ?b WHERE { ?a ekg:belongsTo ?b }")}
    # "Government forces", "President Bashar troops", "army" act in Homs, Syria: Syria's security forces and army
    forces = {"organization/security-forces-of-syria", "organization/army-of-syria"}
    assert {b for _, b in owners} == forces | {"place/geonames-163843"}
    assert {(f, "place/geonames-163843") for f in forces} <= owners
    plain, rolled = (project(kg, predicates=["attacked"], modalities=None, roll_up=r) for r in (False, True))
    assert plain.number_of_nodes() == 4  # three article-local attackers and the FSA
    assert set(rolled.nodes) == {str(kg.iris.entity(k)) for k in (*forces, "organization/free-syrian-army")}
    army = str(kg.iris.entity("organization/army-of-syria"))
    assert rolled.number_of_edges() == 3 and rolled.nodes[army]["label"] == "army of Syria"


def test_police_in_two_syrian_cities_belong_to_one_police_of_syria(extractor):
    texts = {"homs": "Police killed two protesters in Homs on Monday.",
             "aleppo": "Police shot dead a protester in Aleppo, Syria, on Tuesday."}
    articles = [Article(id=k, text=t, published="2021-05-04") for k, t in texts.items()]
    reports = list(zip(articles, extractor.extract_many(articles)))
    kg = build(reports, [0, 1])
    assert quads(kg) == quads(build(reports, [1, 0]))
    force = kg.iris.entity("organization/police-of-syria")
    owners = {(kg.iris.key_of(r["a"].value), kg.iris.key_of(r["b"].value))
              for r in kg.select("SELECT ?a ?b WHERE { ?a ekg:belongsTo ?b }")}
    assert owners == {("group/police@homs", "organization/police-of-syria"),
                      ("group/police@aleppo", "organization/police-of-syria"),
                      ("organization/police-of-syria", "place/geonames-163843")}
    described = (f"SELECT ?t ?l WHERE {{ GRAPH {sparql_term(kg.iris.entities_graph)} "
                 f"{{ {sparql_term(force)} a ?t ; rdfs:label ?l }} }}")
    assert [(r["t"].value, r["l"].value) for r in kg.select(described)] == [(str(EKG.Organization), "police of Syria")]
    assert kg.delete_article("homs")
    assert [r["l"].value for r in kg.select(described)] == ["police of Syria"]
    assert kg.delete_article("aleppo")
    gone = f"SELECT * WHERE {{ {{ {sparql_term(force)} ?p ?o }} UNION {{ ?s ?p {sparql_term(force)} }} }}"
    assert not list(kg.select(gone))
    assert quads(kg) == quads(EventStore(None))


def test_the_entities_command_shows_splits_and_merges(reports, tmp_path):
    import subprocess

    from graph.store import open_store
    from tests.scale_fixtures import EVENTKG

    with open_store(tmp_path / "kg") as kg:
        for article, extraction in reports:
            kg.put(article_rdf(article, extraction, kg.iris))

    def eventkg(*args: str, status: int = 0) -> str:
        result = subprocess.run([EVENTKG, "entities", *args, "--store", str(tmp_path / "kg")], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == status, result.stderr
        return result.stdout + result.stderr

    shown = eventkg("show", "person/assad")
    assert "merge  person/assad + person/bashar-al-assad: surname (0.80)" in shown
    assert "entity https://w3id.org/eventkg/id/entity/person/bashar-al-assad" in shown
    assert "split: person/assad -> person/assad" in eventkg("split", "person/assad")
    assert "no article claims an entity 'nobody'" in eventkg("merge", "nobody", "person/assad", status=2)
    assert "withdrawn: person/assad -> person/bashar-al-assad" in eventkg("split", "person/assad", "--undo")


def test_unnamed_attackers_belong_to_the_group_their_name_states_or_that_claims_the_attack(extractor):
    from graph.store import EventStore

    texts = {
        "kabul-hotel": "Gunmen stormed a hotel in Kabul on Monday, killing 9 people. The Taliban claimed responsibility "
                       "for the attack.",
        "san-miguel": "An FMLN guerrilla unit attacked an army post in San Miguel on Sunday, the FMLN said.",
        # another attack in another place says nothing about who the gunmen were
        "kabul-unclaimed": "Gunmen stormed a hotel in Kabul on Monday. No group has claimed responsibility. The Taliban "
                           "attacked a checkpoint in Kandahar last week.",
        # state forces serve the country their name states before the country of their events' place
        "border-raid": "Salvadoran soldiers attacked a rebel camp in Honduras on Friday.",
    }
    articles = [Article(id=k, text=t, published="2021-05-04") for k, t in texts.items()]
    kg = EventStore(None)
    for article, extraction in zip(articles, extractor.extract_many(articles)):
        kg.put(article_rdf(article, extraction, kg.iris))
    owners = {(r["a"].value.rsplit("/", 1)[-1], kg.iris.key_of(r["b"].value))
              for r in kg.select("SELECT ?a ?b WHERE { ?a ekg:belongsTo ?b }")}
    assert owners == {("gunmen%40kabul-hotel", "organization/taliban"),
                      ("fmln-guerrilla-unit%40san-miguel", "organization/fmln"),
                      ("salvadoran-soldiers%40border-raid", "organization/army-of-el-salvador"),
                      ("army-of-el-salvador", "place/geonames-3585968")}  # El Salvador's army, not Honduras'
