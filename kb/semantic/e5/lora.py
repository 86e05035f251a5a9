"""Low-rank corrections (LoRA) of the encoder's layer matrices, learned for the question side.

A file holds, for some (layer, target) pairs, factors A (in × r) and B (r × out, the LoRA scale
already folded in) and the base model they were trained on; `merged` returns Weights whose
matrices are W + A B (new fp32 arrays for the touched matrices, the rest shared), which our
engine then runs as it runs the base. Written by training/encoder (dev-only).
"""

from __future__ import annotations

import dataclasses
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.semantic.e5.weights import Layer, Weights

TARGETS = ("q", "k", "v", "ao", "fi", "fo")  # attention q/k/v/output, feed-forward in/out


class LoraFileError(ValueError):
    """The file is not a LoRA of this model (missing, damaged, other base or shapes)."""


@dataclass
class Lora:
    """Factors by (layer, target): A (in, r) and B (r, out), x W + (x A) B being the new map."""

    factors: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]]

    def save(self, path: Path, base: str) -> None:
        """Write the factors (float16) and the base model's name to an .npz file."""
        arrays = {"base": np.array(base)}
        for (layer, target), (a, b) in sorted(self.factors.items()):
            arrays[f"l{layer}.{target}.a"] = a.astype(np.float16)
            arrays[f"l{layer}.{target}.b"] = b.astype(np.float16)
        with open(path, "wb") as f:
            np.savez_compressed(f, **arrays)

    def merged(self, w: Weights) -> Weights:
        """`w` with every factored matrix replaced by W + A B (LoraFileError on a shape clash)."""
        layers = list(w.layers)
        for (i, target), (a, b) in self.factors.items():
            if not 0 <= i < len(layers) or target not in TARGETS:
                raise LoraFileError(f"no matrix {target} in layer {i}")
            layers[i] = _add(layers[i], target, a.astype(np.float32) @ b.astype(np.float32))
        return dataclasses.replace(w, layers=layers)


def _add(ly: Layer, target: str, delta: np.ndarray) -> Layer:
    if target in ("q", "k", "v"):
        h = ly.qkv_w.shape[0]
        at = ("q", "k", "v").index(target) * h
        if delta.shape != (h, h):
            raise LoraFileError(f"{target}: shape {delta.shape}, expected {(h, h)}")
        qkv = ly.qkv_w.copy()
        qkv[:, at : at + h] += delta
        return dataclasses.replace(ly, qkv_w=qkv)
    name = {"ao": "ao_w", "fi": "fi_w", "fo": "fo_w"}[target]
    base = getattr(ly, name)
    if delta.shape != base.shape:
        raise LoraFileError(f"{target}: shape {delta.shape}, expected {base.shape}")
    return dataclasses.replace(ly, **{name: base + delta})


def file_hash(path: Path) -> str:
    """sha256 of the file's bytes (recorded beside the vectors it produced)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_lora(path: Path, base: str) -> Lora:
    """Read a LoRA file trained on `base` (LoraFileError saying why it cannot be used)."""
    try:  # our own handle: np.load leaks its own when the zip is truncated
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:
            found = str(z["base"]) if "base" in z.files else None
            if found != base:
                raise LoraFileError(f"{Path(path).name} was trained on {found}, not on {base}")
            factors = {}
            for key in z.files:
                if key.endswith(".a"):
                    layer, target = key[1:-2].split(".")
                    factors[(int(layer), target)] = (z[key], z[key[:-2] + ".b"])
    except LoraFileError:
        raise
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise LoraFileError(
            f"{Path(path).name} cannot be read ({type(exc).__name__}: {exc})"
        ) from exc
    for (layer, target), (a, b) in factors.items():
        if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
            raise LoraFileError(f"{Path(path).name}: layer {layer} {target} has bad factor shapes")
    if not factors:
        raise LoraFileError(f"{Path(path).name} holds no factors")
    return Lora(factors)
