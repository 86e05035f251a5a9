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


def serialised(graph, opsets: dict[str, int]) -> bytes:
    """A graph as a model importing `opsets` ({domain: version}), marked with the lowest IR
    version those opsets need rather than the newest onnx writes, which an older onnxruntime
    refuses (onnx 1.23 writes IR 14; onnxruntime 1.23, the last for Python 3.10, reads up to 11)."""
    helper = onnx_helpers()[0]
    ids = [helper.make_opsetid(domain, version) for domain, version in opsets.items()]
    model = helper.make_model(graph, opset_imports=ids)
    model.ir_version = helper.find_min_ir_version_for(ids)
    return model.SerializeToString()


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
