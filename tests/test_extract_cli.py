"""``eventkg extract`` run as a real command: json and jsonl modes, bad documents, exit codes, ids and order."""

from __future__ import annotations

import json
import subprocess

import pytest

from extract.readers import article_from_bytes, iter_articles
from tests.scale_fixtures import EVENTKG


def eventkg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EVENTKG, *args], capture_output=True, text=True, timeout=300)


def test_json_mode_prints_one_extraction(repo_dir):
    done = eventkg("extract", str(repo_dir / "seeds" / "isis-global-offensive.txt"), "--published", "2022-04-20",
                   "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["id"] == "isis-global-offensive"
    assert {"entities", "events", "relations", "extractor", "extractor_version"} <= set(out)
    assert any(e["time"] and e["time"]["value"] == "2022-02" for e in out["events"])


def test_json_mode_bad_input_is_one_clear_line(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02abc")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\xe9 bomb in Bogot\xe1".encode("latin-1"))
    for path, words in ((empty, "empty"), (binary, "binary"), (latin1, "UTF-8"), (tmp_path / "missing.txt", "no such")):
        done = eventkg("extract", str(path), "--format", "json")
        assert done.returncode == 1
        assert words in done.stderr and "Traceback" not in done.stderr and done.stdout == ""


def test_json_mode_rejects_a_bad_publication_date(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Rebels attacked the town.")
    done = eventkg("extract", str(article), "--published", "last spring", "--format", "json")
    assert done.returncode == 1 and "ISO date" in done.stderr and "Traceback" not in done.stderr


def test_jsonl_mode_keeps_ids_order_and_reports_failures_in_place(tmp_path):
    lines = [
        json.dumps({"id": "b", "text": "Gunmen killed three soldiers in Kabul on Monday.", "published": "2022-05-04"}),
        json.dumps({"id": "empty", "text": ""}),
        "this is not json",
        json.dumps({"id": "big", "text": "attack " * 200}),
        json.dumps({"id": "a", "text": "<html><body><article><p>Police arrested two men linked to Hamas in "
                                       "Hebron on Tuesday, officials said.</p></article></body></html>"}),
        "",
        json.dumps({"id": "c", "text": "Hezbollah fired rockets at Haifa."}),
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    done = eventkg("extract", str(path), "--format", "jsonl", "--max-bytes", "1000", "--batch-size", "2")
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["b", "empty", f"{path}:3", "big", "a", "c"]
    assert [("error" in o) for o in out] == [False, True, True, True, False, False]
    assert "too large" in out[3]["error"]
    assert done.stderr.count("error:") == 3 and "Traceback" not in done.stderr
    assert any(e["type"] == "Killing" for e in out[0]["events"])
    assert any(e["type"] == "Arrest" for e in out[4]["events"])


def test_jsonl_mode_all_good_exits_zero(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps({"id": str(n), "text": f"Rebels attacked village number {n}."})
                              for n in range(5)) + "\n")
    done = eventkg("extract", str(path), "--format", "jsonl", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [str(n) for n in range(5)]


# --- readers (bad input handling the CLI relies on) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty"), (b"\x00\x00binary", "binary"), (b"caf\xe9 bomb", "UTF-8"), (b"\xff\xfe caf\xe9", "UTF-16"),
     (b"x" * 50, "too large")],
)
def test_reader_rejects_bad_bytes(data, reason):
    result = article_from_bytes(data, id="doc", max_bytes=40)
    assert reason in result.message


def test_reader_reduces_html_to_text():
    html = (b"<html><head><title>T</title></head><body><nav>Home | News</nav><article><p>Gunmen attacked a "
            b"police station in Kano on Sunday, killing four officers, police said.</p></article></body></html>")
    article = article_from_bytes(html, id="h")
    assert "Gunmen attacked a police station" in article.text and "<p>" not in article.text


def test_reader_reads_text_files_with_sidecar(repo_dir):
    (article,) = iter_articles([repo_dir / "seeds" / "isis-global-offensive.txt"])
    assert article.published == "2022-04-20" and article.id == "isis-global-offensive"
