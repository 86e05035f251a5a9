"""The question side's layer matrices (the model's, a LoRA merged in) in one file that every
process maps read-only: the server's workers hold one copy in the page cache instead of each its
own fp32 model (about 85 MB) plus the merged copies (42 MB).

The file is written once per model and LoRA (named by both; written to a temporary name and
renamed, so a reader sees a whole file or none) and checked by its size; anything wrong with it
is rebuilt, and where it cannot be written at all the matrices stay in this process's memory.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from kb.semantic.e5.lora import Lora
from kb.semantic.e5.weights import Weights

log = logging.getLogger(__name__)
MATRICES = ("qkv_w", "ao_w", "fi_w", "fo_w")


def cache_dir() -> Path:
    """Where the mapped files live: KB_ENCODER_CACHE, else a per-user folder in the temp dir."""
    own = os.environ.get("KB_ENCODER_CACHE")
    return Path(own) if own else Path(tempfile.gettempdir()) / f"kb-encoder-{os.getuid()}"


def _shapes(w: Weights) -> list[tuple[int, int]]:
    h, ff = w.hidden, w.ff
    return [(h, 3 * h), (h, h), (h, ff), (ff, h)] * len(w.layers)


def question_weights(light: Weights, full, lora: Lora, name: str) -> Weights:
    """`light` (a model read without its layer matrices) with the question side's matrices
    mapped from the shared file for `name` (model and LoRA), built from `full()` (the model
    with its matrices) the first time."""
    shapes = _shapes(light)
    size = sum(r * c for r, c in shapes) * 4
    path = cache_dir() / f"question-{hashlib.sha256(name.encode()).hexdigest()[:24]}.f32"
    try:
        if not path.is_file() or path.stat().st_size != size:
            _write(path, lora.merged(full()))
        flat = np.memmap(path, dtype=np.float32, mode="r")
    except OSError as exc:
        log.warning("question weights not shared (%s): held in this process", exc)
        return lora.merged(full())
    views, at = [], 0
    for r, c in shapes:
        views.append(flat[at : at + r * c].reshape(r, c))
        at += r * c
    layers = [
        dataclasses.replace(ly, **dict(zip(MATRICES, views[4 * i : 4 * i + 4], strict=True)))
        for i, ly in enumerate(light.layers)
    ]
    return dataclasses.replace(light, layers=layers)


def _write(path: Path, w: Weights) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            for ly in w.layers:
                for m in MATRICES:
                    f.write(np.ascontiguousarray(getattr(ly, m), np.float32).tobytes())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
