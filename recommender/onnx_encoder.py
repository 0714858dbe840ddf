"""The sentence-transformers model run by ONNX Runtime: the same vectors as PyTorch, several times faster per
query on a small CPU (benchmarks/recommend_speed.py measures both).

The ONNX graph is exported once from the local sentence-transformers model (transformer, pooling and
normalisation in one graph) and kept in the cache directory under a hash of the model's files, next to the
tokenizer it was exported with. Exporting needs PyTorch; running needs only onnxruntime and tokenizers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from recommender.encoder import Progress, default_model_path, model_name, normalise

# Sentences whose vectors an export must reproduce before it is trusted (short, long, accents, symbols).
PARITY_PROBES = (
    "yes",
    "I want to become a data analyst",
    "Héllo wörld: naïve café, 4 h/week, max 300 € — ok?",
    "manage a team of warehouse operatives and plan stock replenishment with spreadsheets and SQL " * 4,
)
PARITY_MIN_COSINE = 0.9999
QUANTIZED = "model-int8.onnx"
PAD_SLACK = 1.3  # a batch grows while its padded size stays within this factor of its real tokens


class OnnxExportError(RuntimeError):
    pass


def model_fingerprint(path: Path) -> str:
    """Hash of every file of a model folder: a changed model gets a new export, never a stale one."""
    h = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(str(file.relative_to(path)).encode())
        with file.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:16]


def export(model_path: Path, out_dir: Path) -> None:
    """Write model.onnx, tokenizer.json and encoder.json into `out_dir` (which must not exist yet), checked
    against PyTorch on PARITY_PROBES; the folder appears complete or not at all."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_path), device="cpu").eval()
    tokenizer = model.tokenizer
    inputs = [n for n in tokenizer.model_input_names if n in ("input_ids", "attention_mask", "token_type_ids")]

    class Graph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(dict(zip(inputs, tensors, strict=True)))["sentence_embedding"]

    sample = tokenizer(list(PARITY_PROBES[:2]), padding=True, return_tensors="pt")
    axes = {name: {0: "batch", 1: "tokens"} for name in inputs}
    tmp = Path(tempfile.mkdtemp(prefix=out_dir.name + ".", dir=out_dir.parent))
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about shape checks the parity check covers
            torch.onnx.export(
                Graph(),
                tuple(sample[n] for n in inputs),
                str(tmp / "model.onnx"),
                input_names=inputs,
                output_names=["sentence_embedding"],
                dynamic_axes={**axes, "sentence_embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        tokenizer.backend_tokenizer.save(str(tmp / "tokenizer.json"))
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
        max_tokens = model.max_seq_length or min(int(tokenizer.model_max_length), 512)
        meta = {"inputs": inputs, "max_tokens": int(max_tokens), "pad_id": int(pad)}
        (tmp / "encoder.json").write_text(json.dumps(meta))
        reference = model.encode(list(PARITY_PROBES), normalize_embeddings=True, convert_to_numpy=True)
        got = OnnxEncoder.from_export(tmp).encode(list(PARITY_PROBES))
        worst = float(np.min(np.sum(reference * got, axis=1)))
        if worst < PARITY_MIN_COSINE:
            raise OnnxExportError(
                f"the ONNX export of {model_path} disagrees with PyTorch (cosine {worst:.5f} < {PARITY_MIN_COSINE}); "
                "set STACKWISE_ENCODER_BACKEND=torch"
            )
        tmp.replace(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def quantize(folder: Path) -> None:
    """Add int8 weights (dynamic quantisation, per output channel) beside an export: about twice as fast on a
    CPU for vectors within ~0.01 cosine of the float model's (benchmarks/recommend_speed.py reports both)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = folder / f".{QUANTIZED}.{os.getpid()}.tmp"
    try:
        quantize_dynamic(str(folder / "model.onnx"), str(tmp), per_channel=True, weight_type=QuantType.QInt8)
        tmp.replace(folder / QUANTIZED)
    finally:
        tmp.unlink(missing_ok=True)


def export_root(cache_dir: Path | None) -> Path:
    """Where exports are kept: `onnx` in the cache directory (machine-wide), made when missing."""
    root = (cache_dir or Path(tempfile.gettempdir()) / "stackwise") / "onnx"
    root.mkdir(parents=True, exist_ok=True)
    return root


def ensure_export(folder: Path, make: Callable[[Path], None]) -> Path:
    """`folder`, exported by `make(folder)` when it holds no model yet; a process that loses the race to write it
    (the final rename) uses the one that won."""
    if not (folder / "model.onnx").is_file():
        try:
            make(folder)
        except OSError as exc:
            if not (folder / "model.onnx").is_file():
                raise OnnxExportError(f"could not write the ONNX export to {folder}: {exc}") from exc
    return folder


class OnnxEncoder:
    """Implements the Encoder protocol. The constructor stores paths; `load()` exports (once) and opens the
    session."""

    def __init__(
        self,
        model_path: str | None = None,
        cache_dir: Path | None = None,
        threads: int | None = None,
        quantized: bool = False,
    ) -> None:
        self.model_path = model_path
        self.cache_dir = cache_dir
        self.threads = threads
        self.quantized = quantized
        self.export_dir: Path | None = None
        self._session: Any = None
        self._tokenizer: Any = None
        self._meta: dict[str, Any] = {}
        self._dimension = 0
        self._lock = threading.Lock()

    @classmethod
    def from_export(cls, folder: Path, threads: int | None = None, quantized: bool = False) -> OnnxEncoder:
        encoder = cls(threads=threads, quantized=quantized)
        encoder._open(folder)
        return encoder

    @property
    def name(self) -> str:
        """The model's name, as for PyTorch: the vectors agree (checked at export), so caches and indexes built
        by either serve both."""
        return model_name(self.model_path or default_model_path())

    @property
    def dimension(self) -> int:
        self._loaded()
        return self._dimension

    def load(self) -> OnnxEncoder:
        if self._session is not None:
            return self
        path = Path(self.model_path or default_model_path())
        if not path.exists():
            raise FileNotFoundError(
                f"sentence-transformers model not found at {path}; set STACKWISE_MODEL_PATH to a local model folder"
            )
        folder = ensure_export(
            export_root(self.cache_dir) / f"{self.name}-{model_fingerprint(path)}", partial(export, path)
        )
        if self.quantized and not (folder / QUANTIZED).is_file():
            quantize(folder)
        self._open(folder)
        return self

    def _open(self, folder: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / "encoder.json").read_text())
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(meta["max_tokens"])
        tokenizer.no_padding()  # the saved tokenizer may pad to the batch; `_run` pads each batch itself
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle worker threads must sleep, not spin: FAISS and BLAS run on the same cores right after each query.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        if self.threads:
            options.intra_op_num_threads = self.threads
        model = folder / (QUANTIZED if self.quantized else "model.onnx")
        session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self._meta, self._tokenizer, self.export_dir = meta, tokenizer, folder
        self._session = session
        self._dimension = int(self._run(tokenizer.encode_batch(["dimension"])).shape[1])

    def _loaded(self) -> Any:
        if self._session is None:
            self.load()
        return self._session

    def _run(self, encoded: Sequence[Any]) -> np.ndarray:
        """One session run over already tokenised texts, padded to the longest of them."""
        width = max(len(e.ids) for e in encoded)
        feeds = {name: np.zeros((len(encoded), width), dtype=np.int64) for name in self._meta["inputs"]}
        feeds["input_ids"].fill(self._meta["pad_id"])
        for row, e in enumerate(encoded):
            n = len(e.ids)
            feeds["input_ids"][row, :n] = e.ids
            feeds["attention_mask"][row, :n] = 1
            if "token_type_ids" in feeds:
                feeds["token_type_ids"][row, :n] = e.type_ids
        with self._lock:  # one run at a time: parallel runs fight over the same cores and all get slower
            (out,) = self._session.run(None, feeds)
        return normalise(out)

    def encode(self, texts: Sequence[str], progress: Progress | None = None, batch_size: int = 32) -> np.ndarray:
        """Texts are run in batches of similar token length: a learner's goal beside its short clauses would
        otherwise pad every clause to the goal's length and cost several times the work."""
        self._loaded()
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        encoded = self._tokenizer.encode_batch(list(texts))
        lengths = np.asarray([len(e.ids) for e in encoded])
        order = np.argsort(lengths, kind="stable")
        out = np.empty((len(texts), self._dimension), dtype=np.float32)
        start = 0
        while start < len(order):
            end = start + 1
            while (
                end < len(order)
                and end - start < batch_size
                and lengths[order[end]] * (end + 1 - start) <= PAD_SLACK * lengths[order[start : end + 1]].sum()
            ):
                end += 1
            rows = order[start:end]
            out[rows] = self._run([encoded[i] for i in rows])
            if progress:
                progress(len(rows))
            start = end
        return out
