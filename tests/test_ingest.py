"""``eventkg ingest`` / ``load`` / ``delete`` / ``stats`` as a user runs them: real CLI processes, real store on disk.

The crash test SIGKILLs an ingest half-way through, checks that every article it committed is whole, re-runs the same
command and compares the result with an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from api_fixtures import ingested

from graph.ingest import ingest
from graph.store import open_store
from tests.scale_fixtures import EVENTKG

WIKIEVENTS_DOCS = 8  # a deterministic subset: the first documents of WikiEvents dev


def run(*args: str, check_status: int | None = 0) -> subprocess.CompletedProcess:
    result = subprocess.run([EVENTKG, *args], capture_output=True, text=True, timeout=300, env=_env())
    if check_status is not None:
        assert result.returncode == check_status, result.stderr
    return result


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", "EVENTKG_STORE": "/nonexistent-store-must-come-from-flags"}


@pytest.fixture(scope="module")
def wikievents_jsonl(shared_dir, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("input") / "wikievents.jsonl"
    with path.open("w") as out, (shared_dir / "data" / "wikievents" / "dev.jsonl").open() as source:
        for _, line in zip(range(WIKIEVENTS_DOCS), source):
            doc = json.loads(line)
            out.write(json.dumps({"id": doc["doc_id"], "text": doc["text"], "published": "2020-01-01"}) + "\n")
    return path


@pytest.fixture(scope="module")
def clean_store(wikievents_jsonl, extractor, tmp_path_factory) -> Path:
    """The store an uninterrupted ingest of ``wikievents_jsonl`` builds (in-process, same code as the command)."""
    return ingested(wikievents_jsonl, extractor, tmp_path_factory.mktemp("clean") / "kg", WIKIEVENTS_DOCS)


def sorted_dump(store_dir: Path) -> list[str]:
    """Every quad but the change log's (it says when, not what, was ingested)."""
    from graph.changes import is_change_log

    with open_store(store_dir, read_only=True) as kg:
        return sorted(str(q) for q in kg.native if not is_change_log(q.graph_name, kg.iris))


def graphs(store_dir: Path) -> dict[str, set[str]]:
    with open_store(store_dir, read_only=True) as kg:
        return {
            g.value: {str(q) for q in kg.native.quads_for_pattern(None, None, None, g)}
            for g in kg.native.named_graphs()
        }


def test_ingest_reads_txt_with_sidecar_html_jsonl_and_folders(tmp_path, repo_dir):
    corpus = tmp_path / "corpus"
    (corpus / "nested").mkdir(parents=True)
    seed = repo_dir / "seeds" / "isis-global-offensive"
    (corpus / "seed.txt").write_bytes(seed.with_suffix(".txt").read_bytes())
    (corpus / "seed.json").write_bytes(seed.with_suffix(".json").read_bytes())
    (corpus / "nested" / "page.html").write_text(
        "<html><head><title>Raid</title></head><body><article><p>Police arrested two men in Paris on Monday after "
        "the attack on a synagogue, the French interior minister Gerald Darmanin said.</p></article></body></html>"
    )
    (corpus / "batch.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Russia invaded Ukraine in February 2022.", "published": "2022-03-01"}) + "\n"
        + json.dumps({"id": "j2", "text": "Hamas fighters attacked Israel.", "title": "Attack"}) + "\n"
    )
    (corpus / "empty.txt").write_text("   \n")
    store = tmp_path / "kg"

    first = run("ingest", str(corpus), "--store", str(store), check_status=1)  # the empty file fails, the rest goes in
    assert "4 new, 0 updated, 0 unchanged, 1 failed" in first.stdout
    assert "empty.txt" in first.stderr and "empty article" in first.stderr
    with open_store(store, read_only=True) as kg:
        assert kg.article_ids() == ["isis-global-offensive", "j1", "j2", "page"]
        (title,) = kg.select(
            "SELECT ?t WHERE { ?a ekg:articleId 'isis-global-offensive' ; schema:headline ?t ; schema:publisher ?p }"
        )
        assert "global offensive" in title["t"].value  # metadata from the .json sidecar

    before = sorted_dump(store)
    again = run("ingest", str(corpus), "--store", str(store), check_status=1)
    assert "0 new, 0 updated, 4 unchanged, 1 failed" in again.stdout
    assert sorted_dump(store) == before

    (corpus / "empty.txt").unlink()
    (corpus / "batch.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Russia invaded Ukraine on 24 February 2022.", "published": "2022-03-01"})
        + "\n"
    )
    changed = run("ingest", str(corpus), "--store", str(store))
    assert "0 new, 1 updated, 2 unchanged, 0 failed" in changed.stdout  # j2 stays in the store: ingest never deletes


def test_ingest_of_missing_paths_and_bad_store_fail_clearly(tmp_path):
    missing = run("ingest", str(tmp_path / "nope.txt"), "--store", str(tmp_path / "kg"), check_status=1)
    assert "no such file or folder" in missing.stderr
    assert "Traceback" not in missing.stderr
    (tmp_path / "file").write_text("not a folder")
    bad_store = run("ingest", str(tmp_path / "nope.txt"), "--store", str(tmp_path / "file"), check_status=2)
    assert bad_store.stderr.splitlines()[-1].startswith("error: cannot open the store: ")


def test_sigkill_mid_run_leaves_whole_articles_and_a_rerun_matches_a_clean_run(tmp_path, wikievents_jsonl, clean_store):
    killed = tmp_path / "killed"
    expected_graphs = graphs(clean_store)

    # --batch-size 1: each article is parsed and committed in turn, so the kill lands between or during writes
    command = [EVENTKG, "ingest", str(wikievents_jsonl), "--store", str(killed), "--batch-size", "1", "--verbose"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=_env())
    committed = 0
    for line in process.stderr:
        committed += line.startswith("new")
        if committed == 2:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL

    partial = graphs(killed)
    article_graphs = [g for g in partial if "/graph/article/" in g]
    assert 2 <= len(article_graphs) < WIKIEVENTS_DOCS
    for graph in article_graphs:
        # which canonical IRI an entity has depends on the other articles stored (graph/resolution.py), so compare
        # everything that names no entity: the article, its events' evidence, its claims and statements
        def whole(quads):
            return {q for q in quads if "/entity/" not in q}

        assert whole(partial[graph]) == whole(expected_graphs[graph]), f"{graph} is not whole"

    rerun = run("ingest", str(wikievents_jsonl), "--store", str(killed))
    assert f"{WIKIEVENTS_DOCS - len(article_graphs)} new, 0 updated, {len(article_graphs)} unchanged" in rerun.stdout
    assert sorted_dump(killed) == sorted_dump(clean_store)


def test_parallel_workers_build_the_same_store(tmp_path, wikievents_jsonl, extractor, clean_store):
    from extract.readers import iter_articles

    with open_store(tmp_path / "kg") as kg:
        summary = ingest(kg, iter_articles([wikievents_jsonl]), extractor, workers=2)
        assert (summary.new, summary.failed) == (WIKIEVENTS_DOCS, 0)
    assert sorted_dump(tmp_path / "kg") == sorted_dump(clean_store)


def test_load_delete_and_stats_commands(tmp_path, wikievents_jsonl, clean_store):
    store, copy = clean_store, tmp_path / "copy"
    with open_store(store, read_only=True) as kg:
        kg.dump(tmp_path / "all.nq", "nq")
        quads = len(kg)

    loaded = run("load", str(tmp_path / "all.nq"), "--store", str(copy))
    assert f"loaded {quads} quads" in loaded.stdout
    assert sorted_dump(copy) == sorted_dump(store)

    stats = json.loads(run("stats", "--store", str(copy), "--json").stdout)
    assert stats["articles"] == WIKIEVENTS_DOCS and stats["quads"] == quads
    assert "articles" in run("stats", "--store", str(copy)).stdout

    (tmp_path / "broken.ttl").write_text("<urn:a> <urn:b> .")
    broken = run("load", str(tmp_path / "broken.ttl"), "--store", str(copy), check_status=2)
    assert broken.stderr.splitlines()[-1].startswith("error:") and "not valid Turtle" in broken.stderr
    assert sorted_dump(copy) == sorted_dump(store)

    first_id = json.loads(wikievents_jsonl.read_text().splitlines()[0])["id"]
    assert f"deleted {first_id}" in run("delete", first_id, "--store", str(copy)).stdout
    with open_store(copy, read_only=True) as kg:
        assert first_id not in kg.article_ids()
        assert not kg.native.contains_named_graph(ox.NamedNode(str(kg.iris.article_graph(first_id))))
    missing = run("delete", first_id, "--store", str(copy), check_status=2)
    assert "no article" in missing.stderr
    assert "no store" in run("stats", "--store", str(tmp_path / "none"), check_status=2).stderr


def test_an_unusable_extractor_stops_the_run_with_its_error(tmp_path, hand_extractions):
    article, _ = hand_extractions[0]
    with open_store(tmp_path / "kg") as kg:
        with pytest.raises(AttributeError):
            ingest(kg, [article], extractor=object())
        assert kg.article_ids() == []


def test_outcomes_come_in_input_order_and_a_failing_callback_stops_the_run(tmp_path, wikievents_jsonl, extractor):
    """Outcomes are reported by the writer thread in input order, unchanged ones included; an error raised by the
    caller's callback ends the run with that error, and what was stored is whole."""
    from extract.readers import iter_articles

    ids = [json.loads(line)["id"] for line in wikievents_jsonl.open()]
    with open_store(tmp_path / "kg") as kg:
        ingest(kg, iter_articles([wikievents_jsonl]), extractor)
        seen = []
        ingest(kg, [*iter_articles([wikievents_jsonl])][:2], extractor, on_outcome=seen.append)
        assert [(o.source, o.status) for o in seen] == [(i, "unchanged") for i in ids[:2]]

    def fail_on_the_second(outcome):
        seen.append(outcome.source)
        if len(seen) == 2:
            raise RuntimeError("the progress display broke")

    seen = []
    with open_store(tmp_path / "kg2") as kg:
        with pytest.raises(RuntimeError, match="progress display"):
            ingest(kg, iter_articles([wikievents_jsonl]), extractor, on_outcome=fail_on_the_second)
        assert seen == ids[:2]
        assert set(kg.article_ids()) <= set(ids) and len(kg.article_ids()) >= 2


def test_a_store_that_cannot_be_written_stops_the_run_instead_of_failing_each_article(tmp_path, hand_extractions,
                                                                                  extractor):
    """A read-only store (as a server store whose lease was lost, or whose server is down) is not a bad article: the
    store's error propagates from store_extracted (the API answers 503) and stops an ingest with its reason."""
    from graph.errors import StoreError
    from graph.ingest import store_extracted

    article, extraction = hand_extractions[0]
    open_store(tmp_path / "kg").close()
    with open_store(tmp_path / "kg", read_only=True) as kg:
        with pytest.raises(StoreError, match="read-only"):
            store_extracted(kg, article, extraction)
        seen = []
        summary = ingest(kg, [article, hand_extractions[1][0]], extractor, on_outcome=seen.append)
        assert summary.stopped == "the store is open read-only"
        assert [(o.source, o.status) for o in seen] == [(article.id, "failed")]  # the article in hand, not every one
        assert kg.article_ids() == []


# -- one writer at a time; a full disk -------------------------------------------------------------------------------


def test_ingest_and_delete_wait_for_another_writer_and_then_run(tmp_path, repo_dir, hand_extractions):
    from graph.rdf import article_rdf

    store = tmp_path / "kg"
    holder = open_store(store)  # this test process writes the store, as a server's write or another ingest does
    for article, extraction in hand_extractions:
        holder.put(article_rdf(article, extraction, holder.iris))
    env = {**_env(), "EVENTKG_STORE_LOCK_WAIT": "120"}
    ingest_run = subprocess.Popen([EVENTKG, "ingest", str(repo_dir / "seeds"), "--store", str(store)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    delete_run = subprocess.Popen([EVENTKG, "delete", "call", "--store", str(store)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    for process in (ingest_run, delete_run):
        assert process.stderr.readline() == f"store: {store}\n"
        assert process.stderr.readline().startswith("waiting for the store lock held by another process")
    holder.close()
    ingested, deleted = ingest_run.communicate(timeout=300), delete_run.communicate(timeout=300)
    assert ingest_run.returncode == 0, ingested[1]
    assert delete_run.returncode == 0, deleted[1]
    assert "1 new" in ingested[0] and "deleted call" in deleted[0]
    with open_store(store, read_only=True) as kg:
        assert kg.article_ids() == ["attack", "isis-global-offensive"]


def test_writers_give_up_after_the_lock_wait_with_a_clear_error(tmp_path, repo_dir):
    store = tmp_path / "kg"
    (tmp_path / "one.nt").write_text("<urn:a> <urn:b> <urn:c> .\n")
    env = {**_env(), "EVENTKG_STORE_LOCK_WAIT": "0.5"}
    with open_store(store):
        for command in (["load", str(tmp_path / "one.nt")], ["delete", "x"], ["ingest", str(repo_dir / "seeds")]):
            done = subprocess.run([EVENTKG, *command, "--store", str(store)], capture_output=True, text=True,
                                  timeout=300, env=env)
            assert done.returncode == 2, done.stderr
            assert done.stderr.splitlines()[-1] == (
                "error: another process is writing the store (eventkg ingest, load or delete, or a server's write); "
                "gave up after waiting 0.5 s for it (EVENTKG_STORE_LOCK_WAIT)")
            assert "Traceback" not in done.stderr


@pytest.fixture
def tiny_disk(tmp_path):
    """A 2 MB tmpfs: room for a store and a few articles, then ENOSPC, as on a full disk."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill (needs root and mount rights): {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_stops_the_run_with_its_summary_and_whole_articles(tmp_path, tiny_disk, repo_dir):
    import shutil

    text = (repo_dir / "seeds" / "isis-global-offensive.txt").read_text()
    corpus = tmp_path / "many.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"a{n:02}", "text": text}) + "\n" for n in range(12)))
    store = tiny_disk / "kg"
    full = run("ingest", str(corpus), "--store", str(store), "--batch-size", "1", "-v", check_status=2)
    assert "Traceback" not in full.stderr and "OSError" not in full.stderr
    stored = [line.split()[1] for line in full.stderr.splitlines() if line.startswith("new ")]
    assert 1 <= len(stored) < 12
    assert f"{len(stored) + 1} articles in" in full.stdout and f"{len(stored)} new" in full.stdout  # the summary
    assert "1 failed" in full.stdout
    assert full.stderr.splitlines()[-1].startswith(
        "error: the store could not be written: No space left on device; the run stopped there")

    # what was committed is whole: with room again, the same command does the rest and nothing else
    roomy = tmp_path / "kg"
    shutil.copytree(store, roomy)
    with open_store(roomy, read_only=True) as kg:
        assert kg.article_ids() == stored
    rerun = run("ingest", str(corpus), "--store", str(roomy))
    assert f"{12 - len(stored)} new, 0 updated, {len(stored)} unchanged, 0 failed" in rerun.stdout
