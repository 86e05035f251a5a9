"""`kb mcp` end to end: the official SDK's own client starts it over stdio on the small index,
lists the tools, calls each, and gets failures back as tool errors (the server keeps going)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

TOOLS = {
    "search",
    "get_article",
    "verify_citations",
    "compare_versions",
    "article_history",
    "links",
}


# (arguments, accepted): the same bounds as /api/search (see test_mcp_and_api_accept_the_same_limits)
LIMITS = [
    ({"limit": 100}, True),
    ({"offset": 10_000}, True),
    ({"limit": 101}, False),
    ({"offset": 10_001}, False),
]
LIMIT_CALLS = [("search", {"query": "代表", **args}) for args, _ in LIMITS]


def server_params(index_dir, corpus_dir) -> StdioServerParameters:
    env = {**os.environ, "KB_INDEX_DIR": str(index_dir), "KB_CORPUS_DIR": str(corpus_dir)}
    code = "import sys; from cli import main; sys.exit(main())"
    return StdioServerParameters(command=sys.executable, args=["-c", code, "mcp"], env=env)


def run(params, calls):
    """Start `kb mcp`, list its tools, make `calls` [(tool, arguments)]; (tools, results)."""

    async def session():
        async with Client(params, read_timeout_seconds=60) as client:
            listed = (await client.list_tools()).tools
            results = [await client.call_tool(name, args) for name, args in calls]
            return listed, results

    return anyio.run(session)


@pytest.fixture(scope="module")
def exchange(small_settings):
    quote = "中华人民共和国的一切权利属于人民。"
    calls = [
        ("search", {"query": "补选代表", "limit": 3}),
        ("search", {"query": "代表建议", "kind": ["法律"], "versions": "all", "mode": "lexical"}),
        ("get_article", {"citation": "选举法第三十条第二款"}),
        ("verify_citations", {"text": f"宪法第二条规定：“{quote}”宪法第三条。"}),
        # errors: each comes back as a tool error, and the next call still works
        ("get_article", {"citation": "选举法第九百条"}),
        ("search", {"query": "代表", "limit": 0}),
        ("search", {"query": "代表", "mode": "fuzzy"}),
        ("search", {"query": "代表", "as_of": "yesterday"}),
        ("verify_citations", {"text": ""}),
        ("no_such_tool", {}),
        ("get_article", {"citation": "代表法第四十四条", "versions": "all"}),
        ("compare_versions", {"old": "代表法2015"}),
        ("article_history", {"citation": "代表法第四十四条"}),
        ("compare_versions", {"old": "无此法2015"}),
        ("links", {"citation": "代表法第四十四条"}),
        ("links", {"citation": "代表法第一条"}),
        ("search", {"query": "人大代表可以不经统一组织，拿着代表证自己去视察吗？", "limit": 5}),
        # the API's limits (kb.config): the largest accepted, one more refused
        *LIMIT_CALLS,
    ]
    return run(server_params(small_settings.index_dir, small_settings.corpus_dirs[0]), calls)


def test_tools_are_listed_with_typed_inputs_and_outputs(exchange):
    listed, _results = exchange
    assert {t.name for t in listed} == TOOLS
    for tool in listed:
        assert tool.output_schema and tool.input_schema["properties"]
        assert tool.annotations.read_only_hint is True
        assert any("\u4e00" <= ch <= "\u9fff" for ch in tool.description)  # Chinese
        assert "Use it" in tool.description  # and English: when to use it
    search = next(t for t in listed if t.name == "search")
    assert search.input_schema["required"] == ["query"]
    assert set(search.input_schema["properties"]["mode"]["enum"]) >= {"auto", "lexical"}


def test_each_tool_answers(exchange):
    _listed, results = exchange
    found, filtered, article, checked = (r.structured_content for r in results[:4])
    assert not any(r.is_error for r in results[:4])
    assert found["total"] > 0 and len(found["hits"]) == 3
    assert all(h["label"].startswith("《") and h["text"] for h in found["hits"])
    assert all(h["document"]["kind"] == "法律" for h in filtered["hits"])
    assert article["passage"]["label"].endswith("第三十条第二款")
    assert article["versions"] and article["versions"][0]["status"] == "current"
    verdicts = [(c["citation"], c["verdict"]) for c in checked["citations"]]
    assert verdicts == [("宪法第二条", "misquoted"), ("宪法第三条", "ok")]
    assert checked["citations"][0]["diff"]


def test_errors_come_back_as_tool_errors(exchange):
    _listed, results = exchange
    errors = results[4:10]
    assert all(r.is_error for r in errors)
    texts = [r.content[0].text for r in errors]
    assert "选举法第九百条" in texts[0]
    assert "limit" in texts[1]
    assert "mode" in texts[2]
    assert "as_of" in texts[3]
    assert "no_such_tool" in texts[5]
    assert not results[10].is_error  # the server is still answering


def test_version_tools(exchange):
    _listed, results = exchange
    compared, history, unknown = results[11:14]
    assert not compared.is_error and not history.is_error
    c = compared.structured_content
    assert c["old"]["version_date"] < c["new"]["version_date"]
    assert c["summary"]["changed"] > 0
    assert c["changes"] and all(x["status"] != "unchanged" for x in c["changes"])
    h = history.structured_content
    assert h["article"] == "第四十四条" and len(h["versions"]) == 2
    assert unknown.is_error


def test_links_tool(exchange):
    _listed, results = exchange
    first, local = (r.structured_content for r in results[14:16])
    assert first["label"].endswith("第四十四条")
    assert set(first) >= {"cites", "cited_by", "implemented_by", "related", "unresolved"}
    assert any("宪法" in x["label"] for x in local["cites"]), local  # 根据宪法，制定本法


def test_no_index_is_a_tool_error(tmp_path, small_settings):
    _listed, (result,) = run(
        server_params(tmp_path / "none", small_settings.corpus_dirs[0]),
        [("search", {"query": "代表"})],
    )
    assert result.is_error and "kb index" in result.content[0].text


def test_streamable_http(small_settings):
    """`kb mcp --http`: the same tools at http://127.0.0.1:PORT/mcp (the SDK's HTTP client)."""
    import socket
    import subprocess
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    params = server_params(small_settings.index_dir, small_settings.corpus_dirs[0])
    cmd = [params.command, *params.args, "--http", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=params.env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        listed, (result,) = run(
            f"http://127.0.0.1:{port}/mcp", [("verify_citations", {"text": "宪法第二条"})]
        )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert {t.name for t in listed} == TOOLS
    assert result.structured_content["citations"][0]["verdict"] == "ok"


def test_search_marks_the_earlier_wording_of_a_current_article(exchange):
    hits = exchange[1][16].structured_content["hits"]
    ids = [h["id"] for h in hits]
    earlier = [h for h in hits if h["earlier_version_of"]]
    assert earlier, ids
    for h in earlier:
        assert h["document"]["status"] == "superseded"
        assert ids[ids.index(h["id"]) - 1] == h["earlier_version_of"]


def test_mcp_and_api_accept_the_same_limits(exchange, client):
    """limit 100 and offset 10,000 are accepted by both; 101 and 10,001 refused by both."""
    listed, results = exchange
    answers = results[-len(LIMITS) :]
    for (args, accepted), answer in zip(LIMITS, answers, strict=True):
        assert answer.is_error is not accepted, (args, answer.content[0].text)
        query = "&".join(f"{k}={v}" for k, v in args.items())
        status = client.get(f"/api/search?q=代表&{query}").status_code
        assert status == (200 if accepted else 400), (args, status)
    spec = client.get("/api/openapi.json").get_json()
    api = {p["name"]: p["schema"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    tool = next(t for t in listed if t.name == "search").input_schema["properties"]
    for name in ("limit", "offset"):
        assert (tool[name]["minimum"], tool[name]["maximum"]) == (
            api[name]["minimum"],
            api[name]["maximum"],
        )
    assert tool["query"]["maxLength"] == api["q"]["maxLength"]


def _rpc(id_: int | None, method: str, params: dict | None = None) -> bytes:
    message = {"jsonrpc": "2.0", "method": method}
    if id_ is not None:
        message["id"] = id_
    if params is not None:
        message["params"] = params
    return json.dumps(message, ensure_ascii=False).encode() + b"\n"


def test_answers_what_it_read_before_stdin_closed(small_settings):
    """A client that writes its requests and closes stdin at once still gets every answer
    (the SDK's stdio loop cancelled the in-flight tools/call at end of input)."""
    params = server_params(small_settings.index_dir, small_settings.corpus_dirs[0])
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}}
    hello["clientInfo"] = {"name": "pipe", "version": "1"}
    sent = b"".join(
        [
            _rpc(1, "initialize", hello),
            _rpc(None, "notifications/initialized"),
            _rpc(2, "tools/call", {"name": "search", "arguments": {"query": "补选代表"}}),
        ]
    )
    done = subprocess.run(
        [params.command, *params.args], input=sent, env=params.env, capture_output=True, timeout=120
    )
    answers = {m.get("id"): m for m in map(json.loads, done.stdout.decode().splitlines())}
    assert set(answers) == {1, 2}, done.stderr.decode()[-2000:]
    found = answers[2]["result"]["structuredContent"]
    assert found["total"] > 0 and found["hits"][0]["label"]
    assert done.returncode == 0


def test_kb_mcp_loads_no_flask(small_settings):
    """`kb mcp` itself (not only its module): serve, read the end of stdin, leave."""
    params = server_params(small_settings.index_dir, small_settings.corpus_dirs[0])
    code = (
        "import sys; from cli import main; main(['mcp'], standalone_mode=False); "
        "print('flask' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=params.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"
