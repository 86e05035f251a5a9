"""Readers: which articles an answer cites, Legal-DC clauses, STARD's held-out split, pinned files."""

from __future__ import annotations

import json
import subprocess

import pytest

from training.citations import cited, cites
from training.readers import lawyer_llama, legal_dc, stard
from training.sources import Repo, SourceMissing, read_file

LAWS = [
    "《民法典》第一千零七十九条：夫妻一方要求离婚的，可以直接起诉。",
    "《民法典》第一千零八十条：完成离婚登记，即解除婚姻关系。",
    "《民法典》第二百六十一条：农民集体所有的不动产属于本集体成员集体所有。",
]


def test_an_article_counts_as_cited_only_for_the_law_named_before_it():
    answer = "根据《民法典》第一千零七十九条和第一千零八十条，您可以起诉。依照《刑法》第二百六十一条处罚。"
    refs = cited(answer)
    assert cites(refs, "中华人民共和国民法典", 1079, 0) and cites(refs, "民法典", 1080, 0)
    assert not cites(refs, "民法典", 261, 0)
    assert cites(cited("上述第261条另有规定。"), "民法典", 261, 0)  # no title in the sentence


def test_lawyer_llama_keeps_cited_articles_and_pools_repeated_questions():
    single = [
        {
            "query": "他不同意离婚怎么办？",
            "laws": LAWS,
            "response": "可依《民法典》第一千零七十九条起诉。",
        },
        {"query": "彩礼要退吗？", "laws": LAWS[:1], "response": "要看具体情况。"},
    ]
    multi = [
        {
            "query": "他不同意离婚怎么办？",
            "laws": LAWS,
            "history": [
                "[客户] 他不同意离婚怎么办？",
                "[律师] 登记后依《民法典》第1080条解除婚姻关系。",
            ],
        }
    ]
    qs = lawyer_llama.questions_from(
        {
            "data/legal_counsel_with_article_v2.json": single,
            "data/legal_counsel_multi_turn_with_article_v2.json": multi,
        }
    )
    assert [q.id for q in qs] == ["lawyer-llama-counsel-0", "lawyer-llama-counsel-1"]
    first, second = qs
    assert [(r.title, r.article) for r in first.references] == [("民法典", 1079), ("民法典", 1080)]
    assert first.set_aside == [("not cited by the answer", "《民法典》第二百六十一条")]
    assert first.references[0].text.startswith("夫妻一方要求离婚的")
    assert second.references == [] and second.set_aside[0][0] == "not cited by the answer"


def test_legal_dc_clauses_become_references_with_their_labels_when_given():
    rows = [
        {
            "query": "谁负责监督？",
            "title": "示范条例",
            "document": ["第二条　县级以上人民政府负责监督。"],
        },
        {"query": "谁负责监督？", "title": "示范条例", "document": ["示范活动应当公告。"]},
    ]
    (q,) = legal_dc.questions_from(rows)
    assert q.kind == "faq" and q.id == "legal-dc-0"
    assert [(r.name, r.article, r.text) for r in q.references] == [
        ("《示范条例》第二条", 2, "县级以上人民政府负责监督。"),
        ("《示范条例》示范活动应当公告。…", None, "示范活动应当公告。"),
    ]


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_files_are_read_at_the_pinned_commit_of_a_git_copy(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    _git("init", "-q", cwd=work)
    (work / "data.json").write_text('{"v": 1}', encoding="utf-8")
    _git("add", ".", cwd=work)
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one", cwd=work)
    pinned = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True, check=True
    ).stdout.strip()
    (work / "data.json").write_text('{"v": 2}', encoding="utf-8")
    _git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "two", cwd=work)
    root = tmp_path / "sources"
    root.mkdir()
    _git("clone", "-q", "--bare", str(work), str(root / "own+data" / "repo"), cwd=tmp_path)
    repo = Repo("own/data", pinned, "MIT", True)
    assert json.loads(read_file(repo, root, "data.json")) == {"v": 1}
    with pytest.raises(SourceMissing, match="cannot read"):
        read_file(repo, root, "absent.json")
    with pytest.raises(SourceMissing, match="git clone"):
        read_file(Repo("own/other", pinned, "MIT", True), root, "data.json")


def test_stard_questions_outside_the_train_split_are_held_out(tmp_path):
    base = tmp_path / "oneal2000+STARD"
    (base / "data" / "example").mkdir(parents=True)
    rows = [{"query_id": n, "问题": f"问题{n}"} for n in range(4)]
    (base / "data" / "queries.json").write_text(
        json.dumps(rows, ensure_ascii=False), encoding="utf-8"
    )
    (base / "data" / "example" / "train.query.txt").write_text(
        "0\t问题0\n2\t问题2\n", encoding="utf-8"
    )
    assert stard.held_out(tmp_path) == [("stard-1", "问题1"), ("stard-3", "问题3")]
    assert len(stard.all_questions(tmp_path)) == 4


def test_legal_dc_written_out_line_breaks_are_line_breaks():
    rows = [{"query": "条件？", "title": "示范条例", "document": ["应当具备下列条件:\\n(一)场所;"]}]
    (q,) = legal_dc.questions_from(rows)
    assert q.references[0].text == "应当具备下列条件:\n(一)场所;"
