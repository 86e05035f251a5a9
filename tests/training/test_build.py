"""The whole build on synthetic sources and the synthetic corpus: kept, dropped and why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.search.evaluation import load_judged
from training.pairs import main

NOTICE = "示范活动的组织者应当提前十五日公告活动的时间、地点和报名方式。"
WITHDRAW = "参与者可以在活动开始前撤回报名，组织者不得收取撤回费用。"
LAWS = [
    f"《示范法》第二条：{NOTICE}{WITHDRAW}",
    "《示范法》第一条：为了规范示范活动，保障参与者的合法权益，制定本法。",
    "《示范法》第三条：本法自公布之日起施行。",
]
STARD_TRAIN_Q = "示范法什么时候开始施行？"
STARD_DEV_Q = "参加示范活动以后还能撤回报名吗？"


def _write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    llama = root / "AndrewZhe+lawyer-llama" / "data"
    counsel = [
        {
            "query": "组织者要提前几天公告示范活动？",
            "laws": LAWS,
            "response": "依照《示范法》第二条，应提前十五日公告；《刑法》第三条另有规定。",
        },
        {
            "query": "参加示范活动以后，还能撤回报名吗",
            "laws": LAWS,
            "response": "见《示范法》第二条。",
        },
        {"query": "示范活动收费合理吗？", "laws": LAWS, "response": "这要看当地的规定。"},
    ]
    _write(llama / "legal_counsel_with_article_v2.json", counsel)
    _write(llama / "legal_counsel_multi_turn_with_article_v2.json", [])
    _write(
        llama / "zixun_gpt4.json",
        [
            {
                "query": "邻居装修太吵怎么办？",
                "laws": ["《噪声法》第五条：禁止夜间施工。"],
                "response": "根据《噪声法》第五条处理。",
            },
        ],
    )
    _write(
        root / "legal-dc+Legal-DC" / "Legal-DC" / "data" / "pro_LawQA.json",
        [
            {
                "query": "报名后还能退出示范活动吗？",
                "title": "中华人民共和国示范法",
                "document": [WITHDRAW, NOTICE],  # two clauses of one article: one entry
            },
            {
                "query": "报名后还能退出示范活动吗？",
                "title": "示范活动办法",
                "document": ["可以退出。"],
            },
            {
                "query": "谁监督管理示范活动？",
                "title": "示范活动管理条例",
                "document": [
                    "第二条　县级以上人民政府示范活动主管部门负责本行政区域内示范活动的监督管理。"
                ],
            },
            {
                "query": "肉制品怎么审查？",
                "title": "肉制品审查细则（2023版）",
                "document": ["按细则审查。"],
            },
        ],
    )
    stard_dir = root / "oneal2000+STARD" / "data"
    _write(
        stard_dir / "queries.json",
        [{"query_id": 0, "问题": STARD_TRAIN_Q}, {"query_id": 1, "问题": STARD_DEV_Q}],
    )
    _write(stard_dir / "example" / "train.query.txt", f"0\t{STARD_TRAIN_Q}\n")
    return root


@pytest.fixture
def stard_train(tmp_path: Path) -> Path:
    entry = {
        "title": "中华人民共和国示范法",
        "article": 3,
        "version_file": "法律/示范法(2023-03-01).md",
        "snippet": "本法自公布之日起施行",
        "snippet_unique": True,
        "similarity": 1.0,
        "stard_name": "中华人民共和国示范法第三条",
    }
    rows = [
        {"id": "stard-0", "query": STARD_TRAIN_Q, "relevant": [entry]},
        {"id": "stard-7", "query": "参加示范活动以后还可以撤回报名吗？", "relevant": [entry]},
        {
            "id": "stard-8",
            "query": "示范法的目的是什么？",
            "relevant": [{**entry, "snippet": "不在条文里的文字"}],
        },
    ]
    path = tmp_path / "stard-train.jsonl"
    _write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def _records(out: Path, source: str) -> list[dict]:
    return [
        json.loads(line)
        for line in (out / f"{source}.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def test_build_maps_dedupes_and_logs(sources, stard_train, training_corpus, tmp_path, capsys):
    out = tmp_path / "out"
    argv = [
        "build",
        "--sources",
        str(sources),
        "--out",
        str(out),
        "--corpus",
        str(training_corpus),
        "--stard-train",
        str(stard_train),
    ]
    assert main(argv) == 0

    llama = _records(out, "lawyer-llama")
    assert [r["id"] for r in llama] == ["lawyer-llama-counsel-0"]
    (entry,) = llama[0]["relevant"]
    assert (entry["article"], entry["version_file"], entry["similarity"]) == (
        2,
        "法律/示范法(2023-03-01).md",
        1.0,
    )
    assert (
        entry["snippet"] in WITHDRAW and entry["snippet_unique"]
    )  # the notice is copied elsewhere
    assert entry["passage_id"] in entry["passage_ids"] and llama[0]["fold"] in (0, 1)
    log = json.loads((out / "lawyer-llama.log.json").read_text(encoding="utf-8"))
    assert log["dropped_questions"] == {
        "duplicate of a STARD question (exact)": 1,  # same but for punctuation
        "no cited article": 1,
        "no reference mapped onto the corpus": 1,
    }
    assert log["dropped_references"]["not cited by the answer"] == 5
    assert log["dropped_references"]["title not in corpus"] == 1

    dc = {r["id"]: r for r in _records(out, "legal-dc")}
    assert sorted(dc) == ["legal-dc-0", "legal-dc-2"]  # ids are row numbers
    assert dc["legal-dc-0"]["relevant"][0]["note"] == "partial_quote"
    assert len(dc["legal-dc-0"]["relevant"]) == 1 and dc["legal-dc-0"]["unmapped"] == 1
    assert (
        dc["legal-dc-2"]["relevant"][0]["version_file"]
        == "行政法规/示范活动管理条例(2020-01-01).md"
    )

    st = _records(out, "stard")
    assert [r["id"] for r in st] == [
        "stard-0"
    ]  # stard-7 is a held-out duplicate, stard-8 unverified
    assert st[0]["relevant"][0]["passage_ids"] and st[0]["kind"] == "stard"
    stard_log = json.loads((out / "stard.log.json").read_text(encoding="utf-8"))
    assert stard_log["dropped_questions"] == {
        "duplicate of a held-out STARD question (near)": 1,
        "an entry failed verification": 1,
    }
    split = json.loads((out / "stard.folds.json").read_text(encoding="utf-8"))
    assert split["never_train"] == ["stard-7"] and set(split["folds"]) == {"stard-0", "stard-7"}
    # the files load as judged queries, as stard-train.jsonl does
    assert (
        len(load_judged([out / "lawyer-llama.jsonl", out / "legal-dc.jsonl", out / "stard.jsonl"]))
        == 4
    )
    assert "lawyer-llama: 1 of 4 questions kept" in capsys.readouterr().out


def test_a_missing_source_is_a_clear_error(tmp_path, training_corpus, stard_train, capsys):
    argv = [
        "build",
        "--sources",
        str(tmp_path / "nothing"),
        "--out",
        str(tmp_path / "out"),
        "--corpus",
        str(training_corpus),
        "--stard-train",
        str(stard_train),
    ]
    assert main(argv) == 2
    assert "oneal2000/STARD not found" in capsys.readouterr().err


def test_unknown_sources_are_refused(capsys):
    with pytest.raises(SystemExit):
        main(["build", "--only", "lawbench"])
    assert "unknown source" in capsys.readouterr().err
