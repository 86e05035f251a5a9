"""Property tests: any query text and parameters give a result or a clear BadQuery, never a crash.

Query understanding, Library.search/cite/passage/document on the small session index, and the
JSON API through the Flask test client (never a 5xx; errors always in the one envelope).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kb.errors import BadQuery, NotFound
from kb.models import KINDS, SearchResult
from kb.query.parse import ParsedQuery, parse_query

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
ERROR_KEYS = {"ok", "error", "status"}

# Pieces that query understanding treats specially: quotes and brackets (often unbalanced),
# search-engine operators, citation parts, huge numerals, widths, controls and invisibles.
PIECES = [
    '"',
    "“",
    "”",
    "「",
    "」",
    "『",
    "』",
    "《",
    "》",
    "(",
    ")",
    "（",
    "）",
    "[",
    "]",
    "AND",
    "OR",
    "NOT",
    "-",
    "+",
    "*",
    "?",
    "~",
    "^",
    ":",
    "：",
    "第",
    "条",
    "款",
    "项",
    "之",
    "三十",
    "一百零五",
    "两千",
    "零〇○",
    "九" * 30,
    "万" * 12,
    "9" * 40,
    "０１２",
    "４４",
    "第三十条第二款",
    "第3条之1",
    "第九百条",
    "第一条之九九九九九九第二款第三项",
    "选举法",
    "代表法",
    "《宪法》",
    "地方组织法",
    "浙江",
    "补选代表",
    "常委会",
    "辞退",
    "ＡＢＣ",
    "ａｎｄ",
    "\u3000",
    " ",
    "\t",
    "\n",
    "\x00",
    "\x1b",
    "\x7f",
    "\u200b",
    "\ufeff",
    "\u202e",
    "\ud800",
    "\udfff",
    "\U0001f600",
    "𠀀",
    "、",
    "。",
    "！",
    "……",
]
lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
WORDS = [
    "代表",
    "选举",
    "补选",
    "常务委员会",
    "人民代表大会",
    "宪法",
    "劳动合同",
    "解除",
    "广告",
    "监督",
    "海事",
    "管辖",
    "宣誓",
    "罢免",
    "辞职",
    "怎么办",
    "吗",
    "的",
]
LAWS = [
    "选举法",
    "代表法",
    "《宪法》",
    "宪法",
    "监督法",
    "地方组织法",
    "劳动合同法",
    "刑法",
    "不存在法",
    "",
]
piece = st.one_of(st.sampled_from(PIECES), st.sampled_from(WORDS), st.text(max_size=4))
fragments = st.lists(piece, max_size=25).map("".join)
numerals = st.one_of(
    st.integers(1, 120).map(str),
    st.integers(0, 10**30).map(str),
    st.sampled_from(
        [
            "三十",
            "四十四",
            "一百零五",
            "二",
            "零",
            "九" * 20,
            "一万",
            "两千零一",
            "三十之一",
            "３０",
        ]
    ),
)
citations = st.builds(
    lambda law, art, tail, noise: f"{law}第{art}条{tail}{noise}",
    st.sampled_from(LAWS),
    numerals,
    st.sampled_from(["", "第二款", "之一", "第一款第三项", "第九十九款", "之"]),
    st.one_of(st.just(""), st.just(""), fragments),
)
queries = st.one_of(
    st.text(),
    fragments,
    citations,
    st.text(st.one_of(st.characters(), lone_surrogates), max_size=40),
    st.text(st.characters(categories=["P", "S", "Z", "C"]), max_size=30),  # no letters at all
    st.lists(piece, min_size=1, max_size=5)
    .map(lambda p: ("".join(p) or "法") * 10_000)
    .map(lambda s: s[:10_000]),  # 10,000 characters
)
dates = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "2020-01-01",
            "2015-08-29",
            "0001-01-01",
            "9999-12-31",
            "2020-02-30",
            "2024-13-01",
            "",
            "yesterday",
            "2020/01/01",
            "２０２０-０１-０１",
            "2020-01-01T00:00",
        ]
    ),
    st.text(max_size=12),
)
whole = st.one_of(st.integers(-10, 200), st.integers(-(10**12), 10**12))
kinds = st.lists(st.one_of(st.sampled_from(KINDS), st.text(max_size=6)), max_size=4).map(tuple)
versions = st.one_of(st.sampled_from(["current", "all", "", "old", "ALL"]), st.text(max_size=6))
# Mostly valid values (half the draws), so that the rest of a request gets exercised too.
fair_versions = st.one_of(st.sampled_from(["current", "all"]), versions)
fair_dates = st.one_of(
    st.none(), st.dates(date(1980, 1, 1), date(2030, 12, 31)).map(lambda d: d.isoformat()), dates
)
ids = st.one_of(
    st.text(max_size=120),
    queries,
    st.sampled_from(["", ".", "..", "../etc/passwd", "%2F", "x" * 300]),
)


def _ok_or_bad(call, *expected):
    """Run `call`; its value, or None when it raised one of the `expected` errors."""
    try:
        return call()
    except expected:
        return None


@FUZZ
@given(q=queries)
def test_query_understanding_never_crashes(library, q):
    snap = library.snapshot()
    parsed = _ok_or_bad(lambda: parse_query(q, snap.aliases(), snap.region_names()), BadQuery)
    assert parsed is None or isinstance(parsed, ParsedQuery) and parsed.text


def _search(library, q, **params):
    result = _ok_or_bad(lambda: library.search(q, **params), BadQuery)
    event("bad query" if result is None else "hits" if result.hits else "no hits")
    if result is not None:
        assert isinstance(result, SearchResult) and result.total >= 0
        assert len(result.hits) <= params.get("limit", 10)
        assert result.offset == params.get("offset", 0)
        assert len({h.id for h in result.hits}) == len(result.hits)


# Valid parameters, so that the query text itself is what varies.
good_params = st.fixed_dictionaries(
    {},
    optional={
        "limit": st.integers(1, 100),
        "offset": st.integers(0, 30),
        "kinds": st.lists(st.sampled_from(KINDS), max_size=2).map(tuple),
        "versions": st.sampled_from(["current", "all"]),
        "as_of": st.dates().map(lambda d: d.isoformat()),
    },
)


@FUZZ
@given(q=queries, params=good_params)
def test_search_gives_a_result_or_bad_query(library, q, params):
    _search(library, q, **params)


@FUZZ
@given(
    q=st.one_of(st.sampled_from(["代表", "选举法第三十条", "补选", "宪法"]), queries),
    limit=whole,
    offset=whole,
    kinds=kinds,
    versions=versions,
    as_of=dates,
)
def test_any_search_parameters_give_a_result_or_bad_query(
    library, q, limit, offset, kinds, versions, as_of
):
    result = _ok_or_bad(
        lambda: library.search(
            q, limit=limit, offset=offset, kinds=kinds, versions=versions, as_of=as_of
        ),
        BadQuery,
    )
    event("bad query" if result is None else "hits" if result.hits else "no hits")
    if result is not None:
        assert isinstance(result, SearchResult) and result.total >= 0
        assert len(result.hits) <= limit and (result.limit, result.offset) == (limit, offset)
        assert len({h.id for h in result.hits}) == len(result.hits)


@FUZZ
@given(ref=st.one_of(citations, queries), versions=fair_versions, as_of=fair_dates)
def test_cite_gives_a_passage_or_a_clear_error(library, ref, versions, as_of):
    hit = _ok_or_bad(lambda: library.cite(ref, versions=versions, as_of=as_of), BadQuery, NotFound)
    event("cited" if hit else "refused")
    assert hit is None or hit.citation.label


@FUZZ
@given(ident=ids)
def test_unknown_ids_are_not_found(library, ident):
    assert _ok_or_bad(lambda: library.passage(ident), NotFound) is None
    assert _ok_or_bad(lambda: library.document(ident), NotFound) is None


# The same through HTTP: the test client and the API's own parameter parsing.
def _encode(value: str) -> str:
    """Percent-encode any string, lone surrogates included (as their UTF-8-like bytes)."""
    return quote_from_bytes(value.encode("utf-8", "surrogatepass"), safe="")


def _assert_json(response) -> dict:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/json"
    body = response.get_json()
    if response.status_code >= 400:
        assert set(body) == ERROR_KEYS and body["ok"] is False
        assert body["status"] == response.status_code and body["error"]
    else:
        assert body["ok"] is True
    return body


values = st.one_of(queries, whole.map(str), dates.map(lambda d: d or ""))
fair_whole = st.one_of(st.just(""), st.integers(0, 100).map(str), values)
fair_kinds = st.lists(st.one_of(st.sampled_from(KINDS), values), max_size=3)


@FUZZ
@given(
    q=st.one_of(citations, fragments, queries),
    limit=fair_whole,
    offset=fair_whole,
    kind=fair_kinds,
    versions=fair_versions,
    as_of=fair_dates,
)
def test_api_search_never_a_server_error(app, q, limit, offset, kind, versions, as_of):
    args = [
        ("q", q),
        ("limit", limit),
        ("offset", offset),
        ("versions", versions),
        ("as_of", as_of or ""),
        *(("kind", k) for k in kind),
    ]
    url = "/api/search?" + "&".join(f"{name}={_encode(value)}" for name, value in args)
    body = _assert_json(app.test_client().get(url))
    event(f"status {body.get('status', 200)}")
    if body["ok"]:
        assert len(body["hits"]) <= body["limit"]


@FUZZ
@given(ref=st.one_of(citations, queries), versions=fair_versions, as_of=fair_dates)
def test_api_cite_never_a_server_error(app, ref, versions, as_of):
    url = f"/api/cite?ref={_encode(ref)}&versions={_encode(versions)}&as_of={_encode(as_of or '')}"
    body = _assert_json(app.test_client().get(url))
    event(f"status {body.get('status', 200)}")


@FUZZ
@given(ident=ids, raw=st.binary(max_size=40))
def test_api_ids_never_a_server_error(app, ident, raw):
    client = app.test_client()
    encoded = _encode(ident)
    for path in (encoded, quote_from_bytes(raw, safe=""), encoded.replace("%2F", "/")):
        for prefix in ("/api/passages/", "/api/documents/"):
            response = client.get(prefix + path)
            if 300 <= response.status_code < 400:  # //x is redirected to /x: not an error
                continue
            _assert_json(response)


@FUZZ
@given(raw=st.binary(max_size=60))
def test_api_raw_query_bytes_never_a_server_error(app, raw):
    client = app.test_client()
    for name in ("q", "as_of", "limit", "kind"):
        _assert_json(client.get(f"/api/search?q=代表&{name}={quote_from_bytes(raw, safe='')}"))
    _assert_json(client.get(f"/api/cite?ref={quote_from_bytes(raw, safe='')}"))
