"""Format loaders: real files from ../shared/corpus-formats against their sources, and bad input."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from functools import cache
from pathlib import Path

import docx as python_docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from corpus.loaders import html as html_loader
from corpus.loaders import load_text
from corpus.loaders.encoding import canonical_charset
from corpus.loaders.html_body import flat_lines
from corpus.loaders.pdf_layout import Row, drop_furniture, paragraphs
from corpus.text import Line, LoadedText, normalize_line
from kb.errors import UnreadableDocument

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
FORMATS = SHARED / "corpus-formats"
MANIFEST = json.loads((FORMATS / "manifest.json").read_text("utf-8")) if FORMATS.is_dir() else []
ARTICLE = re.compile(r"^第[〇零一二三四五六七八九十百千万\d]+条(?:之[一二三四五六七八九十]+)? ")
MD_HEADING = re.compile(r"^#{1,6}(?:\s+|$)")


def _ids(entry: dict) -> str:
    return entry["path"]


@cache
def _load(path: str) -> LoadedText:
    return load_text(FORMATS / path, root=FORMATS)


def expected_lines(source: str) -> list[str]:
    """The source with Markdown marks, the INFO END line and blank lines removed, normalised."""
    text = (SHARED / "corpus" / source).read_bytes().decode("utf-8-sig")
    lines = (normalize_line(MD_HEADING.sub("", raw.strip())) for raw in text.splitlines())
    return [line for line in lines if line and line != "<!-- INFO END -->"]


def _squeeze(lines: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", line) for line in lines]


# --- the manifest files against their sources -------------------------------------------------


@pytest.mark.parametrize("entry", MANIFEST, ids=_ids)
def test_manifest_file_is_the_one_described(entry: dict) -> None:
    data = (FORMATS / entry["path"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry["sha256"]


@pytest.mark.parametrize("entry", MANIFEST, ids=_ids)
def test_manifest_lines_match_source(entry: dict) -> None:
    loaded = _load(entry["path"])
    got = [line.text for line in loaded.lines]
    want = expected_lines(entry["source"])
    assert loaded.format == entry["format"]
    assert all(line.text == normalize_line(line.text) for line in loaded.lines)
    if entry["format"] == "pdf":  # the spec: same characters once whitespace is removed …
        assert "".join(_squeeze(got)) == "".join(_squeeze(want))
        assert _squeeze(got) == _squeeze(want)  # … and, beyond it, the same paragraphs
    else:
        assert got == want


@pytest.mark.parametrize("entry", MANIFEST, ids=_ids)
def test_manifest_articles_match_source(entry: dict) -> None:
    got = [line.text for line in _load(entry["path"]).lines if ARTICLE.match(line.text)]
    want = [line for line in expected_lines(entry["source"]) if ARTICLE.match(line)]
    assert len(got) == (entry["article_count"] or 0)
    assert _squeeze(got) == _squeeze(want)


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["encoding"]], ids=_ids)
def test_manifest_encoding_detected(entry: dict) -> None:
    family = {"gbk": "gb18030", "gb18030": "gb18030", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}
    assert _load(entry["path"]).encoding == family[entry["encoding"]]


@pytest.mark.parametrize("entry", [e for e in MANIFEST if e["format"] == "html"], ids=_ids)
def test_html_title_comes_first_as_level_1(entry: dict) -> None:
    loaded = _load(entry["path"])
    assert loaded.lines[0] == Line(entry["title"], 1)
    assert loaded.title_hint == entry["title"]
    assert sum(1 for line in loaded.lines if line.level == 1) == 1


def test_docx_styles_become_levels() -> None:
    entry = next(e for e in MANIFEST if e["format"] == "docx" and "选举法" in e["path"])
    lines = _load(entry["path"]).lines
    assert lines[0] == Line(entry["title"], 1)
    headings = [line.text for line in lines if line.level == 2]
    assert headings and all(re.match(r"^第.+章 ", text) for text in headings)


# --- synthetic inputs: short strings written for these tests -----------------------------------

LAW = ["第一条 为了检验加载器，制定本条例。", "第二条 本条例自公布之日起施行。"]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _unreadable(tmp_path: Path, name: str, data: bytes) -> str:
    with pytest.raises(UnreadableDocument) as caught:
        load_text(_write(tmp_path, name, data), root=tmp_path)
    assert caught.value.source == name
    return caught.value.reason


@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.docx", "a.pdf", "a.md"])
def test_empty_file_is_unreadable(tmp_path: Path, name: str) -> None:
    assert _unreadable(tmp_path, name, b"") == "empty file"
    assert _unreadable(tmp_path, name, b" \r\n\t ") == "empty file"


@pytest.mark.parametrize("name", ["junk.txt", "junk.html", "junk.md"])
def test_binary_junk_is_unreadable(tmp_path: Path, name: str) -> None:
    junk = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    assert "binary" in _unreadable(tmp_path, name, junk)


def test_gbk_text_without_declaration(tmp_path: Path) -> None:
    data = "\r\n".join(["测试条例", "", *LAW, "镕﹝2024﹞"]).encode("gbk")
    loaded = load_text(_write(tmp_path, "gbk.txt", data), root=tmp_path)
    assert [line.text for line in loaded.lines] == ["测试条例", *LAW, "镕﹝2024﹞"]
    assert loaded.encoding == "gb18030"


def test_bom_crlf_and_ideographic_spaces(tmp_path: Path) -> None:
    text = "\u3000\u3000测试条例\r\n\r\n\u3000\u3000第一条\u3000为了检验加载器，制定本条例。\r\n"
    loaded = load_text(_write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + text.encode()), tmp_path)
    assert [line.text for line in loaded.lines] == ["测试条例", LAW[0]]
    assert loaded.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("label", "codec"),
    [("GB2312", "gb18030"), ("gbk", "gb18030"), ("utf8", "utf-8"), ("bogus", None), (None, None)],
)
def test_canonical_charset(label: str | None, codec: str | None) -> None:
    assert canonical_charset(label) == codec


PAGE = """<html><head>{meta}<title>测试条例_示例栏目_示例网站</title>
<script>var s = "脚本文字";</script><style>p {{ margin: 0 }}</style></head><body>
<div id="top-bar"><a href="#">首页</a> <a href="#">新闻中心</a></div>
<ul class="menu-list"><li><a href="#">导航栏目</a></li></ul>
<div class="crumbs">当前位置：首页 &gt; 法规</div>
<div class="wrap"><div class="col-left"><div>相关文件</div><ul>
<li><a href="#">另一份很长的相关文件标题链接一</a></li>
<li><a href="#">另一份很长的相关文件标题链接二</a></li></ul></div>
<div class="page-body"><div class="headline">测试条例</div>
<div class="post-text"><!-- 注释文字 -->
<p>　　第一条　为了检验加载器，<span>制定本条例。</span></p>
<p style="text-indent:2em"><b>第二条</b>&nbsp;&nbsp;本条例自公布之日起施行。<br>换行后的一款。</p>
<div style="display: none">隐藏文字</div></div>
<div class="share-bar">分享到：<a href="#">微信</a></div></div></div>
<div class="copyright">版权所有 示例网站</div></body></html>"""
PAGE_LINES = [Line("测试条例", 1), Line(LAW[0]), Line(LAW[1]), Line("换行后的一款。")]


@pytest.mark.parametrize(
    ("meta", "codec"),
    [
        ('<meta charset="utf-8">', "utf-8"),
        ("", "utf-8"),
        ("", "gbk"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gbk"),
        ('<meta charset="utf-8">', "gbk"),
    ],  # a wrong declaration falls back to what decodes
)
def test_html_keeps_only_the_article(tmp_path: Path, meta: str, codec: str) -> None:
    data = PAGE.format(meta=meta).encode(codec)
    loaded = load_text(_write(tmp_path, "page.html", data), root=tmp_path)
    assert list(loaded.lines) == PAGE_LINES
    assert loaded.title_hint == "测试条例"


def test_deeply_nested_html(tmp_path: Path) -> None:
    for closing in ("</div>" * 5000, ""):
        data = ("<html><body>" + "<div>" * 5000 + "<p>深层段落。</p>" + closing).encode()
        loaded = load_text(_write(tmp_path, "deep.html", data), root=tmp_path)
        assert [line.text for line in loaded.lines] == ["深层段落。"]


def test_html_recursion_error_falls_back_to_flat_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(text: str) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(html_loader, "_page_lines", explode)
    data = "<p>第一段</p><script>x()</script><div>第二段<br/>第三段 &amp; 附</div>".encode()
    assert [line.text for line in html_loader.load(data, "x.html").lines] == [
        "第一段",
        "第二段",
        "第三段 & 附",
    ]
    assert flat_lines("<!-- 注释 --><td>单元格</td>") == [Line("单元格")]


def test_html_without_text_is_unreadable(tmp_path: Path) -> None:
    page = (
        b"<html><head><title>t</title></head><body><img src=a.png><script>1</script></body></html>"
    )
    assert "no text" in _unreadable(tmp_path, "blank.html", page)


def _tracked_insertion(text: str, inserted: str) -> object:
    xml = (
        f'<w:p {nsdecls("w")}><w:r><w:t>{text}</w:t></w:r><w:ins w:id="1" w:author="t">'
        f'<w:r><w:t>{inserted}</w:t></w:r></w:ins><w:del w:id="2" w:author="t">'
        f"<w:r><w:delText>删除的字</w:delText></w:r></w:del></w:p>"
    )
    return parse_xml(xml)


def _docx_bytes() -> bytes:
    document = python_docx.Document()
    document.add_paragraph("测试条例", style="Title")
    document.add_paragraph("")
    document.add_paragraph("第一章\u3000总\u3000则", style="Heading 1")
    document.add_paragraph(LAW[0].replace(" ", "\u3000"))
    document.add_table(rows=1, cols=1).cell(0, 0).text = LAW[1]
    document.element.body.append(_tracked_insertion("第三条 修订时", "插入的文字。"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_tables_and_levels(tmp_path: Path) -> None:
    loaded = load_text(_write(tmp_path, "made.docx", _docx_bytes()), root=tmp_path)
    assert list(loaded.lines) == [
        Line("测试条例", 1),
        Line("第一章 总 则", 2),
        *map(Line, LAW),
        Line("第三条 修订时插入的文字。"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        _docx_bytes()[:4000],
        b"PK\x03\x04" + b"\x00" * 64,
        b"plain words, not a zip",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512,
    ],
    ids=["truncated", "zip-header-only", "text", "ole-doc"],
)
def test_broken_docx_is_unreadable(tmp_path: Path, data: bytes) -> None:
    assert _unreadable(tmp_path, "bad.docx", data).startswith("not a valid .docx (")


def test_zip_without_word_document_is_unreadable(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "不是 Word 文件")
    assert "not a valid .docx" in _unreadable(tmp_path, "zip.docx", buffer.getvalue())


def test_truncated_real_docx_is_unreadable(tmp_path: Path, formats_dir: Path) -> None:
    real = next(formats_dir.glob("docx/*.docx"), None)
    if real is None:
        pytest.skip("shared corpus-formats not available")
    data = real.read_bytes()
    assert "not a valid .docx" in _unreadable(tmp_path, "cut.docx", data[: len(data) // 2])


def build_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A minimal PDF with a correct xref table around the given object bodies."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref, size = len(out), len(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        size,
        trailer,
        xref,
    )
    return bytes(out)


RECTANGLE = b"0 0 1 rg 100 100 200 300 re f"
PAGE_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
    b"<< /Length %d >>\nstream\n%s\nendstream" % (len(RECTANGLE), RECTANGLE),
]
ENCRYPT = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>" % (b"ab" * 32, b"cd" * 32)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (build_pdf(PAGE_OBJECTS), "no text layer"),
        (
            build_pdf(
                [*PAGE_OBJECTS, ENCRYPT], b"/Encrypt 5 0 R /ID [<%s> <%s>] " % ((b"01" * 16,) * 2)
            ),
            "encrypted PDF",
        ),
        (b"%PDF-1.4\n" + bytes(range(256)) * 8, "not a valid PDF"),
        (build_pdf(PAGE_OBJECTS)[:150], "not a valid PDF"),
        (b"just some text with a .pdf name", "not a PDF file"),
    ],
    ids=["no-text-layer", "encrypted", "garbage", "truncated", "not-pdf"],
)
def test_bad_pdf_is_unreadable(tmp_path: Path, data: bytes, reason: str) -> None:
    assert reason in _unreadable(tmp_path, "bad.pdf", data)


def _row(text: str, x0: float, x1: float, top: float, page: int = 0, size: float = 12) -> Row:
    return Row(page, x0, x1, top, top - size, size, text, size)


def test_pdf_rows_rejoin_into_paragraphs() -> None:
    rows = [
        _row("测试条例全文标题第一部分内容", 90, 510, 760, size=22),  # a wrapped centred title
        _row("第二部分", 255, 345, 730, size=22),
        _row("第一条\u3000为了检验加载器，制定本", 104, 520, 700),  # indented first row
        _row("条例。", 80, 116, 686),
        _row("第二条\u3000本条例自公布之日起施行。", 104, 400, 672),
        _row("第三条\u3000本条例的规定适用于测试环境中", 80, 520, 658),  # label at the margin
        _row("的所有加载器。", 80, 164, 644),
        _row("不缩进的短行。", 80, 164, 630),  # previous row short: a new paragraph
        *[_row("填充行" * 8, 80, 520, 600 - 14 * i) for i in range(8)],
    ]
    assert paragraphs(rows) == [
        "测试条例全文标题第一部分内容第二部分",
        "第一条\u3000为了检验加载器，制定本条例。",
        "第二条\u3000本条例自公布之日起施行。",
        "第三条\u3000本条例的规定适用于测试环境中的所有加载器。",
        "不缩进的短行。",
        "填充行" * 64,
    ]


def test_pdf_page_furniture_is_dropped() -> None:
    def page(number: int, header: bool) -> list[Row]:
        top = [_row("测试简报(第1期)", 230, 370, 796, number, 10.5)] if header else []
        return [
            *top,
            _row("正文行", 85, 510, 700, number),
            _row(f"— {number + 1} —", 278, 317, 55, number),
        ]

    masthead = _row("测试简报", 180, 420, 780, 0, 40)
    pages = [[masthead, *page(0, False)], *(page(n, True) for n in range(1, 4))]
    kept = [[row.text for row in rows] for rows in drop_furniture(pages)]
    assert kept == [["测试简报", "正文行"], ["正文行"], ["正文行"], ["正文行"]]
