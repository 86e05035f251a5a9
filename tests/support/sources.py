"""Real documents for the small indexes tests build, and copying them into a tmp corpus."""

from __future__ import annotations

from pathlib import Path

# A handful of real documents for a small real index, built once per test session.
SMALL_SOURCES = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2015-08-29).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2025-03-11).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "法律/宪法相关法/地方各级人民代表大会和地方各级人民政府组织法(2022-03-11).md",
    "法律/宪法相关法/各级人民代表大会常务委员会监督法(2006-08-27).md",
    "法律/宪法相关法/各级人民代表大会常务委员会监督法(2024-11-08).md",
    "法律/宪法/宪法.md",
    "法律/民法典/总则.md",
    "法律/社会法/劳动合同法(2012-12-28).md",
    "法律/行政法/广告法(2021-04-29).md",
    "法律/经济法/广告法(2021-04-29).md",
    "法律/刑法/刑法修正案（十一）.md",
    "司法解释/最高人民法院关于海事诉讼管辖问题的规定(2016-02-24).md",
    "地方性法规/浙江/浙江省组织实施宪法宣誓制度办法(2015-07-30).md",
    "工作简报/代表工作简报(2024年度第2期).txt",
)


def copy_sources(corpus_dir: Path, target: Path, sources=SMALL_SOURCES) -> Path:
    """Copy some real documents (keeping their relative paths) into `target`."""
    import shutil

    for source in sources:
        dest = target / source
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus_dir / source, dest)
    return target


# National laws with local measures implementing them and the bulletin: links, 地方实施, 相关规定
# (tests/links/, tests/browser/test_browser_links.py).
LINK_SOURCES = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2015-08-29).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会代表法(2025-03-11).md",
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "法律/宪法相关法/地方各级人民代表大会和地方各级人民政府组织法(2022-03-11).md",
    "法律/宪法/宪法.md",
    "地方性法规/浙江/浙江省实施《全国人民代表大会和地方各级人民代表大会代表法》办法(2016-05-27).md",
    "地方性法规/北京/北京市实施《全国人民代表大会和地方各级人民代表大会代表法》办法(2014-01-22).md",
    "工作简报/代表工作简报(2024年度第2期).txt",
)
