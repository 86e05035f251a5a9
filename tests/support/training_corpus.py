"""A tiny synthetic corpus for the training-pair tests: one law in two versions and a regulation
that copies one of its paragraphs (text written for the tests, parsed by the real parser)."""

from __future__ import annotations

from pathlib import Path

LAW_2019 = """# 中华人民共和国示范法

（2019年5月1日第十三届全国人民代表大会常务委员会第十次会议通过）

第一条 为了规范示范活动，保障参与者的合法权益，制定本法。

第二条 示范活动的组织者应当提前七日公告活动的时间和地点。

第三条 本法自公布之日起施行。
"""

LAW_2023 = """# 中华人民共和国示范法

（2019年5月1日第十三届全国人民代表大会常务委员会第十次会议通过　根据2023年3月1日第十四届全国人民代表大会常务委员会第一次会议《关于修改〈中华人民共和国示范法〉的决定》修正）

第一条 为了规范示范活动，保障参与者的合法权益，制定本法。

第二条 示范活动的组织者应当提前十五日公告活动的时间、地点和报名方式。
参与者可以在活动开始前撤回报名，组织者不得收取撤回费用。

第三条 本法自公布之日起施行。
"""

REGULATION = """# 示范活动管理条例

（2020年1月1日国务院令第一号公布）

第一条 示范活动的组织者应当提前十五日公告活动的时间、地点和报名方式。

第二条 县级以上人民政府示范活动主管部门负责本行政区域内示范活动的监督管理。
"""

FILES = {
    "法律/示范法(2019-05-01).md": LAW_2019,
    "法律/示范法(2023-03-01).md": LAW_2023,
    "行政法规/示范活动管理条例(2020-01-01).md": REGULATION,
}


def write_corpus(root: Path) -> Path:
    """Write the synthetic corpus under `root` and return it."""
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
