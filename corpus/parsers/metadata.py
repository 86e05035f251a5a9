"""Document metadata from title, history and folder: issuer, kind, region, city."""

from __future__ import annotations

import re

from corpus.parsers.patterns import DATE, squash
from kb.models import HistoryEntry
from kb.numerals import NUM_CLASS

PROVINCES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
)
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
FOLDER_KINDS = {
    name: name
    for name in ("法律", "行政法规", "监察法规", "司法解释", "部门规章", "地方性法规", "工作简报")
}
ISSUING_EVENTS = ("通过", "发布", "公布", "批准", "颁布", "印发", "修订", "修正")
_SESSION = re.compile(rf"第?{NUM_CLASS}届")
_TITLE_ORGAN_PART = (
    r"最高人民法院|最高人民检察院|国务院"
    r"|全国人民代表大会常务委员会|全国人民代表大会"
)
_TITLE_ORGAN = re.compile(rf"^((?:{_TITLE_ORGAN_PART})+)关于")
_MEETING = re.compile(
    r"(?:部长办公|主任办公|审判委员会|检察委员会)?(?:第[^次]{1,8}次)?"
    r"(?:全体|常务|部务|局务|委务|办公|主任)?会议.*$"
)
_ORDER = re.compile(r"(?:令)?第[^号]{1,8}号(?:令)?.*$")
_LEVEL = "(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)"
_PROVINCE = re.compile(rf"^({'|'.join(PROVINCES)}){_LEVEL}?")
_CITY = re.compile(r"^([^省市，、（《]{2,4}?)(?:市|经济特区)")
_CITY_ISSUER = re.compile(r"^([^省市、]{2,4}?)市人民代表大会")
_PROVINCE_STRICT = re.compile(rf"^(?:{'|'.join(PROVINCES)}){_LEVEL}")
_LOCAL_ISSUER = re.compile(r"^(?!全国)[^、]*?(?:省|市|自治区|自治州|县|区)人民代表大会")
_MINISTRY = re.compile(r"(?:部|总局|局|署|委员会|银行|办公厅)$")


def organ(body: str) -> str:
    """第十二届全国人民代表大会常务委员会第十六次会议 → 全国人民代表大会常务委员会."""
    names = [_organ_one(part) for part in body.split("、")]
    return "、".join(dict.fromkeys(n for n in names if n))


def _organ_one(text: str) -> str:
    text = DATE.sub("", text.strip()).removeprefix("经")
    text = _SESSION.sub("", text)
    text = _MEETING.sub("", text)
    text = _ORDER.sub("", text)
    text = re.sub(r"公告$", "", text).replace("人民代表大会常委会", "人民代表大会常务委员会")
    return text.removeprefix("中华人民共和国").strip()


def issuing_organs(history: tuple[HistoryEntry, ...], title: str = "") -> list[str]:
    """Every body named by an adoption, approval or promulgation line, in order.

    Falls back to the body a title starts with (最高人民法院关于…) when there is no history.
    """
    names = [organ(h.body) for h in history if h.event in ISSUING_EVENTS]
    place = _place(title)
    names = [place + n if n.startswith(("市", "省")) and place else n for n in names if n]
    if not names:
        m = _TITLE_ORGAN.match(squash(title).replace("、", ""))
        names = ["、".join(re.findall(_TITLE_ORGAN_PART, m.group(1)))] if m else []
    return names


def _place(title: str) -> str:
    """宁波市… → 宁波: the place a local title starts with (to complete 市十四届… bodies)."""
    key = squash(title)
    m = _PROVINCE.match(key) or _CITY.match(key)
    return m.group(1) if m else ""


def infer_kind(title: str, organs: list[str], folder: str | None) -> str:
    """One of kb.models.KINDS, from title and issuing bodies, else from the top-level folder."""
    key = squash(title)
    joined = "、".join(organs)
    if key.startswith(("中华人民共和国宪法", "宪法修正案")) or key == "宪法":
        return "宪法"
    if folder == "工作简报" or key.endswith("简报") or "简报(" in key:
        return "工作简报"
    if "最高人民法院" in joined or "最高人民检察院" in joined:
        return "司法解释"
    if "国家监察委员会" in joined:
        return "监察法规"
    if any(_LOCAL_ISSUER.match(o) for o in organs) or (
        folder == "地方性法规" and _PROVINCE_STRICT.match(key)
    ):
        return "地方性法规"  # a local title in the local folder wins over a copied national header
    if any(o.startswith("全国人民代表大会") for o in organs):
        return "法律"
    if "国务院" in joined:
        return "行政法规"
    if _PROVINCE.match(key):
        return "地方性法规"
    if organs and _MINISTRY.search(organs[0].split("、")[0]) and "中共" not in joined:
        return "部门规章"
    return FOLDER_KINDS.get(folder or "", "其他")


def infer_region(title: str, issuer: str | None, folders: tuple[str, ...]) -> str | None:
    """Province of a local text: its 地方性法规/<province> folder, else title or issuer prefix."""
    if len(folders) > 1 and folders[0] == "地方性法规" and folders[1] in PROVINCES:
        return folders[1]
    for text in (squash(title), issuer or ""):
        m = _PROVINCE.match(text)
        if m and not text.startswith("中华人民共和国"):
            return m.group(1)
    return None


def infer_city(title: str, issuer: str | None) -> str | None:
    """City of a local text: from its 青岛市人民代表大会… issuer, else a 东莞市… title."""
    m = _CITY_ISSUER.match(issuer or "")
    if m and m.group(1) not in PROVINCES:
        return m.group(1)
    key = squash(title)
    m = _CITY.match(key)
    if m and not _PROVINCE.match(key) and not m.group(1).startswith(("关于", "中华")):
        return m.group(1)
    return None
