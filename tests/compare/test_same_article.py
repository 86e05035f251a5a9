"""The same article in another version is decided once (kb/compare/same_article.py), so the links
panel, the earlier wording after a search hit and the article's history pair a renumbered article
alike: 代表法's 2025 revision renumbered 2015 第三十六条 as 第四十四条 (and reworded it), while
2015 第四十四条 is another rule. On a small real index of both versions and two local measures
implementing the 2015 text: Chongqing's 2016 measure implements 第三十六条, Beijing's 第四十四条."""

from __future__ import annotations

import re

import pytest

from indexer.build import build_index
from kb.compare.earlier import earlier_article
from kb.compare.same_article import finder_in_every_version
from kb.config import load_settings
from kb.engine.articles import article_finder
from kb.library import Library
from kb.links.reading.table import link_table
from tests.support.shapes import checked_app
from tests.support.sources import LINK_SOURCES, copy_sources

CHONGQING = (
    "地方性法规/重庆/重庆市实施《全国人民代表大会和地方各级人民代表大会代表法》办法(2016-03-31).md"
)
SOURCES = (*LINK_SOURCES[:2], LINK_SOURCES[6], CHONGQING)  # 代表法 2015, 2025; Beijing


@pytest.fixture(scope="module")
def lib(tmp_path_factory, corpus_dir):
    root = tmp_path_factory.mktemp("same_article")
    corpus = copy_sources(corpus_dir, root / "corpus", SOURCES)
    settings = load_settings({}, corpus_dirs=(corpus,), index_dir=root / "index")
    build_index(settings, procs=1)
    return Library(settings.index_dir)


@pytest.fixture(scope="module")
def articles(lib):
    """2015 第三十六条, 2025 第四十四条 (the same rule), 2015 第四十四条 (another)."""
    old, new = lib.find_version("代表法2015"), lib.find_version("代表法2025")
    return lib.article_in(old, 36), lib.article_in(new, 44), lib.article_in(old, 44)


def test_the_history_follows_the_renumbering(lib, articles):
    was, now, _other = articles
    for asked in (was, now):
        history = lib.passage_history(asked.id)
        assert [v.passage.id for v in history.versions] == [was.id, now.id]
        assert [v.status for v in history.versions] == ["original", "renumbered"]


def test_the_earlier_wording_is_the_same_article(lib, articles):
    was, now, _other = articles
    snap = lib.snapshot()
    assert earlier_article(snap, snap.docnum_of(now.id)) == snap.docnum_of(was.id)
    assert earlier_article(snap, snap.docnum_of(was.id)) is None  # the old version's own


def test_the_links_panel_shows_what_was_made_to_the_same_article(lib, articles):
    was, now, other = articles
    table = link_table(lib.snapshot())
    to_was = {x.source for x in table.by_target.get(was.id, ())}
    to_other = {x.source for x in table.by_target.get(other.id, ())}
    assert to_was and to_other and not to_was & to_other  # Chongqing; Beijing
    for asked in (was, now):
        shown = {x.passage.id for x in lib.links(asked.id).implemented_by}
        assert shown == to_was
    doc = lib.document_links(now.doc_id)
    assert doc.counts[now.ordinal][2] == len(to_was)  # the document page's count alike


def switch(client, passage, to_id: str) -> str:
    """Where the document page's link to version `to_id`, shown at `passage`, leads."""
    html = client.get(f"/documents/{passage.doc_id}?p={passage.ordinal}").get_data(as_text=True)
    tag = re.search(rf'<a [^>]*data-version="{to_id}"[^>]*>', html)
    assert tag
    response = client.get(re.search(r'href="([^"]+)"', tag[0])[1].replace("&amp;", "&"))
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_version_switcher_lands_on_the_same_article(lib, articles):
    was, now, _other = articles
    client = checked_app({"INDEX_DIR": str(lib.store.root), "LIBRARY": lib}).test_client()
    for here, there in ((now, was), (was, now)):  # the 版本 list; 查看现行版本 on the old one
        landing = f"/documents/{there.doc_id}?p={there.ordinal}#p{there.ordinal}"
        assert switch(client, here, there.doc_id).endswith(landing)


def test_an_article_without_counterpart_switches_to_the_top(lib, articles):
    was, now, _other = articles
    client = checked_app({"INDEX_DIR": str(lib.store.root), "LIBRARY": lib}).test_client()
    old = lib.document(was.doc_id).document.passages
    gone = next(p for p in old if p.article and lib.same_article_in(p.id, now.doc_id) is None)
    assert switch(client, gone, now.doc_id).endswith(f"/documents/{now.doc_id}?unmatched=1")


def test_a_remembered_reference_reaches_the_article_in_every_version(lib, articles):
    """The question memory's references (source file, article number) follow the article, so a
    remembered answer in a version since replaced still reaches the version a search shows."""
    was, now, other = articles
    snap = lib.snapshot()
    find = article_finder(snap)
    source = {p.doc_id: snap.docs.records[snap.row_of(p.doc_id)]["source"] for p in articles}
    docnum = {p.id: snap.docnum_of(p.id) for p in articles}
    wide = finder_in_every_version(snap)
    assert find(source[was.doc_id], 36) == (docnum[was.id],)
    assert wide(source[was.doc_id], 36) == (docnum[was.id], docnum[now.id])  # renumbered 44
    assert wide(source[now.doc_id], 44) == (docnum[now.id], docnum[was.id])
    assert docnum[other.id] not in wide(source[was.doc_id], 36) + wide(source[now.doc_id], 44)
    assert wide("法律/无此文件.md", 36) == () == wide(source[was.doc_id], 9999)
