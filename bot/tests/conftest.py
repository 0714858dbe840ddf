"""Bot tests run in the bot's environment (`.venv-bot/bin/python -m pytest bot/tests`)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the `actions` package, as the action server sees it
