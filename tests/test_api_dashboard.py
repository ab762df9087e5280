"""What a dashboard needs from the REST API (issue 12), against the real server on a real store: events with their
actors and places, entities by name or alias with ranked candidates when ambiguous, clear 400s, sorting, text search,
the change feed, labelled communities, a zero-filled timeline filtered by place, rankings, CORS off by default."""

from __future__ import annotations

import httpx
import pytest
from api_fixtures import SECOND, LiveServer, build_store, second_article

from api.settings import Settings
from graph.rdf import article_rdf
from graph.store import EventStore

FIRST = "wire/2022-03 attack"  # api_fixtures.handmade(): ISIS attacked Kabul (2022-03), a call, Russia invaded Ukraine
TOKEN = {"Authorization": "Bearer secret"}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    path = build_store(tmp_path_factory.mktemp("dashboard") / "store")
    with EventStore(path) as store:
        store.put(article_rdf(*second_article(), store.iris))
    with LiveServer(Settings(store=path, api_token="secret")) as server:
        yield server


@pytest.fixture(scope="module")
def http(live):
    with httpx.Client(base_url=live.url, timeout=120) as client:
        yield client


def events(http, **params) -> list[dict]:
    r = http.get("/events", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_event_items_carry_their_actors_and_places(http):
    attacks = {e["id"]: e for e in events(http, type="Attack", modality="asserted")}
    assert set(attacks) == {f"{FIRST}/ev1", f"{SECOND}/ev1"}
    for attack in attacks.values():
        assert [(a["id"], a["label"], a["type"]) for a in attack["actors"]] == [("organization/isis", "ISIS", "Organization")]
        assert [(p["id"], p["label"]) for p in attack["places"]] == [("place/geonames-1138958", "Kabul")]
    statement = events(http, type="Statement")[0]
    assert [a["label"] for a in statement["actors"]] == ["Barack Obama"] and statement["places"] == []


def test_actor_and_place_by_key_name_or_alias(http):
    isis = sorted(e["id"] for e in events(http, actor="organization/isis"))
    assert isis == [f"{FIRST}/ev1", f"{SECOND}/ev1"]
    assert sorted(e["id"] for e in events(http, actor="Daesh")) == isis  # an alias
    assert sorted(e["id"] for e in events(http, actor="isis")) == isis  # any case
    in_kabul = [e["id"] for e in events(http, place="place/geonames-1138958")]
    # a place's name takes the places inside it: both attacks were in Kabul, which lies in Afghanistan
    assert sorted(e["id"] for e in events(http, place="Afghanistan")) == sorted(in_kabul) == isis
    assert http.get("/events", params={"place": "Atlantis"}).status_code == 404


def test_an_ambiguous_name_is_a_400_with_candidates_ranked_by_mentions(http):
    r = http.get("/events", params={"place": "Kabul"})
    assert r.status_code == 400
    body = r.json()
    assert [(c["key"], c["mentions"]) for c in body["candidates"]] == [
        ("place/geonames-1138958", 2), ("place/geonames-1138957", 1)]
    assert "Kabul" in body["detail"] and "give the key" in body["detail"]


def test_a_malformed_time_is_a_400_naming_the_accepted_forms(http):
    r = http.get("/events", params={"from": "last-week"})
    assert r.status_code == 400
    assert r.json()["detail"] == "from 'last-week' is not an ISO date, month or year; use 2022-03-15, 2022-03 or 2022"
    assert http.get("/analytics/timeline", params={"to": "yesterday"}).status_code == 400
    assert http.get("/relations", params={"from": "2022-13"}).status_code == 400


def test_sorting_and_text_search(http):
    by_time = [e["time"] for e in events(http, sort="time")]
    dated = [t for t in by_time if t]
    assert dated == sorted(dated) and by_time[len(dated):] == [None] * (len(by_time) - len(dated))  # undated last
    newest = [e["time"] for e in events(http, sort="-time") if e["time"]]
    assert newest == sorted(newest, reverse=True) and newest[0] == "2022-05"
    confident = [e["confidence"] for e in events(http, sort="-confidence")]
    assert confident == sorted(confident, reverse=True)
    assert [e["id"] for e in events(http, q="INVADED")] == [f"{FIRST}/ev4"]
    assert {e["id"] for e in events(http, q="kabul")} == {f"{FIRST}/ev1", f"{SECOND}/ev1", f"{SECOND}/ev2"}
    assert http.get("/events", params={"sort": "random"}).status_code == 422


def test_the_change_feed_reports_writes_and_deletions(live, http):
    feed = http.get("/changes").json()["items"]
    assert [(c["article"], c["change"]) for c in feed] == [(FIRST, "ingested"), (SECOND, "ingested")]
    first_at, second_at = feed[0]["at"], feed[1]["at"]
    assert first_at < second_at
    stamped = {e["id"]: e["ingested"] for e in events(http, limit=100)}
    assert stamped[f"{FIRST}/ev1"] == first_at and stamped[f"{SECOND}/ev2"] == second_at
    assert http.get(f"/articles/{SECOND}").json()["ingested"] == second_at
    # since: what was written after the first article
    assert [c["article"] for c in http.get("/changes", params={"since": first_at}).json()["items"]] == [SECOND]
    assert {e["id"] for e in events(http, since=first_at)} == {f"{SECOND}/ev1", f"{SECOND}/ev2"}
    assert [a["id"] for a in http.get("/articles", params={"since": first_at}).json()["items"]] == [SECOND]
    assert http.get("/changes", params={"since": "last-week"}).status_code == 400
    for edge in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"):  # in UTC, outside the years a date has
        outside = http.get("/changes", params={"since": edge})
        assert outside.status_code == 400 and "out of range" in outside.json()["detail"], outside.text
    # a deletion leaves a tombstone; the article written again shows as ingested once more
    assert http.delete(f"/articles/{SECOND}", headers=TOKEN).status_code == 204
    try:
        gone = http.get("/changes", params={"since": second_at}).json()["items"]
        assert [(c["article"], c["change"]) for c in gone] == [(SECOND, "deleted")]
        assert events(http, since=first_at) == []
    finally:
        with EventStore(live.store) as store:
            store.put(article_rdf(*second_article(), store.iris))
    back = http.get("/changes", params={"since": gone[0]["at"]}).json()["items"]
    assert [(c["article"], c["change"]) for c in back] == [(SECOND, "ingested")]


def test_communities_carry_labels_and_types(http):
    found = http.get("/analytics/communities").json()
    members = [m for community in found for m in community["members"]]
    isis = next(m for m in members if m["label"] == "ISIS")
    assert isis["type"] == "Organization" and isis["entity"].endswith("/entity/organization/isis")
    assert all(community["size"] == len(community["members"]) for community in found)


def test_the_timeline_has_one_granularity_zero_filled_and_filters_by_place(http):
    monthly = http.get("/analytics/timeline", params={"type": "Attack"}).json()
    assert monthly["granularity"] == "month"
    assert [(r["period"], r["events"]) for r in monthly["rows"]] == [("2022-03", 1), ("2022-04", 0), ("2022-05", 1)]
    yearly = http.get("/analytics/timeline", params={"granularity": "year", "modality": ["asserted", "called-for"]})
    assert {r["period"] for r in yearly.json()["rows"]} == {"2022"} and yearly.json()["undated"] == {
        "Attack": 1, "CallForAction": 1, "Statement": 1}
    in_afghanistan = http.get("/analytics/timeline", params={"place": "Afghanistan", "from": "2022-01",
                                                             "to": "2022-06"}).json()
    assert [(r["period"], r["event_type"], r["events"]) for r in in_afghanistan["rows"] if r["events"]] == [
        ("2022-03", "Attack", 1), ("2022-05", "Attack", 1)]
    assert [r["period"] for r in in_afghanistan["rows"]] == [f"2022-0{m}" for m in range(1, 7)]
    daily = http.get("/analytics/timeline", params={"granularity": "day", "from": "2022-02-23", "to": "2022-02-25"})
    assert [(r["period"], r["events"]) for r in daily.json()["rows"]] == [
        ("2022-02-23", 0), ("2022-02-24", 1), ("2022-02-25", 0)]
    assert http.get("/analytics/timeline", params={"place": "Kabul"}).status_code == 400  # two places called Kabul


def test_a_timeline_with_nothing_to_count_or_at_the_last_representable_day_is_empty_or_one_day(http):
    later = http.get("/analytics/timeline", params={"type": "Attack", "from": "2030-01"})
    assert later.status_code == 200, later.text
    assert later.json()["rows"] == []  # an open range and no event: no periods to list
    last = http.get("/analytics/timeline", params={"granularity": "day", "type": "Attack", "from": "9999-12-31",
                                                   "to": "9999-12-31"})
    assert last.status_code == 200, last.text
    assert [(r["period"], r["event_type"], r["events"]) for r in last.json()["rows"]] == [("9999-12-31", "Attack", 0)]


def test_path_with_an_ambiguous_name_is_a_400_with_candidates(http):
    r = http.get("/analytics/path", params={"source": "Obama", "target": "ISIS"})
    assert r.status_code == 400
    body = r.json()
    assert sorted(c["key"] for c in body["candidates"]) == ["person/barack-obama", "person/michelle-obama"]
    assert body["detail"].startswith("the name 'Obama' fits 2 entities") and "Obama'" not in body["detail"][20:]
    hops = http.get("/analytics/path", params={"source": "Barack Obama", "target": "Kabul province"})
    assert hops.status_code == 404  # in the store, not in the network of edges
    assert http.get("/analytics/path", params={"source": "Abu-Omar al-Muhajir", "target": "ISIS"}).status_code == 200


def test_top_agents_and_places(http):
    agents = http.get("/analytics/top/agent", params={"modality": "asserted"}).json()
    assert [(a["rank"], a["key"], a["label"], a["events"]) for a in agents[:1]] == [
        (1, "organization/isis", "ISIS", 2)]
    assert http.get("/analytics/top/agent").json() == agents  # asserted by default, as the timeline
    places = http.get("/analytics/top/place", params={"type": "Attack", "from": "2022-05"}).json()
    assert [(p["key"], p["events"]) for p in places] == [("place/geonames-1138958", 1)]


def test_cors_is_off_by_default(http):
    r = http.get("/events", headers={"Origin": "https://dash.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers

