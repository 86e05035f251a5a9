"""A tiny synthetic corpus for the training-pair tests: one law in two versions and a regulation
that copies one of its paragraphs (text written for the tests, parsed by the real parser)."""

from __future__ import annotations

from pathlib import Path

from kb.numerals import int_to_cn

TITLE = "中华人民共和国示范法"
PASSED = "2019年5月1日第十三届全国人民代表大会常务委员会第十次会议通过"
AMENDED = (
    "根据2023年3月1日第十四届全国人民代表大会常务委员会第一次会议"
    "《关于修改〈中华人民共和国示范法〉的决定》修正"
)
PURPOSE = "为了规范示范活动，保障参与者的合法权益，制定本法。"
NOTICE_2023 = "示范活动的组织者应当提前十五日公告活动的时间、地点和报名方式。"
IN_FORCE = "本法自公布之日起施行。"


def document(title: str, origin: str, articles: list[str]) -> str:
    """Markdown of a document: its title, its origin note and numbered articles (an article's
    further paragraphs follow it on their own lines)."""
    lines = [f"# {title}", "", f"（{origin}）", ""]
    for number, text in enumerate(articles, 1):
        lines += [f"第{int_to_cn(number)}条 {text}", ""]
    return "\n".join(lines)


FILES = {
    "法律/示范法(2019-05-01).md": document(
        TITLE,
        PASSED,
        [PURPOSE, "示范活动的组织者应当提前七日公告活动的时间和地点。", IN_FORCE],
    ),
    "法律/示范法(2023-03-01).md": document(
        TITLE,
        f"{PASSED}　{AMENDED}",
        [
            PURPOSE,
            NOTICE_2023 + "\n参与者可以在活动开始前撤回报名，组织者不得收取撤回费用。",
            IN_FORCE,
        ],
    ),
    "行政法规/示范活动管理条例(2020-01-01).md": document(
        "示范活动管理条例",
        "2020年1月1日国务院令第一号公布",
        [NOTICE_2023, "县级以上人民政府示范活动主管部门负责本行政区域内示范活动的监督管理。"],
    ),
}


def write_corpus(root: Path) -> Path:
    """Write the synthetic corpus under `root` and return it."""
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
