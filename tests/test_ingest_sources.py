"""Sources: folders, text, Markdown, HTML, JSON, JSONL, CSV, feeds and URLs.

Every bad input is reported by name, and the rest of the batch goes on. Feeds and
URLs are served from a local HTTP server on a loopback port (``http_site``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from builders import stub_extract
from flashpoint.errors import BadInput
from flashpoint.ingest import dedup
from flashpoint.ingest.sources import FieldMap, Input, expand
from flashpoint.pipeline import ingest
from flashpoint.store import Store

ENGLISH = ("Officials said on Monday that the two governments had agreed to resume talks "
           "after weeks of tension along the border, and both sides pledged restraint.")
MORE = ("The foreign ministers are expected to meet next week, a spokesman said, adding that "
        "the hotline between military commanders had been used twice since Friday.")


def page(title: str, body: str, *, date: str | None = "2025-05-08",
         site: str = "Example News") -> str:
    meta = f'<meta property="article:published_time" content="{date}T09:00:00Z">' if date else ""
    return (f"<!doctype html><html><head><title>{title} | {site}</title>{meta}"
            f'<meta property="og:site_name" content="{site}"></head><body>'
            "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1><p>{body}</p><p>{MORE}</p></article>"
            "<footer>Copyright 2025 Example News. All rights reserved.</footer></body></html>")


def feed(base: str, items: list[tuple[str, str, str | None]], *, title: str = "Border Wire"
         ) -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}/{link}</link>"
        + (f"<pubDate>{d}</pubDate>" if d else "") + "</item>" for t, link, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>{base}</link>{entries}</channel></rss>")


def split(items):
    items = list(items)
    good = [i for i in items if isinstance(i, Input)]
    bad = [i for i in items if isinstance(i, BadInput)]
    return good, bad


# ------------------------------------------------------------------ files


def test_ingest_sources_folder_recursive_sorted_skips_hidden(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Second story\n" + ENGLISH, encoding="utf-8")
    (tmp_path / "a.txt").write_text("First story\n" + ENGLISH + " One.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden\n" + ENGLISH, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Hidden\n" + ENGLISH, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    good, bad = split(expand([str(tmp_path)]))
    assert [i.article.title for i in good] == ["First story", "Second story"]
    assert [i.origin for i in good] == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "two.txt")]
    [unsupported] = bad
    assert unsupported.source == str(tmp_path / "photo.png")
    assert "unsupported file type" in unsupported.reason


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty text"),
        ("binary.txt", b"\x00\x01\x02\x03binary" * 50, "binary"),
        ("binary.html", b"\x00\xff\xfe garbage" * 50, "binary"),
        ("corrupt.html", b"<html><body><div><p></p></div><scr", "no article text"),
        ("tags.html", b"<<<>>><div <p <<<", "no article text"),
        ("latin1.json", b'{"text": "caf\xe9"}', "UTF-8"),
        ("broken.xml", b"<rss><channel><title>x</title><item><ti", "broken feed XML"),
        ("list.json", b"[1, 2]", "JSON object"),
        ("nope.json", b"{not json", "malformed JSON"),
        ("no_text.csv", b"title,body\nA,B\n", 'no "text" column'),
    ],
)
def test_ingest_sources_bad_file_named(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    good, bad = split(expand([str(path)]))
    assert good == []
    assert bad, f"{name} was not reported"
    assert str(path) in str(bad[0])
    assert reason in str(bad[0])


def test_ingest_sources_missing_path_named(tmp_path):
    [bad] = expand([str(tmp_path / "nope.txt")])
    assert isinstance(bad, BadInput) and "no such file" in bad.reason


def test_ingest_sources_jsonl_bad_lines_named_rest_go_on(tmp_path):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "published": "2025-05-09", "text": ENGLISH}),
        "{oops",
        json.dumps({"id": "c", "text": ""}),
        "",
        json.dumps({"text": ENGLISH + " Later."}),
    ]), encoding="utf-8")
    items = list(expand([str(path)]))
    assert [type(i).__name__ for i in items] == ["Input", "BadInput", "BadInput", "Input"]
    assert items[1].line == 2 and "malformed JSON" in str(items[1])
    assert items[2].line == 3 and "empty" in str(items[2])
    assert items[0].origin == f"{path}:1" and items[0].article.published == "2025-05-09"
    assert items[3].article.id == f"{path}:5"


def test_ingest_sources_json_and_csv_with_configured_fields(tmp_path):
    fields = FieldMap(text="body", title="headline", published="meta.date", id="uid",
                      outlet="source")
    records = [{"uid": "x1", "headline": "Talks resume", "body": ENGLISH,
                "meta": {"date": "2025-05-08T10:00:00Z"}, "source": "Wire"},
               {"uid": "x2", "headline": "No body"}]
    (tmp_path / "items.json").write_text(json.dumps(records), encoding="utf-8")
    (tmp_path / "rows.csv").write_text(
        'uid,headline,body,date,source\n'
        f'r1,"Ceasefire holds","{ENGLISH}",2025-05-07,Daily\n', encoding="utf-8")
    items = list(expand([str(tmp_path / "items.json"), str(tmp_path / "rows.csv")],
                        fields=FieldMap(text="body", title="headline", published="date",
                                        id="uid", outlet="source")))
    good, bad = split(items)
    assert [i.article.id for i in good] == ["x1", "r1"]
    assert good[1].article.published == "2025-05-07" and good[1].article.outlet == "Daily"
    assert good[1].origin == f"{tmp_path / 'rows.csv'}:2"
    assert len(bad) == 1 and 'missing "body"' in bad[0].reason
    assert bad[0].source == f"{tmp_path / 'items.json'}[1]"
    [dotted] = [i for i in expand([str(tmp_path / "items.json")], fields=fields)
                if isinstance(i, Input)]
    assert dotted.article.published == "2025-05-08" and dotted.article.outlet == "Wire"


def test_ingest_sources_markdown_front_matter(tmp_path):
    path = tmp_path / "story.md"
    path.write_text("---\ntitle: Talks resume\ndate: 2025-05-06\noutlet: Desk\n---\n"
                    f"# Talks resume\n\n**NEW DELHI:** {ENGLISH} [More](http://x.org)\n",
                    encoding="utf-8")
    [item] = expand([str(path)])
    assert item.article.title == "Talks resume"
    assert item.article.published == "2025-05-06" and item.article.outlet == "Desk"
    assert "**" not in item.article.text and "More" in item.article.text
    assert "http://x.org" not in item.article.text


def test_ingest_sources_published_is_the_fallback(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n" + ENGLISH, encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": ENGLISH, "published": "2025-01-02"}),
                                      encoding="utf-8")
    good, _ = split(expand([str(tmp_path)], published="2025-05-09"))
    assert [i.article.published for i in good] == ["2025-05-09", "2025-01-02"]
    [bad] = expand([str(tmp_path)], published="May 9")
    assert isinstance(bad, BadInput) and bad.source == "--published"


def test_ingest_sources_html_file_text_and_metadata(tmp_path):
    path = tmp_path / "story.html"
    path.write_text(page("Border talks resume", ENGLISH), encoding="utf-8")
    [item] = expand([str(path)])
    art = item.article
    assert art.title == "Border talks resume"
    assert art.published == "2025-05-08" and art.outlet == "Example News"
    assert ENGLISH in art.text and MORE in art.text
    assert "Home" not in art.text and "Copyright" not in art.text


# ------------------------------------------------------------------ URLs and feeds


def test_ingest_sources_url_html_page(http_site):
    base, folder = http_site
    (folder / "story.html").write_text(page("Border talks resume", ENGLISH), encoding="utf-8")
    [item] = expand([f"{base}/story.html"])
    assert isinstance(item, Input)
    assert item.origin == f"{base}/story.html" and item.article.url == f"{base}/story.html"
    assert item.article.published == "2025-05-08"


def test_ingest_sources_unreachable_url_named(closed_port_url):
    [bad] = expand([closed_port_url])
    assert isinstance(bad, BadInput)
    assert bad.source == closed_port_url and "could not fetch" in bad.reason


def test_ingest_sources_url_404_named(http_site):
    base, _ = http_site
    [bad] = expand([f"{base}/missing.html"])
    assert isinstance(bad, BadInput) and "404" in bad.reason


def test_ingest_sources_feed_url_fetches_entry_pages(http_site, closed_port_url):
    base, folder = http_site
    (folder / "one.html").write_text(page("Talks resume", ENGLISH), encoding="utf-8")
    (folder / "two.html").write_text(page("Hotline used", MORE + " " + ENGLISH, date=None),
                                     encoding="utf-8")
    (folder / "feed.rss").write_text(feed(base, [
        ("Talks resume", "one.html", "Thu, 08 May 2025 10:00:00 GMT"),
        ("Hotline used", "two.html", "Fri, 09 May 2025 07:30:00 GMT"),
        ("Gone", "gone.html", None),
    ]), encoding="utf-8")
    items = list(expand([f"{base}/feed.rss"]))
    good, bad = split(items)
    assert [i.article.title for i in good] == ["Talks resume", "Hotline used"]
    assert [i.article.published for i in good] == ["2025-05-08", "2025-05-09"]  # page, feed
    assert good[0].article.outlet == "Border Wire"
    [gone] = bad
    assert f"{base}/gone.html" in gone.source and "404" in gone.reason


def test_ingest_sources_broken_feed_reported_recovered_entries_read(http_site, tmp_path):
    base, folder = http_site
    (folder / "one.html").write_text(page("Talks resume", ENGLISH), encoding="utf-8")
    broken = feed(base, [("Talks resume", "one.html", None)])[:-len("</channel></rss>")]
    path = tmp_path / "broken.xml"
    path.write_text(broken + "<item><title>cut", encoding="utf-8")
    good, bad = split(expand([str(path)]))
    assert [i.article.title for i in good] == ["Talks resume"]
    assert bad[0].source == str(path) and "broken feed XML" in bad[0].reason


def test_ingest_sources_not_a_feed(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><catalog><book>x</book></catalog>', encoding="utf-8")
    [bad] = expand([str(path)])
    assert isinstance(bad, BadInput) and str(path) == bad.source


# ------------------------------------------------------------------ duplicates


def test_ingest_sources_duplicate_files_reported_and_linked(tmp_path):
    text = "Story\nIndia met Pakistan on 2025-05-08 in Delhi. " + ENGLISH
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    store = Store(":memory:")
    report = ingest([str(tmp_path)], db=store, extractor=stub_extract)
    assert report.ingested == 1
    [dup] = report.duplicates
    assert dup.origin == str(tmp_path / "b.txt")
    assert "exact copy of" in dup.detail and str(tmp_path / "a.txt") in dup.detail
    assert store.counts()["exact_copies"] == 1 and store.counts()["events"] == 1
    again = ingest([str(tmp_path)], db=store, extractor=stub_extract)
    assert again.ingested == 0 and again.exists == 2 and not again.duplicates


def test_ingest_sources_wire_copy_is_linked_not_counted(tmp_path):
    body = ("India met Pakistan on 2025-05-08 in Delhi. " + ENGLISH + " " + MORE + " "
            + ENGLISH.replace("Monday", "Tuesday") + " " + MORE.replace("twice", "three times"))
    lines = [json.dumps({"id": "orig", "outlet": "Wire", "title": "Talks", "text": body}),
             json.dumps({"id": "copy", "outlet": "Daily", "title": "Talks held",
                         "text": "By Staff. " + body + " Reporting by the desk."}),
             json.dumps({"id": "other", "outlet": "Herald", "text": MORE + " " + ENGLISH})]
    (tmp_path / "wire.jsonl").write_text("\n".join(lines), encoding="utf-8")
    store = Store(":memory:")
    report = ingest([str(tmp_path / "wire.jsonl")], db=store, extractor=stub_extract)
    assert report.ingested == 2
    [dup] = report.duplicates
    assert dup.origin.endswith(":2") and "near copy of" in dup.detail
    articles = store.articles()
    copy = articles[articles["id"] == "copy"].iloc[0]
    assert copy["duplicate_of"] == articles[articles["id"] == "orig"].iloc[0]["article_id"]
    assert copy["similarity"] >= dedup.THRESHOLD and pd.isna(copy["num_reports"])
    [event] = store.events().to_dict("records")
    assert event["num_articles"] == 1


def test_ingest_sources_lsh_params_match_datasketch():
    assert dedup.lsh_params(0.8, 128) == (9, 13)
    sig = dedup.signature(ENGLISH)
    assert sig.dtype == np.uint32 and len(sig) == dedup.NUM_PERM
    assert len(dedup.band_keys(sig)) == 9
    assert dedup.jaccard(sig, dedup.signature(ENGLISH)) == 1.0
    assert dedup.jaccard(sig, dedup.signature(MORE)) < 0.2


@pytest.mark.parametrize(
    ("data", "titles"),
    [((json.dumps({"title": "One", "text": ENGLISH}) + "\n"
       + json.dumps({"title": "Two", "text": MORE}) + "\n").encode(), ["One", "Two"]),
     (("Talks resume\n" + ENGLISH).encode(), ["Talks resume"])],
    ids=["jsonl", "text"],
)
def test_ingest_sources_stdin_jsonl_or_text(monkeypatch, data, titles):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    good, bad = split(expand(["-"], published="2025-05-09"))
    assert [i.article.title for i in good] == titles and not bad
    assert all(i.article.published == "2025-05-09" for i in good)
