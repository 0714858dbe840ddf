"""The bot's NumPy MiniLM (Python 3.10, no PyTorch) gives the same sentence embeddings as sentence-transformers."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from stackwise.settings import Settings

pytestmark = pytest.mark.integration

SENTENCES = [
    "I want to become a data analyst",
    "yes",
    "Héllo, wörld! naïve café 123 — ok?",
    "I'm a nurse; I know Excel & SQL, 4h/week, max 300€",
    "tell me a joke 😀",
]
SCRIPT = (
    "import json, sys\n"
    "from components.minilm import default_model_path, load\n"
    "m = load(str(default_model_path()))\n"
    "print(json.dumps([m.sentence(s).tolist() for s in json.loads(sys.argv[1])]))\n"
)


def test_numpy_encoder_matches_sentence_transformers(bot_settings: Settings) -> None:
    from sentence_transformers import SentenceTransformer

    from recommender.encoder import default_model_path

    done = subprocess.run(
        [str(bot_settings.bot_venv / "bin" / "python"), "-c", SCRIPT, json.dumps(SENTENCES)],
        cwd=bot_settings.bot_dir,
        capture_output=True,
        text=True,
        check=True,
    )
    mine = np.asarray(json.loads(done.stdout.strip().splitlines()[-1]))
    reference = SentenceTransformer(str(default_model_path())).encode(SENTENCES, normalize_embeddings=True)
    assert np.min(np.sum(mine * reference, axis=1)) > 0.9999
