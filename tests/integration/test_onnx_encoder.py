"""The ONNX Runtime encoder gives PyTorch's vectors, exports once per model, and leaves nothing half-written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import recommender.onnx_encoder as onnx_encoder
from recommender.encoder import SentenceTransformerEncoder
from recommender.onnx_encoder import OnnxEncoder

SENTENCES = [
    "ok",
    "I run a palm-oil smallholding and want to move into sustainability consulting",
    "Kenntnisse in SQL, Excel und Projektmanagement; 5 h pro Woche",
    "manage stock; plan routes; train new warehouse staff " * 30,  # longer than the model's 256-token window
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> OnnxEncoder:
    return OnnxEncoder(cache_dir=tmp_path_factory.mktemp("cache")).load()


def test_onnx_vectors_match_pytorch(exported: OnnxEncoder, real_encoder: SentenceTransformerEncoder) -> None:
    got = exported.encode(SENTENCES)
    want = real_encoder.encode(SENTENCES)
    assert got.shape == want.shape and got.dtype == np.float32
    assert np.min(np.sum(got * want, axis=1)) > 0.9999
    assert exported.name == real_encoder.name  # so caches and indexes built by either serve both


def test_a_second_load_reuses_the_export(exported: OnnxEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    assert exported.export_dir is not None and exported.cache_dir is not None
    monkeypatch.setattr(onnx_encoder, "export", lambda *_: pytest.fail("exported again"))
    again = OnnxEncoder(cache_dir=exported.cache_dir).load()
    assert again.export_dir == exported.export_dir
    assert sorted(p.name for p in (exported.cache_dir / "onnx").iterdir()) == [exported.export_dir.name]


def test_a_failed_export_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(onnx_encoder, "PARITY_MIN_COSINE", 1.1)  # no export can pass: the check must refuse it
    with pytest.raises(onnx_encoder.OnnxExportError, match="STACKWISE_ENCODER_BACKEND=torch"):
        OnnxEncoder(cache_dir=tmp_path).load()
    assert list((tmp_path / "onnx").iterdir()) == []


def test_int8_weights_stay_close_to_the_float_model(exported: OnnxEncoder) -> None:
    assert exported.cache_dir is not None
    quantized = OnnxEncoder(cache_dir=exported.cache_dir, quantized=True).load()
    assert quantized.export_dir == exported.export_dir  # beside the float export, not a second export
    assert (exported.export_dir / onnx_encoder.QUANTIZED).is_file()
    got, want = quantized.encode(SENTENCES), exported.encode(SENTENCES)
    cosines = np.sum(got * want, axis=1)
    assert cosines.min() > 0.95 and cosines.mean() > 0.98
    assert not np.allclose(got, want, atol=1e-4)  # it really runs the int8 model
