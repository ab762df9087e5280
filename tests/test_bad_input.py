"""Bad input reaches the readers, ``eventkg ingest``/``extract`` and ``POST /articles``: each bad document gets its own
error, the rest of the batch is stored, nothing answers 500 and no traceback is printed. The id rule, the URL rule and
the text encodings are checked on the reader functions every entry point shares."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
from api_fixtures import LiveServer, build_store

from api.settings import Settings
from extract.model import Article
from extract.readers import MAX_ID_CHARS, ReadError, article_from_bytes, article_from_record, iter_articles
from graph.store import open_store
from tests.scale_fixtures import EVENTKG

GOOD = "Gunmen attacked a police station in Kano on Sunday, police said."
SURROGATE_LINE = '{"id": "lone", "text": "Rebels attacked \\ud800 the town."}'  # valid JSON, not valid Unicode


def eventkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EVENTKG, *args], capture_output=True, text=True, timeout=300)


# -- the rules, on the reader functions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("bad_id", "words"), [
    ("", "empty"), ("..", "'..'"), ("a/../b", "'..'"), (".", "'.'"), ("a\x00b", "control"), ("line\nbreak", "control"),
    ("x" * (MAX_ID_CHARS + 1), str(MAX_ID_CHARS)), (["a"], "string"), (1.5, "string"), (True, "string"),
    ({"id": 1}, "string"), ("\ud800", "surrogate"),
])
def test_bad_ids_are_refused_the_same_way_everywhere(bad_id, words):
    from_record = article_from_record({"id": bad_id, "text": GOOD}, source="in.jsonl:1")
    assert isinstance(from_record, ReadError) and words in from_record.reason and from_record.source == "in.jsonl:1"
    if isinstance(bad_id, str):
        from_bytes = article_from_bytes(GOOD.encode(), id=bad_id)
        assert isinstance(from_bytes, ReadError) and words in from_bytes.reason
        assert from_bytes.message.isprintable()  # the bad id is shown escaped


def test_good_ids_pass_and_integers_become_strings():
    assert article_from_record({"id": 7, "text": GOOD}, source="s").id == "7"
    for good in ("wire/2022-03 attack", "a.b", "...", "x" * MAX_ID_CHARS, "Kābul/ڪابل"):
        assert article_from_record({"id": good, "text": GOOD}, source="s").id == good


def test_only_web_urls_are_kept():
    assert article_from_record({"id": "a", "text": GOOD, "url": "https://example.org/a"}, source="s").url
    for bad in ("javascript:alert(1)", "JavaScript://x", "data:text/html,hi", "file:///etc/passwd", "example.org/a"):
        result = article_from_record({"id": "a", "text": GOOD, "url": bad}, source="s")
        assert isinstance(result, ReadError) and "http" in result.reason, bad
    page = ("<html><head><title>Raid</title><link rel='canonical' href='javascript:alert(1)'></head><body><article>"
            f"<p>{GOOD} The attackers fled towards the border after a long exchange of fire.</p></article></body></html>")
    article = article_from_bytes(page.encode(), id="page")
    assert isinstance(article, Article) and article.url is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_decoded(encoding):
    data = GOOD.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # these codecs write no mark: add it
        data = "\ufeff".encode(encoding) + data
    article = article_from_bytes(data, id="bom")
    assert isinstance(article, Article) and article.text == GOOD


def test_lone_surrogates_in_text_or_metadata_are_refused():
    for record in ({"id": "a", "text": "x\ud800y attacked"}, {"id": "a", "text": GOOD, "title": "T\udfff"}):
        result = article_from_record(record, source="s")
        assert isinstance(result, ReadError) and ("surrogate" in result.reason or "Unicode" in result.reason)


def test_a_line_too_long_for_the_limit_is_skipped_unread(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "huge", "text": "attack " * 200_000}) + "\n"
                    + json.dumps({"id": "small", "text": GOOD}) + "\n")
    huge, small = iter_articles([path], max_bytes=10_000)
    assert isinstance(huge, ReadError) and "too large" in huge.reason and huge.source.endswith(":1")
    assert small.id == "small"


# -- the commands -----------------------------------------------------------------------------------------------------


def test_ingest_stores_the_good_documents_of_a_batch_with_bad_ones(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = [json.dumps({"id": "j1", "text": GOOD}), SURROGATE_LINE,
             json.dumps({"id": "../escape", "text": GOOD}), json.dumps({"id": "x\ty", "text": GOOD}),
             json.dumps({"id": "js", "text": GOOD, "url": "javascript:alert(1)"}),
             json.dumps({"text": "no id here"}), json.dumps({"id": "j2", "text": "Hamas fighters attacked Israel."})]
    (corpus / "batch.jsonl").write_text("\n".join(lines) + "\n")
    (corpus / "surrogate.txt").write_bytes(b"Rebels \xed\xa0\x80 attacked.")  # a UTF-8-encoded lone surrogate
    (corpus / "utf16.txt").write_bytes(GOOD.encode("utf-16"))
    (corpus / "bom8.txt").write_bytes(GOOD.encode("utf-8-sig"))
    store = tmp_path / "kg"

    done = eventkg("ingest", str(corpus), "--store", str(store))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert "4 new, 0 updated, 0 unchanged, 6 failed" in done.stdout
    for words in ("failed lone: the text contains lone surrogates", "batch.jsonl:3: invalid article id: '.' and '..'",
                  "batch.jsonl:4: invalid article id: an id must not contain control characters",
                  "failed js: url must be an absolute http", "batch.jsonl:6: no 'id'", "surrogate.txt: not UTF-8"):
        assert words in done.stderr, words
    with open_store(store, read_only=True) as kg:
        assert kg.article_ids() == ["bom8", "j1", "j2", "utf16"]


def test_extract_gives_the_surrogate_line_its_own_error(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join([json.dumps({"id": "a", "text": GOOD}), SURROGATE_LINE,
                               json.dumps({"id": "b", "text": GOOD})]) + "\n")
    done = eventkg("extract", str(path), "--format", "jsonl")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "lone", "b"]
    assert "surrogate" in out[1]["error"] and out[0]["events"] and out[2]["events"]


# -- the server -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("bad-input") / "store")
    with LiveServer(Settings(store=store, api_token="secret", store_lock_wait=0.5)) as live:
        yield live


@pytest.mark.parametrize(("body", "params", "words"), [
    (SURROGATE_LINE.encode(), {}, "surrogate"),
    (json.dumps({"id": "a", "text": GOOD, "title": "\udc80"}).encode(), {}, "title"),
    (json.dumps({"id": "..", "text": GOOD}).encode(), {}, "'..'"),
    (json.dumps({"id": "x" * 600, "text": GOOD}).encode(), {}, "512"),
    (json.dumps({"id": ["a"], "text": GOOD}).encode(), {}, "string"),
    (json.dumps({"id": "a", "text": GOOD, "url": "javascript:alert(1)"}).encode(), {}, "http"),
    (GOOD.encode(), {"id": "a\x01b"}, "control"),
    (GOOD.encode(), {"id": "a/./b"}, "'.'"),
    (b"[" * 100_000, {}, "nested too deeply"),
])
def test_post_articles_answers_400_for_bad_input(server, body, params, words):
    content_type = "text/plain" if params else "application/json"
    r = httpx.post(server.url + "/articles", content=body, params=params, timeout=120,
                   headers={"Authorization": "Bearer secret", "Content-Type": content_type})
    assert r.status_code == 400, r.text
    assert words in r.json()["detail"]


def test_post_articles_decodes_utf16_with_a_mark(server):
    r = httpx.post(server.url + "/articles", content=GOOD.encode("utf-16"), params={"id": "utf16"}, timeout=300,
                   headers={"Authorization": "Bearer secret", "Content-Type": "text/plain"})
    assert r.status_code == 201, r.text
    assert httpx.get(server.url + "/articles/utf16").json()["characters"] == len(GOOD)


def test_http_answers_name_no_paths(server):
    health = httpx.get(server.url + "/health").json()
    assert health["status"] == "ok" and "/" not in health["store"]
    # the store held by another writer: 503 without the path
    with open_store(server.store):
        r = httpx.delete(server.url + "/articles/anything", headers={"Authorization": "Bearer secret"}, timeout=60)
    assert r.status_code == 503 and "another process" in r.json()["detail"]
    assert server.store not in r.text and str(Path(server.store).parent) not in r.text


def test_a_store_folder_gone_under_the_server_is_a_503_on_every_path(tmp_path):
    import shutil

    store = build_store(tmp_path / "store")
    with LiveServer(Settings(store=store)) as live:
        assert httpx.get(live.url + "/health", timeout=60).status_code == 200
        shutil.rmtree(store)
        for path in ("/health", "/stats", "/sparql?query=ASK%7B%7D"):  # answered in front of the REST app, and by it
            r = httpx.get(live.url + path, timeout=60)
            assert r.status_code == 503 and str(tmp_path) not in r.text, (path, r.status_code, r.text)


def test_the_writer_tells_of_a_write_whose_close_failed(tmp_path):
    """The store folder moved away during a write: closing it fails, and the answer cache must still hear of it."""
    from api.state import Writer

    store = build_store(tmp_path / "store")
    writer, told = Writer(Settings(store=store)), []
    writer.on_write = lambda: told.append("write")

    def change(kg):
        kg.native.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> <urn:b> } }")
        Path(store).rename(tmp_path / "moved")  # the flush on close has nowhere to write

    with pytest.raises(OSError):
        writer.write(change)
    assert told == ["write"]


def test_post_articles_without_the_spacy_model_is_a_503_naming_the_setting(tmp_path):
    store = build_store(tmp_path / "store")
    with LiveServer(Settings(store=store, api_token="secret", model="no_such_model_xyz")) as live:
        for _ in range(2):  # the model is tried again on the next request, not given up on
            r = httpx.post(live.url + "/articles", content=GOOD.encode(), params={"id": "a"}, timeout=120,
                           headers={"Authorization": "Bearer secret", "Content-Type": "text/plain"})
            assert r.status_code == 503, r.text
            assert "'no_such_model_xyz'" in r.json()["detail"] and "EVENTKG_MODEL" in r.json()["detail"]
        assert httpx.get(live.url + "/articles/a", timeout=60).status_code == 404  # nothing was stored
