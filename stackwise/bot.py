"""Running the Rasa bot from the main environment: train only when its data changed, write the effective channel
credentials, and describe the Rasa and action servers for the supervisor. The bot lives in its own Python 3.10
environment, so everything here goes through its command line."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from stackwise import rasa_stores
from stackwise.settings import Settings
from stackwise.supervisor import Port, ServiceSpec, die_with_parent

# The training data: stories, rules and English NLU in data/, one folder per other language in languages/ (a new
# language is a new folder). Rasa reads several paths after one --data.
TRAINING_DATA = ("data", "languages")
# What a trained model depends on; credentials and endpoints are read at run time.
TRAINING_INPUTS = ("config.yml", "domain.yml", *TRAINING_DATA, "components")
ALWAYS_ON = frozenset({"socketio", "rest"})
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class BotTrainingFailed(RuntimeError):
    pass


def training_hash(bot_dir: Path) -> str:
    digest = hashlib.sha256()
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = bot_dir / name
        files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".py")) if path.is_dir() else [path])
    files.append(bot_dir / "requirements.txt")  # another Rasa version means another model format
    for f in files:
        digest.update(str(f.relative_to(bot_dir)).encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def rasa(settings: Settings) -> str:
    return str(settings.bot_venv / "bin" / "rasa")


def ensure_model(settings: Settings, say: Callable[[str], object] = print) -> Path:
    """The model for the current bot data: reused when one was trained from the same inputs, else trained now."""
    digest = training_hash(settings.bot_dir)
    models = settings.bot_models_dir
    model = models / f"stackwise-{digest}.tar.gz"
    if model.exists():
        return model
    models.mkdir(parents=True, exist_ok=True)
    say(f"Training the bot (its data changed; about 3 minutes) -> {model}")
    partial = f"partial-{digest}-{os.getpid()}"
    log = settings.data_dir / "logs" / "bot-training.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        done = subprocess.run(
            [rasa(settings), "train", "--data", *TRAINING_DATA, "--out", str(models), "--fixed-model-name", partial],
            cwd=settings.bot_dir,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent(),  # a stopped `stackwise up` leaves no training behind
        )
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:]
        raise BotTrainingFailed(f"rasa train failed (exit {done.returncode}); full log: {log}\n{tail}")
    (models / f"{partial}.tar.gz").replace(model)  # a crash mid-training never leaves a model under the real name
    return model


def channel_credentials(template: str, env: Mapping[str, str]) -> dict[str, Any]:
    """The credentials file Rasa should read: socket.io and REST always, every other channel only when all the
    environment variables it names are set (Rasa itself refuses to start on an unset one)."""
    sections: dict[str, Any] = yaml.safe_load(template) or {}
    effective: dict[str, Any] = {}
    for channel, config in sections.items():
        names = _VAR.findall(yaml.safe_dump(config)) if config else []
        if channel not in ALWAYS_ON and (not names or any(not env.get(n) for n in names)):
            continue
        effective[channel] = _substitute(config, env)
    return effective


def _substitute(value: Any, env: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _VAR.sub(lambda m: env[m.group(1)], value)
    if isinstance(value, dict):
        return {k: _substitute(v, env) for k, v in value.items()}
    return value


def write_credentials(settings: Settings, env: Mapping[str, str]) -> tuple[Path, list[str]]:
    template = (settings.bot_dir / "credentials.yml").read_text(encoding="utf-8")
    effective = channel_credentials(template, env)
    target = settings.data_dir / "bot" / "credentials.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(effective, sort_keys=False), encoding="utf-8")
    target.chmod(0o600)  # it holds channel secrets
    return target, list(effective)


def rasa_endpoints(settings: Settings) -> dict[str, Any]:
    """bot/endpoints.yml with the action server at the configured port and, when configured, the shared tracker
    store (PostgreSQL) and lock store (Redis) that let several Rasa servers serve the same conversations."""
    endpoints = yaml.safe_load((settings.bot_dir / "endpoints.yml").read_text(encoding="utf-8")) or {}
    endpoints["action_endpoint"] = {"url": f"http://127.0.0.1:{settings.actions_port}/webhook"}
    if settings.tracker_store_url:
        endpoints["tracker_store"] = rasa_stores.tracker_store(
            settings.tracker_store_url, settings.tracker_store_login_db
        )
    if settings.lock_store_url:
        endpoints["lock_store"] = rasa_stores.lock_store(settings.lock_store_url)
    return endpoints


def write_endpoints(settings: Settings) -> Path:
    """The effective endpoints file Rasa starts with (0600: it may hold database passwords)."""
    target = settings.data_dir / "bot" / "endpoints.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch(mode=0o600)
    target.chmod(0o600)
    target.write_text(yaml.safe_dump(rasa_endpoints(settings), sort_keys=False), encoding="utf-8")
    return target


def bot_ports(settings: Settings) -> dict[str, Port]:
    """The ports the action server and the Rasa server listen on (every interface, as Rasa does by default)."""
    return {
        "actions": Port(settings.actions_port, "STACKWISE_ACTIONS_PORT"),
        "rasa": Port(settings.rasa_port, "STACKWISE_RASA_PORT"),
    }


def bot_services(
    settings: Settings, model: Path, credentials: Path, token: str, api_key: str | None
) -> list[ServiceSpec]:
    """The action server first (Rasa calls it), then the Rasa server; both wait on their own health URL."""
    api_url = f"http://{'127.0.0.1' if settings.host in ('0.0.0.0', '::') else settings.host}:{settings.port}"
    ports = bot_ports(settings)
    actions = ServiceSpec(
        "actions",
        [rasa(settings), "run", "actions", "--port", str(settings.actions_port), "--actions", "actions"],
        f"http://127.0.0.1:{settings.actions_port}/health",
        cwd=settings.bot_dir,
        env={
            "STACKWISE_API_URL": api_url,
            **({"STACKWISE_BOT_API_KEY": api_key} if api_key else {}),
            "RASA_TELEMETRY_ENABLED": "false",
        },
        startup_seconds=120,
        port=ports["actions"],
    )
    server = ServiceSpec(
        "rasa",
        [
            rasa(settings),
            "run",
            "--model",
            str(model),
            "--port",
            str(settings.rasa_port),
            "--enable-api",
            "--auth-token",
            token,
            "--cors",
            *settings.cors_origins,
            "--credentials",
            str(credentials),
            "--endpoints",
            str(write_endpoints(settings)),
        ],
        f"http://127.0.0.1:{settings.rasa_port}/",
        cwd=settings.bot_dir,
        env={"RASA_TELEMETRY_ENABLED": "false"},
        startup_seconds=300,
        port=ports["rasa"],
    )
    return [actions, server]
