"""ONNX Runtime sessions, as the semantic layer runs them (the encoder's layers, kb.semantic.e5.graph;
the ranker's trees, kb.semantic.forest): on the CPU, on the caller's thread (and as many helpers as
asked, which sleep rather than spin while they wait), quiet; and a model's matrices packed for the
CPU's kernels once, in a file every process maps (`packed_model`).
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import tempfile
from pathlib import Path

PACKED = "model.onnx"  # in a packed model's folder, beside PACKED_DATA
PACKED_DATA = "model.data"


class RuntimeUnavailable(RuntimeError):
    """onnxruntime or onnx cannot be imported, or the session would not load the model."""


def onnx_helpers():
    """onnx's (helper, TensorProto, numpy_helper), to build a model (RuntimeUnavailable when
    onnx cannot be imported)."""
    try:
        from onnx import TensorProto, helper, numpy_helper
    except Exception as exc:  # ImportError, or a broken install failing at import
        raise RuntimeUnavailable(f"onnx cannot be imported ({exc})") from exc
    return helper, TensorProto, numpy_helper


def serialised(graph, opsets: dict[str, int]) -> bytes:
    """A graph as a model importing `opsets` ({domain: version}), marked with the lowest IR
    version those opsets need rather than the newest onnx writes, which an older onnxruntime
    refuses (onnx 1.23 writes IR 14; onnxruntime 1.23, the last for Python 3.10, reads up to 11)."""
    helper = onnx_helpers()[0]
    ids = [helper.make_opsetid(domain, version) for domain, version in opsets.items()]
    model = helper.make_model(graph, opset_imports=ids)
    model.ir_version = helper.find_min_ir_version_for(ids)
    return model.SerializeToString()


def _runtime():
    try:
        import onnxruntime as ort
    except Exception as exc:  # ImportError, or a broken install failing at import
        raise RuntimeUnavailable(f"onnxruntime cannot be imported ({exc})") from exc
    return ort


def _options(ort, threads: int, external_folder: Path | None):
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    # A helper that finds no work sleeps at once: on cores shared with the server's other
    # searches a spinning thread takes the time of the one it waits for.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    if external_folder is not None:
        options.add_session_config_entry(
            "session.model_external_initializers_file_folder_path", str(external_folder)
        )
    return options


def _session(ort, model: bytes | Path, options):
    source = model if isinstance(model, bytes) else str(model)
    try:
        return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own Fail, InvalidGraph …
        raise RuntimeUnavailable(f"onnxruntime would not load the model ({exc})") from exc


def open_session(model: bytes | Path, external_folder: Path | None = None, threads: int = 1):
    """(session, "onnxruntime <version>") for a serialised model (or a model file) whose external
    data, if any, lives in `external_folder`, run on `threads` threads (RuntimeUnavailable saying
    why there is none)."""
    ort = _runtime()
    session = _session(ort, model, _options(ort, threads, external_folder))
    return session, f"onnxruntime {ort.__version__}"


def packed_model(model: bytes, external_folder: Path) -> Path:
    """The file of `model` (its external data in `external_folder`) as ONNX Runtime optimises it,
    its matrices already packed for this CPU's kernels in the data file beside it: a session
    opened from it maps them instead of packing a copy of its own, so the processes of a server
    share one. Written once, into `external_folder`, named by the model, the runtime's version
    and the CPU (a temporary folder renamed into place: a reader finds it whole or not at all).
    RuntimeUnavailable or OSError when it cannot be written."""
    ort = _runtime()
    key = model + f"{ort.__version__} {_machine()}".encode()
    place = external_folder / f"packed-{hashlib.sha256(key).hexdigest()[:24]}"
    if (place / PACKED).is_file():
        return place / PACKED
    building = Path(tempfile.mkdtemp(dir=external_folder, prefix=place.name + ".part"))
    try:
        options = _options(ort, 1, external_folder)
        options.optimized_model_filepath = str(building / PACKED)
        for entry, value in (
            ("session.optimized_model_external_initializers_file_name", PACKED_DATA),
            ("session.save_external_prepacked_constant_initializers", "1"),
        ):
            options.add_session_config_entry(entry, value)
        _session(ort, model, options)  # writes the optimised model as it loads
        for written in building.iterdir():  # on disk before it is named: a crash leaves none
            with open(written, "rb") as f:
                os.fsync(f.fileno())
        try:
            os.rename(building, place)
        except OSError:
            if not (place / PACKED).is_file():  # else another process renamed its own first
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return place / PACKED


def _machine() -> str:
    """The CPU's architecture and features, which decide how the kernels pack a matrix."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            flags = next((line for line in f if line.startswith(("flags", "Features"))), "")
    except OSError:
        flags = ""
    return f"{platform.machine()} {platform.processor()} {flags.strip()}"
