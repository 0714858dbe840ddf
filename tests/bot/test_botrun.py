"""Bot launching from the main environment: model cache by content hash, effective channel credentials."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
import yaml

from stackwise import bot as botrun
from stackwise.settings import Settings

BOT = Path(__file__).resolve().parents[2] / "bot"


@pytest.fixture
def bot_copy(tmp_path: Path) -> Path:
    target = tmp_path / "bot"
    shutil.copytree(BOT, target, ignore=shutil.ignore_patterns("models", ".rasa", "tests", "__pycache__"))
    return target


def _fake_rasa(tmp_path: Path) -> Path:
    """A `rasa` that records its calls and writes the model file `rasa train` would."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    script = venv / "bin" / "rasa"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> {tmp_path}/calls\n'
        'while [ $# -gt 0 ]; do case "$1" in --out) out=$2;; --fixed-model-name) name=$2;; esac; shift; done\n'
        'echo model > "$out/$name.tar.gz"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return venv


def test_training_hash_follows_training_data_only(bot_copy: Path) -> None:
    before = botrun.training_hash(bot_copy)
    (bot_copy / "endpoints.yml").write_text("action_endpoint:\n  url: http://elsewhere/webhook\n")
    (bot_copy / "credentials.yml").write_text("rest:\n")
    assert botrun.training_hash(bot_copy) == before
    nlu = bot_copy / "data" / "nlu.yml"
    nlu.write_text(nlu.read_text() + "\n")
    assert botrun.training_hash(bot_copy) != before


def test_model_is_trained_once_per_content(bot_copy: Path, tmp_path: Path) -> None:
    settings = Settings(bot_dir=bot_copy, bot_venv=_fake_rasa(tmp_path), cache_dir=tmp_path / "cache")
    first = botrun.ensure_model(settings, say=lambda _: None)
    again = botrun.ensure_model(settings, say=lambda _: None)
    assert first == again and first.exists() and first.name.startswith("stackwise-")
    assert len((tmp_path / "calls").read_text().splitlines()) == 1
    assert not list(first.parent.glob("partial-*"))  # trained aside, then renamed
    (bot_copy / "domain.yml").write_text((bot_copy / "domain.yml").read_text() + "\n")
    assert botrun.ensure_model(settings, say=lambda _: None) != first
    assert len((tmp_path / "calls").read_text().splitlines()) == 2


def test_channels_switch_on_with_their_variables() -> None:
    template = (BOT / "credentials.yml").read_text()
    assert set(botrun.channel_credentials(template, {})) == {"socketio", "rest"}
    env = {"TELEGRAM_ACCESS_TOKEN": "123:abc", "TELEGRAM_BOT_NAME": "uni_bot", "TELEGRAM_WEBHOOK_URL": "https://x/hook"}
    effective = botrun.channel_credentials(template, env)
    assert effective["telegram"] == {"access_token": "123:abc", "verify": "uni_bot", "webhook_url": "https://x/hook"}
    half = {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"}  # no number: not switched on
    assert "twilio" not in botrun.channel_credentials(template, half)
    assert effective["socketio"]["session_persistence"] is True
    assert effective["socketio"]["metadata_key"] == "customData"


def test_every_messaging_channel_is_configurable() -> None:
    channels = yaml.safe_load((BOT / "credentials.yml").read_text())
    assert {"telegram", "slack", "botframework", "twilio", "facebook"} <= set(channels)


def test_written_credentials_are_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    path, channels = botrun.write_credentials(settings, {"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "y"})
    assert channels == ["socketio", "rest", "slack"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def _endpoints(tmp_path: Path, **fields: object) -> dict[str, object]:
    path = botrun.write_endpoints(Settings(data_dir=tmp_path, actions_port=6055, **fields))  # type: ignore[arg-type]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it may hold database passwords
    return dict(yaml.safe_load(path.read_text()))


def test_endpoints_default_to_rasa_memory(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path)
    assert endpoints == {"action_endpoint": {"url": "http://127.0.0.1:6055/webhook"}}


def test_endpoints_share_conversations_through_postgresql_and_redis(tmp_path: Path) -> None:
    endpoints = _endpoints(
        tmp_path,
        tracker_store_url="postgresql://rasa:p%40ss@db.internal:5433/rasa_trackers?sslmode=require",
        tracker_store_login_db="postgres",
        lock_store_url="rediss://:s3cret@cache.internal:6380/3",
    )
    assert endpoints["tracker_store"] == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.internal",
        "port": 5433,
        "db": "rasa_trackers",
        "username": "rasa",
        "password": "p@ss",
        "login_db": "postgres",
        "query": {"sslmode": "require"},
    }
    assert endpoints["lock_store"] == {
        "type": "redis",
        "url": "cache.internal",
        "port": 6380,
        "db": 3,
        "password": "s3cret",
        "use_ssl": True,
    }
    assert endpoints["action_endpoint"] == {"url": "http://127.0.0.1:6055/webhook"}


def test_store_urls_take_rasa_defaults(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path, tracker_store_url="postgres://db/rasa", lock_store_url="redis://cache")
    assert endpoints["tracker_store"] == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db",
        "port": 5432,
        "db": "rasa",
    }
    assert endpoints["lock_store"] == {"type": "redis", "url": "cache", "port": 6379, "db": 1}


@pytest.mark.parametrize(
    ("field", "url", "says"),
    [
        ("tracker_store_url", "postgresql+psycopg://u:topsecret@db/rasa", "psycopg2"),
        ("tracker_store_url", "mysql://db/rasa", "postgresql://"),
        ("tracker_store_url", "postgresql://db", "database"),
        ("lock_store_url", "memcached://cache:11211", "redis://"),
        ("lock_store_url", "redis://cache/locks", "by number"),
    ],
)
def test_unusable_store_urls_are_refused_at_start_up(field: str, url: str, says: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=says) as caught:
        Settings(**{field: url})  # type: ignore[arg-type]
    assert "topsecret" not in str(caught.value)  # the password never reaches a log
    assert field in str(caught.value)
