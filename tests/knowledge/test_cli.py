from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from knowledge.schema import json_schema
from stackwise.cli import _money, app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, esco_fixture_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STACKWISE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STACKWISE_ESCO_DIR", str(esco_fixture_dir))
    monkeypatch.delenv("STACKWISE_DATABASE_URL", raising=False)
    return tmp_path


def test_validate_import_export_cycle(env: Path, small_catalog_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "validate", str(small_catalog_path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["ok"] and payload["counts"]["credentials"] == 4
    assert runner.invoke(app, ["catalog", "import", str(small_catalog_path)]).exit_code == 0
    out = env / "export.yaml"
    assert runner.invoke(app, ["catalog", "export", "--format", "yaml", "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["catalog", "import", str(out), "--replace", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["revision"] == 1  # same content, same revision


def test_bad_file_exits_non_zero_and_imports_nothing(env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,provider_id\nx,Some title,nobody\n")
    result = runner.invoke(app, ["catalog", "import", str(bad)])
    assert result.exit_code == 1
    assert "Nothing imported" in result.output
    stats = runner.invoke(app, ["catalog", "stats", "--json"])
    assert json.loads(stats.stdout)["credentials"] == 0


def test_unknown_format_is_a_usage_error(env: Path, tmp_path: Path) -> None:
    path = tmp_path / "catalog.txt"
    path.write_text("x")
    result = runner.invoke(app, ["catalog", "validate", str(path)])
    assert result.exit_code == 2 and "--format" in result.output


def test_seed_imports_only_into_an_empty_store(
    env: Path, small_catalog_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKWISE_CATALOG_PATH", str(small_catalog_path))
    assert runner.invoke(app, ["catalog", "seed"]).exit_code == 0
    result = runner.invoke(app, ["catalog", "seed"])
    assert result.exit_code == 0 and "nothing to do" in result.output


def test_every_command_has_help() -> None:
    for command in (["--help"], ["catalog", "--help"], ["catalog", "import", "--help"], ["esco", "--help"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0 and "Usage" in result.output


def test_published_json_schema_is_up_to_date() -> None:
    published = Path(__file__).parents[2] / "knowledge" / "catalog.schema.json"
    assert json.loads(published.read_text()) == json_schema(), (
        "run: stackwise catalog schema -o knowledge/catalog.schema.json"
    )


def test_keys_create_list_revoke(env: Path) -> None:
    created = runner.invoke(app, ["keys", "create", "--name", "ana", "--role", "adviser"])
    assert created.exit_code == 0 and created.stdout.strip().startswith("sw_")
    assert runner.invoke(app, ["keys", "create", "--name", "ana"]).exit_code == 2  # names are unique
    assert runner.invoke(app, ["keys", "create", "--name", "x", "--role", "root"]).exit_code == 2
    assert "ana" in runner.invoke(app, ["keys", "list"]).stdout
    assert runner.invoke(app, ["keys", "revoke", "ana"]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", "ana"]).exit_code == 1


def test_prices_print_with_separators_and_their_eur_worth() -> None:
    assert _money(1_750_000, "IDR", 98.4) == "1,750,000 IDR (~ 98 EUR)"
    assert _money(49.5, "EUR", 49.5) == "49.50 EUR"
    assert _money(1200, "EUR") == "1,200 EUR"
