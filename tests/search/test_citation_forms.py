"""Every citation, written any way people write it, at rank 1 (a bounded part of
bench/citation_forms.py): every work's names resolve over the whole parsed corpus; every written
form of a sample of works finds its article first through search, cite and the JSON API; questions
about a document are answered by its header."""

from __future__ import annotations

from collections import Counter

import pytest

from devkit.form_cases import check, generate
from devkit.written_forms import name_forms
from kb.query.aliases import AliasTable, aliases_for_title

# A sample spanning the kinds of documents, names that fit several works (物业管理条例, 议事规则,
# 组织法), versions, inserted articles (刑法), a former name, a title quoting a law, 关于 titles.
SAMPLE = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2015-08-29).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2025-03-11).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "法律/宪法相关法/地方各级人民代表大会和地方各级人民政府组织法(2022-03-11).md",
    "法律/宪法相关法/全国人民代表大会组织法(2021-03-11).md",
    "法律/宪法相关法/全国人民代表大会议事规则(2021-03-11).md",
    "法律/行政法/全国人民代表大会常务委员会议事规则(2022-06-24).md",
    "法律/宪法相关法/国务院组织法(2024-03-11).md",
    "法律/刑法/刑法.md",
    "法律/行政法/现役军官法(2000-12-28).md",
    "行政法规/物业管理条例(2018-03-19).md",
    "地方性法规/北京/北京市物业管理条例(2024-03-29).md",
    "地方性法规/山东/山东省物业管理条例(2021-12-03).md",
    "地方性法规/浙江/浙江省人民代表大会常务委员会议事规则(2020-11-27).md",
    "地方性法规/浙江/浙江省技术市场条例(2021-09-30).md",
    "地方性法规/浙江/浙江省实施《全国人民代表大会和地方各级人民代表大会代表法》办法(2016-05-27).md",
    "地方性法规/北京/北京市人民代表大会常务委员会关于加强市级预算审查监督的决定(2021-12-24).md",
    "司法解释/最高人民法院关于适用《婚姻法》若干问题的解释（一）(2001-12-24).md",
    "司法解释/最高人民法院关于海事诉讼管辖问题的规定(2016-02-24).md",
    "部门规章/公安部/公安机关办理行政案件程序规定(2019-04-27).md",
    "工作简报/代表工作简报(2024年度第2期).txt",
)


@pytest.fixture(scope="module")
def sample_library(tmp_path_factory, corpus_dir):
    """A Library over the sample plus every 120th file of the corpus (about 50 documents)."""
    from indexer.build import build_index
    from kb.config import load_settings
    from kb.library import Library
    from tests.support.sources import copy_sources

    files = sorted(str(p.relative_to(corpus_dir)) for p in corpus_dir.rglob("*") if p.is_file())
    sources = [s for s in SAMPLE if (corpus_dir / s).exists()] + files[::120]
    root = tmp_path_factory.mktemp("forms")
    corpus = copy_sources(corpus_dir, root / "corpus", tuple(dict.fromkeys(sources)))
    settings = load_settings({}, corpus_dirs=(corpus,), index_dir=root / "index")
    build_index(settings, procs=2)
    return Library(settings.index_dir)


@pytest.fixture(scope="module")
def outcomes(sample_library):
    return [check(sample_library, case) for case in generate(sample_library, per_work=2)]


def test_every_unambiguous_form_finds_its_article_first(outcomes):
    citations = [o for o in outcomes if o.case.target is not None]
    forms = Counter(o.case.form for o in citations)
    assert len(citations) > 500 and len(forms) >= 25
    failed = [(o.case.form, o.case.query, o.got) for o in citations if not o.ok and not o.ambiguous]
    assert not failed


def test_names_that_fit_several_works_mean_the_national_one(outcomes, sample_library):
    m = sample_library.snapshot().aliases().match_suffix("物业管理条例")
    assert m.works == {"物业管理条例"} and {"北京市物业管理条例", "山东省物业管理条例"} <= m.others
    result = sample_library.search("物业管理条例第十条")
    assert result.hits[0].document.title == "物业管理条例"
    assert "北京市物业管理条例" in result.understood["citations"][0]["offered"]
    ambiguous = [o for o in outcomes if o.ambiguous]
    assert ambiguous and all(o.chosen for o in ambiguous)


def test_document_questions_are_answered_by_the_header(outcomes):
    questions = [o for o in outcomes if o.case.target is None]
    assert len({o.case.form for o in questions}) == 6
    passed = sum(o.ok for o in questions)
    assert passed >= 0.95 * len(questions), [o.got for o in questions if not o.ok][:5]


def test_forms_through_the_json_api(sample_library, outcomes):
    from tests.support.shapes import checked_app

    app = checked_app(
        {"INDEX_DIR": str(sample_library.store.root), "LIBRARY": sample_library, "TESTING": True}
    )
    client = app.test_client()
    one_per_form = {o.case.form: o.case for o in outcomes if o.ok and o.case.target}
    for case in one_per_form.values():
        hit = client.get("/api/search", query_string={"q": case.query}).get_json()["hits"][0]
        assert hit["matched"] == "citation", case.query
        if len(case.target.positions) == 1:
            cited = client.get("/api/cite", query_string={"ref": case.query}).get_json()["hit"]
            assert cited["id"] == hit["id"], case.query
    header = client.get("/api/search", query_string={"q": "代表法还有效吗"}).get_json()["hits"][0]
    assert header["matched"] == "document" and "现行有效" in header["snippet"]["text"]
    again = client.get(f"/api/passages/{header['id']}").get_json()["hit"]
    assert again["id"] == header["id"] and again["citation"]["label"] == header["citation"]["label"]
    page = client.get("/", query_string={"q": "物业管理条例第十条"}).get_data(as_text=True)
    assert "也可指" in page and "北京市物业管理条例" in page
    page = client.get("/", query_string={"q": "代表法还有效吗"}).get_data(as_text=True)
    assert "文件信息" in page and "<mark>效力：现行有效</mark>" in page


def test_every_work_of_the_corpus_is_found_by_its_names(corpus_dir):
    """Name forms of all ~3,300 works over the parsed corpus: each resolves to its work, which
    is the one cited unless the name fits several works."""
    from corpus.collection import load_collection
    from kb.engine.doctable import DocTable
    from kb.records import document_record

    docs = load_collection([corpus_dir], processes=2, keep_passages=False).documents
    records = DocTable.build([document_record(d) for d in docs]).records
    places = tuple({r.get(k) for r in records for k in ("region", "city")} - {None})
    table = AliasTable.from_records(records, places)
    seen, unresolved, chosen, fit = set(), [], 0, 0
    for rec in records:
        if rec["work_key"] in seen:
            continue
        seen.add(rec["work_key"])
        place = rec.get("city") or rec.get("region") or ""
        for form, name in name_forms(
            rec["title"], place, tuple(aliases_for_title(rec["title"]))
        ).items():
            m = table.match_suffix(name)
            if not m or rec["work_key"] not in m.works | m.others:
                unresolved.append((form, name))
            elif rec["work_key"] in m.works:
                chosen += 1
            else:
                fit += 1
    assert len(seen) > 3000 and not unresolved
    assert fit < 0.01 * chosen


def test_document_answers_page_like_other_hits(sample_library):
    q = "议事规则是什么时候通过的"  # fits both national 议事规则: two headers
    whole = [h.id for h in sample_library.search(q, limit=4).hits]
    assert [h.endswith("-header") for h in whole] == [True, True, False, False]
    paged = [sample_library.search(q, offset=i, limit=1).hits[0].id for i in range(4)]
    assert paged == whole
