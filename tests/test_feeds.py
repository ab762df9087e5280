"""RSS and Atom feed files through the real readers (``extract/feeds.py``) and ``eventkg ingest``/``extract``: each item
an article with its metadata, bad items and bad files reported on their own, ids the same on every read."""

from __future__ import annotations

import json
import subprocess

from extract.model import Article
from extract.readers import ReadError, count_documents, iter_articles
from graph.store import open_store
from tests.scale_fixtures import EVENTKG
KANO = "Gunmen attacked a police station in Kano on Sunday, killing four officers, police said."
HAIFA = "Hezbollah fired rockets at Haifa on Monday, the army said."
HEBRON = "Police arrested two men linked to Hamas in Hebron on Tuesday, officials said."

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
  <title>Kano Daily</title>
  <link>https://kano.example/</link>
  <image><title>Kano Daily logo</title><url>https://kano.example/logo.png</url></image>
  <item>
    <title>Police station attacked</title>
    <link>https://kano.example/2022/03/attack</link>
    <guid isPermaLink="false">kano-2022-0042</guid>
    <pubDate>Sun, 06 Mar 2022 23:30:00 -0500</pubDate>
    <media:content url="https://kano.example/photo.jpg"/>
    <description>&lt;p&gt;{KANO.replace("attacked", "&lt;b&gt;attacked&lt;/b&gt;")}&lt;/p&gt;</description>
  </item>
  <item>
    <title>Rockets fired</title>
    <link>https://kano.example/2022/03/rockets</link>
    <description>short teaser</description>
    <content:encoded><![CDATA[<p>{HAIFA}</p><script>alert(1)</script>]]></content:encoded>
  </item>
</channel>
</rss>
"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Wire Service</title>
  <id>urn:uuid:60a76c80-d399-11d9-b91c-0003939e0af6</id>
  <updated>2022-03-08T00:00:00Z</updated>
  <entry>
    <title>Arrests in Hebron</title>
    <link rel="self" href="https://wire.example/api/entries/7"/>
    <link href="https://wire.example/hebron-arrests"/>
    <id>tag:wire.example,2022:hebron-arrests</id>
    <updated>2022-03-09T10:00:00Z</updated>
    <published>2022-03-08T22:00:00+02:00</published>
    <summary>Two arrested.</summary>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{HEBRON}</p></div></content>
  </entry>
</feed>
"""


def _rss_items(*items: str, encoding: str = "UTF-8") -> str:
    """A feed of ``items`` whose channel gives its title after them (the spec lets it)."""
    return (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>{"".join(items)}'
            "<title>Wire</title></channel></rss>")


def test_rss_items_become_articles_with_their_metadata(tmp_path):
    path = tmp_path / "kano.rss"
    path.write_text(RSS)
    first, second = iter_articles([path])
    assert first == Article(id="https://kano.example/2022/03/attack", text=KANO, title="Police station attacked",
                            published="2022-03-06", url="https://kano.example/2022/03/attack", publisher="Kano Daily")
    # the full content wins over the teaser, its HTML reduced to text; a guid that is no URI gives way to the link
    assert second.text == HAIFA and second.id == "https://kano.example/2022/03/rockets" and second.published is None
    assert count_documents([path]) == 2


def test_an_atom_entry_becomes_an_article(tmp_path):
    path = tmp_path / "wire.atom"
    path.write_text(ATOM)
    (entry,) = iter_articles([path])
    assert entry == Article(id="tag:wire.example,2022:hebron-arrests", text=HEBRON, title="Arrests in Hebron",
                            published="2022-03-08", url="https://wire.example/hebron-arrests",
                            publisher="Wire Service")


def test_an_rss_1_item_becomes_an_article(tmp_path):
    path = tmp_path / "rdf.rss"
    path.write_text(f"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://haifa.example/rss"><title>Haifa Herald</title></channel>
  <item rdf:about="https://haifa.example/rockets">
    <title>Rockets</title><link>https://haifa.example/rockets</link><dc:date>2022-03-07T08:00:00Z</dc:date>
    <description>{HAIFA}</description>
  </item>
</rdf:RDF>""")
    (item,) = iter_articles([path])
    assert item == Article(id="https://haifa.example/rockets", text=HAIFA, title="Rockets", published="2022-03-07",
                           url="https://haifa.example/rockets", publisher="Haifa Herald")


def test_an_xml_file_is_read_when_it_is_a_feed(tmp_path):
    feed, other = tmp_path / "feed.xml", tmp_path / "catalog.xml"
    feed.write_text(ATOM)
    other.write_text('<?xml version="1.0"?><catalog><book>Dune</book></catalog>')
    (entry,) = iter_articles([feed])
    assert entry.text == HEBRON
    (error,) = iter_articles([other])
    assert isinstance(error, ReadError) and "not an RSS or Atom feed" in error.reason and "<catalog>" in error.reason
    assert count_documents([tmp_path]) == 2


def test_a_malformed_feed_is_one_error_and_no_item(tmp_path):
    path = tmp_path / "cut.rss"
    path.write_text(RSS[: RSS.index("<title>Rockets")])  # the first item whole, then the file ends
    (error,) = iter_articles([path])
    assert isinstance(error, ReadError) and error.source == str(path)
    assert error.reason.startswith("not a well-formed feed (") and "line" in error.reason
    assert count_documents([path]) == 1


def test_a_feed_in_an_encoding_expat_cannot_read_is_one_error(tmp_path):
    windows, chinese, unknown = tmp_path / "cp1252.rss", tmp_path / "gb2312.rss", tmp_path / "unknown.rss"
    item = "<item><description>Bogotá</description></item>"
    for path, encoding in ((windows, "windows-1252"), (chinese, "GB2312"), (unknown, "nonsense")):
        path.write_bytes(_rss_items(item, encoding=encoding).encode("cp1252"))
    assert [a.text for a in iter_articles([windows])] == ["Bogotá"]
    for path, words in ((chinese, "multi-byte"), (unknown, "nonsense")):
        (error,) = iter_articles([path])
        assert isinstance(error, ReadError) and "encoding that cannot be read" in error.reason and words in error.reason
        assert count_documents([path]) == 1


def test_entities_are_neither_fetched_nor_expanded_without_bound(tmp_path):
    external = tmp_path / "external.rss"
    secret = tmp_path / "secret.txt"
    secret.write_text(KANO)
    external.write_text(_rss_items("<item><description>&x;</description></item>").replace(
        "?>", f'?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>', 1))
    lol = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10))
    bomb = tmp_path / "bomb.rss"
    bomb.write_text(_rss_items("<item><description>&a9;</description></item>").replace(
        "?>", f"?><!DOCTYPE r [{lol}]>", 1))
    for path, words in ((external, "undefined entity &x;"), (bomb, "amplification")):
        (error,) = iter_articles([path])
        assert isinstance(error, ReadError) and error.reason.startswith("not a well-formed feed"), error
        assert words in error.reason


def test_a_bad_item_is_reported_and_the_others_are_read(tmp_path):
    path = tmp_path / "mixed.rss"
    path.write_text(_rss_items(
        f"<item><guid>a</guid><description>{KANO}</description></item>",
        "<item><guid>no-text</guid><title>Headline only</title><description>  </description></item>",
        f"<item><guid>big</guid><description>{'a' * 1400}</description></item>",
        f"<item><guid>when</guid><pubDate>last spring</pubDate><description>{HAIFA}</description></item>",
        f"<item><guid>far</guid><pubDate>Mon, 01 Jan 99999999999999999999 00:00:00 GMT</pubDate>"  # overflows
        f"<description>{KANO}</description></item>",
        f"<item><guid>js</guid><link>javascript:alert(1)</link><description>{HEBRON}</description></item>",
    ))
    a, no_text, big, when, far, js = iter_articles([path], max_bytes=1000)
    assert a.text == KANO and a.publisher == "Wire"
    assert no_text == ReadError("Wire/no-text", "empty article (no text)")  # a guid scoped by its channel
    assert big == ReadError("Wire/big", "too large (1,400 bytes; the limit is 1,000)")
    assert isinstance(when, ReadError) and "'last spring'" in when.reason and "RFC 822" in when.reason
    assert isinstance(far, ReadError) and "RFC 822" in far.reason
    assert js.text == HEBRON and js.url is None  # a javascript: link is not stored
    assert count_documents([path]) == 6


def test_an_entry_nested_too_deeply_is_its_own_error(tmp_path):
    path = tmp_path / "deep.atom"
    deep = "<b>" * 5000 + KANO + "</b>" * 5000
    path.write_text(ATOM.replace(f"<p>{HEBRON}</p>", deep).replace("</feed>", f"<entry><id>b</id><summary>{HAIFA}"
                                                                             "</summary></entry></feed>"))
    error, second = iter_articles([path])
    assert error == ReadError(f"{path} item 1", "nested too deeply to read") and second.text == HAIFA


def test_post_numbers_of_two_feeds_are_two_articles(tmp_path):
    one, two = tmp_path / "one.rss", tmp_path / "two.rss"
    one.write_text(_rss_items(f'<item><guid isPermaLink="false">1</guid><description>{KANO}</description></item>'))
    two.write_text(_rss_items(f'<item><guid isPermaLink="false">1</guid><description>{HAIFA}</description></item>')
                   .replace("Wire", "Post"))
    assert [a.id for a in iter_articles([one, two])] == ["Wire/1", "Post/1"]
    linked = _rss_items(f"<item><guid>7</guid><link>https://a.example/7</link><description>{KANO}</description></item>",
                        f"<item><guid>urn:x:7</guid><link>https://a.example/8</link><description>{HAIFA}</description>"
                        "</item>")
    one.write_text(linked)
    assert [a.id for a in iter_articles([one])] == ["https://a.example/7", "urn:x:7"]  # a URI guid is the id


def test_ids_without_guid_or_link_are_a_hash_of_the_item(tmp_path):
    items = [f"<item><title>{title}</title><description>{text}</description></item>"
             for title, text in (("Kano", KANO), ("Haifa", HAIFA))]
    one, two = tmp_path / "one.rss", tmp_path / "two.rss"
    one.write_text(_rss_items(*items))
    two.write_text(_rss_items(*reversed(items)))
    first, second = (article.id for article in iter_articles([one]))
    assert first != second and first.startswith("item-")
    assert [a.id for a in iter_articles([one])] == [first, second]  # the same on every read
    assert [a.id for a in iter_articles([two])] == [second, first]  # and in any order


def test_ingest_and_extract_read_a_feed(tmp_path):
    feed = tmp_path / "kano.rss"
    feed.write_text(RSS.replace("</channel>", "<item><guid>empty</guid></item></channel>"))
    store = tmp_path / "kg"
    done = subprocess.run([EVENTKG, "ingest", str(feed), "--store", str(store), "--verbose"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "2 new, 0 updated, 0 unchanged, 1 failed" in done.stdout
    assert "failed Kano Daily/empty: empty article (no text)" in done.stderr and "[2/3]" in done.stderr
    with open_store(store, read_only=True) as kg:
        assert kg.article_ids() == ["https://kano.example/2022/03/attack", "https://kano.example/2022/03/rockets"]

    done = subprocess.run([EVENTKG, "extract", str(feed), "--format", "jsonl"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["https://kano.example/2022/03/attack", "https://kano.example/2022/03/rockets",
                                      "Kano Daily/empty"]
    assert any(e["type"] == "Attack" for e in out[0]["events"]) and "error" in out[2]

    done = subprocess.run([EVENTKG, "extract", str(feed)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert "3 articles in the file; --format jsonl extracts each" in done.stderr
