"""Links on a small real index: 代表法 in two versions, two provinces' measures implementing it,
the bulletin; through the Library, the API, the pages, `kb links`, `kb check` and an update."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest
from click.testing import CliRunner

from cli import main
from indexer.build import build_index
from kb.config import load_settings
from kb.library import Library
from kb.links.store import LINKS, REFERENCES
from tests.support.shapes import checked_app
from tests.support.sources import LINK_SOURCES, copy_sources

DAIBIAO_2015 = "b0294960f2e5"  # 代表法(2015-08-29).md
ZHEJIANG = "79c9d8a41d81"  # 浙江省实施《…代表法》办法(2016-05-27).md
BULLETIN = "3aeff7a6f1eb"


@pytest.fixture(scope="module")
def lib(links_settings):
    return Library(links_settings.index_dir)


@pytest.fixture(scope="module")
def client(links_settings, lib):
    app = checked_app({"INDEX_DIR": str(links_settings.index_dir), "LIBRARY": lib, "TESTING": True})
    return app.test_client()


def test_a_local_measure_implements_the_version_in_force_when_it_was_made(lib):
    relations = lib.document_links(ZHEJIANG).relations
    assert [(rel, target.document.id) for rel, target in relations] == [
        ("implements", DAIBIAO_2015)
    ]
    national = lib.document_links(DAIBIAO_2015).implemented_by
    assert set(national) == {"浙江", "北京"}


def test_a_national_article_lists_the_local_articles_implementing_it(lib):
    article = lib.article_in(DAIBIAO_2015, 6)  # 代表受原选区选民或者原选举单位的监督
    implemented = lib.links(article.id).implemented_by
    assert "浙江" in {x.passage.document.region for x in implemented}
    assert all(x.relation in ("implements", "cites") for x in implemented)


def test_references_in_the_text_link_both_ways(lib):
    citing = lib.article_in(DAIBIAO_2015, 34)  # 代表按照本法第三十三条的规定执行代表职务
    cites = lib.links(citing.id).cites
    assert [(x.passage.document.id, x.passage.article, x.text) for x in cites] == [
        (DAIBIAO_2015, 33, "本法第三十三条")
    ]
    cited = lib.links(cites[0].passage.id).cited_by
    assert citing.id in {x.passage.id for x in cited}


def test_the_bulletin_names_documents_and_gets_related_rules(lib):
    links = lib.document_links(BULLETIN)
    named = {words: (target, reason) for words, target, reason in links.named}
    assert named["地方组织法"][0].document.title.endswith("地方各级人民政府组织法")
    assert named["《贵州省组织实施宪法宣誓制度办法》"] == (None, "work not in the collection")
    assert links.related and all(rules for rules in links.related.values())


def test_the_links_api_matches_its_schema(client, lib):
    spec = client.get("/api/openapi.json").get_json()
    article = lib.article_in(DAIBIAO_2015, 6)
    body = client.get(f"/api/passages/{article.id}/links").get_json()
    schema = {"$ref": "#/components/schemas/LinksEnvelope", "components": spec["components"]}
    jsonschema.Draft202012Validator(schema).validate(body)
    assert body["ok"] and body["implemented_by"]
    missing = client.get("/api/passages/nope-1/links")
    assert missing.status_code == 404 and missing.get_json()["ok"] is False


def test_pages_show_links(client, lib):
    page = client.get(f"/documents/{DAIBIAO_2015}").get_data(as_text=True)
    assert 'class="ref"' in page and "关联" in page
    article = lib.article_in(DAIBIAO_2015, 6)
    panel = client.get(f"/passages/{article.id}/links").get_data(as_text=True)
    assert "地方实施" in panel and "浙江" in panel
    found = client.get("/?q=浙江+代表法第六条").get_data(as_text=True)
    assert "地方实施条款" in found
    bulletin = client.get(f"/documents/{BULLETIN}").get_data(as_text=True)
    assert "文中提到的文件" in bulletin and "未收录" in bulletin
    assert bulletin.count('class="section-rules"') == len(lib.document_links(BULLETIN).related)


def test_kb_links_and_kb_check(links_settings, lib):
    env = {
        "KB_INDEX_DIR": str(links_settings.index_dir),
        "KB_CORPUS_DIR": str(links_settings.corpus_dirs[0]),
    }
    runner = CliRunner(env=env)
    shown = runner.invoke(main, ["links", lib.article_in(DAIBIAO_2015, 34).id])
    assert shown.exit_code == 0, shown.output
    assert "本法第三十三条" in shown.output
    by_citation = runner.invoke(main, ["links", "代表法第六条", "--json"])
    assert json.loads(by_citation.output)["ok"] is True
    checked = runner.invoke(main, ["check", "--json", "-q"])
    assert checked.exit_code == 0, checked.output
    summary = json.loads(checked.output)["references"]
    assert summary["by_kind"]["self"]["resolved"] == summary["by_kind"]["self"]["found"]
    assert summary["implementing"]["linked"] == summary["implementing"]["documents"] == 2


def test_an_update_resolves_everything_again(tmp_path, corpus_dir):
    sources = LINK_SOURCES[:1] + LINK_SOURCES[5:6]  # 代表法 2015 and the Zhejiang measure
    corpus = copy_sources(corpus_dir, tmp_path / "corpus", sources)
    settings = load_settings({}, corpus_dirs=(corpus,), index_dir=tmp_path / "index")
    build_index(settings, procs=1)
    article = Library(settings.index_dir).article_in(DAIBIAO_2015, 6)
    assert Library(settings.index_dir).links(article.id).implemented_by
    shutil.rmtree(corpus / "地方性法规")
    stats = build_index(settings)
    assert stats.mode == "incremental" and stats.removed == 1
    build = settings.index_dir / "builds" / stats.build
    assert ZHEJIANG not in json.loads((build / REFERENCES).read_text(encoding="utf-8"))
    assert (build / LINKS).is_file()
    assert not Library(settings.index_dir).links(article.id).implemented_by
