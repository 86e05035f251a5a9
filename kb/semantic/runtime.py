"""ONNX Runtime sessions, as the semantic layer runs them (the encoder's layers, kb.semantic.e5.graph;
the ranker's trees, kb.semantic.forest): on the CPU, one thread, on the caller's — a server's
threads and processes already fill the cores — and quiet.
"""

from __future__ import annotations

from pathlib import Path


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


def open_session(model: bytes, external_folder: Path | None = None):
    """(session, "onnxruntime <version>") for a serialised model whose external data, if any,
    lives in `external_folder` (RuntimeUnavailable saying why there is none)."""
    try:
        import onnxruntime as ort
    except Exception as exc:  # ImportError, or a broken install failing at import
        raise RuntimeUnavailable(f"onnxruntime cannot be imported ({exc})") from exc
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    if external_folder is not None:
        options.add_session_config_entry(
            "session.model_external_initializers_file_folder_path", str(external_folder)
        )
    try:
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own Fail, InvalidGraph …
        raise RuntimeUnavailable(f"onnxruntime would not load the model ({exc})") from exc
    return session, f"onnxruntime {ort.__version__}"
