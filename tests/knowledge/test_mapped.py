"""A provider's own JSON, JSONL or CSV catalog read through a mapping file: small fixtures written here, the
team-written CSV example (tests/knowledge/data/mapped), then the real Carpentries lessons from ../shared (skipped
with the reason when absent), imported and recommended."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from knowledge.catalog import import_report, validate_file, validate_mapped
from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog, Participation
from knowledge.store import CatalogStore
from recommender.catalog_index import IndexStore
from recommender.request import LearnerRequest
from recommender.service import RecommenderService
from stackwise.cli import app
from tests.fakes import UNFLOORED, HashingEncoder

REPO = Path(__file__).resolve().parents[2]
CARPENTRIES = REPO.parent / "shared" / "data" / "real-world" / "catalogs" / "carpentries"
CARPENTRIES_MAPPING = REPO / "deploy" / "mappings" / "carpentries.yaml"
NORTHFIELD = Path(__file__).parent / "data" / "mapped"  # modules.csv + workload.csv, read by modules.yaml
needs_carpentries = pytest.mark.skipif(
    not (CARPENTRIES / "lessons.json").is_file(), reason=f"the real Carpentries catalog is not at {CARPENTRIES}"
)

COURSES = {
    "data": {
        "items": [
            {
                "code": "DS/101",
                "name": "Data cleaning with Python",
                "summary": "Clean messy tables with pandas.",
                "lang": "English",
                "cost": 0,
            },
            {"code": "DS/102", "name": "SQL for analysts", "summary": "Query a database.", "lang": "German"},
        ]
    }
}
SESSIONS = [
    {"course": "DS/101", "minutes": 90, "goals": ["Load a CSV file into a data frame", "Find missing values"]},
    {"course": "DS/101", "minutes": 30, "goals": ["Find missing values", "Remove duplicate rows safely"]},
    {"course": "DS/102", "minutes": 0, "goals": ["Write a SELECT query with a filter", "Join two tables by a key"]},
]
MAPPING = """\
records: {path: data.items}
join: {file: sessions.jsonl, on: course, to: code, as: sessions}
provider: {id: acme-academy, name: ACME Academy, type: company, country: DE}
fields:
  id: {path: code, slug: true}
  title: name
  description: "{name}. {summary}"
  learning_outcomes: {path: "sessions[].goals[]", unique: true}
  hours: {path: "sessions[].minutes", sum: true, divide: 60, unstated_if: [0]}
  languages: {path: lang, map: {English: en, German: de}}
  price: cost
  currency: {value: EUR}
  url: "https://acme.example.org/courses/{code}"
  certificate: {value: open_badge}
  delivery.country: {value: DE}
"""


def _write(folder: Path, mapping: str = MAPPING, courses: object = COURSES) -> tuple[Path, Path]:
    (folder / "courses.json").write_text(json.dumps(courses, indent=2), encoding="utf-8")
    (folder / "sessions.jsonl").write_text("\n".join(json.dumps(s) for s in SESSIONS) + "\n", encoding="utf-8")
    (folder / "map.yaml").write_text(textwrap.dedent(mapping), encoding="utf-8")
    return folder / "courses.json", folder / "map.yaml"


def test_fields_come_from_paths_joins_templates_and_constants(tmp_path: Path) -> None:
    report = validate_mapped(*_write(tmp_path), None)
    assert report.ok, [str(i) for i in report.errors]
    first, _ = report.catalog.credentials
    assert first.id == "ds-101" and first.provider == "acme-academy"
    assert first.description == "Data cleaning with Python. Clean messy tables with pandas."
    assert [o.text for o in first.learning_outcomes] == [
        "Load a CSV file into a data frame",
        "Find missing values",
        "Remove duplicate rows safely",
    ]
    assert first.hours == 2.0 and first.price == 0 and first.languages == ("en",)
    assert first.url == "https://acme.example.org/courses/DS/101" and first.delivery.country == "DE"
    assert report.catalog.providers[0].name == "ACME Academy"


def test_what_a_record_does_not_state_is_warned_not_invented(tmp_path: Path) -> None:
    report = validate_mapped(*_write(tmp_path), None)
    second = report.catalog.credential_by_id["ds-102"]
    assert second.price is None and second.hours is None  # no cost; 0 minutes means the source does not say
    warned = {i.field.split(" ")[0] for i in report.warnings if (i.pointer or "").startswith("/1/") and i.field}
    assert {"price", "ects", "eqf_level"} <= warned  # ects: where the workload warning points


def test_a_bad_path_is_refused_at_its_mapping_line_with_the_fix(tmp_path: Path) -> None:
    mapping = MAPPING.replace('"sessions[].goals[]"', '"sessions[.goals"')
    report = validate_mapped(*_write(tmp_path, mapping), None)
    assert not report.ok and not report.catalog.credentials
    (error,) = report.errors
    assert (error.source, error.line, error.field) == ("map.yaml", 8, "fields.learning_outcomes.path")
    assert "[] after a list" in error.message


@pytest.mark.parametrize(
    ("line", "bad", "field", "fix"),
    [
        ("  title: name\n", "  titel: name\n", "fields.titel", "use one of id, title"),
        ("  currency: {value: EUR}\n", "  languages2: [en]\n", "fields.languages2", "not a Stackwise credential"),
        ("  currency: {value: EUR}\n", "  currency: [EUR]\n", "fields.currency", "{value: [...]}"),
        ("  certificate: {value: open_badge}\n", "", "fields", "add certificate: {value: open_badge}"),
        ("  title: name\n", "  title: {path: name, value: x}\n", "fields.title", "exactly one of path"),
        ("  title: name\n", "  title: {path: name, trim: true}\n", "fields.title.trim", "unknown key"),
    ],
)
def test_mapping_mistakes_are_located_with_a_fix(tmp_path: Path, line: str, bad: str, field: str, fix: str) -> None:
    assert line in MAPPING
    report = validate_mapped(*_write(tmp_path, MAPPING.replace(line, bad)), None)
    assert not report.ok
    error = next(e for e in report.errors if e.field == field)
    assert error.source == "map.yaml" and error.line is not None and fix in error.message, str(error)


def test_yaml_reads_on_as_true_but_a_join_still_means_the_key(tmp_path: Path) -> None:
    report = validate_mapped(*_write(tmp_path), None)
    assert len(report.catalog.credential_by_id["ds-101"].learning_outcomes) == 3


def test_a_bad_record_points_at_its_line_and_the_mapping_line(tmp_path: Path) -> None:
    courses = json.loads(json.dumps(COURSES))
    courses["data"]["items"][1]["name"] = "SQ"
    report = validate_mapped(*_write(tmp_path, courses=courses), None)
    (error,) = report.errors
    assert error.source == "courses.json" and error.line == 11 and error.pointer == "/1/title"
    assert error.field == "title (from name at map.yaml:6)"
    assert "at least 3 characters" in str(error)


def test_a_record_file_that_is_not_json_is_refused_where_it_breaks(tmp_path: Path) -> None:
    source, mapping = _write(tmp_path)
    (tmp_path / "sessions.jsonl").write_text('{"course": "DS/101"}\n{"course": \n', encoding="utf-8")
    report = validate_mapped(source, mapping, None)
    (error,) = report.errors
    assert (error.source, error.line) == ("sessions.jsonl", 2) and "not valid JSON" in error.message


def test_a_records_path_that_is_not_there_is_refused(tmp_path: Path) -> None:
    report = validate_mapped(*_write(tmp_path, MAPPING.replace("data.items", "data.courses")), None)
    (error,) = report.errors
    assert error.source == "courses.json" and "fix records.path" in error.message


def test_a_file_with_an_error_imports_nothing(tmp_path: Path) -> None:
    courses = json.loads(json.dumps(COURSES))
    courses["data"]["items"][1]["lang"] = "Klingon"  # not mapped to a language code
    report = validate_mapped(*_write(tmp_path, courses=courses), None)
    assert [e.field for e in report.errors] == ["languages[0] (from lang at map.yaml:10)"]
    store = CatalogStore(f"sqlite:///{tmp_path / 'store.sqlite'}")
    assert not import_report(store, report, replace=True).written
    assert len(store.load()) == 0
    store.close()


# -- CSV and TSV records ---------------------------------------------------------------------------------------


def test_the_csv_example_reads_through_its_mapping() -> None:
    report = validate_mapped(NORTHFIELD / "modules.csv", NORTHFIELD / "modules.yaml", None)
    assert report.ok, [str(e) for e in report.errors]
    first, second, third = report.catalog.credentials
    assert (first.id, first.ects, first.eqf_level, first.price) == ("nu-ds-01", 2.5, 6, 0)  # "2,5", "6", "0"
    assert first.hours == 62.5  # workload.csv: "20" + "42.5", a CSV joined by the "Module code" column
    assert first.languages == ("en", "de") and first.participation == Participation.ONLINE
    assert [d.isoformat() for d in first.schedule.start_dates] == ["2027-02-01", "2027-09-01"]
    assert [o.text for o in second.learning_outcomes] == [  # a quoted cell, an outcome a line
        "Write a SELECT query with a filter",
        "Join two tables by a key",
        "Summarise groups with window functions",
    ]
    assert len(third.learning_outcomes) == 3 and third.price is None
    (price,) = [w for w in report.warnings if w.field and w.field.startswith("price")]
    assert (price.source, price.line) == ("modules.csv", 6)  # the row after one that spans lines 3-5
    assert price.field == "price (from Fee (EUR) at modules.yaml:23)"


CSV_MAPPING = """\
provider: {id: acme-academy, name: ACME Academy, type: company, country: DE}
fields:
  id: {path: code, slug: true}
  title: name
  description: summary
  learning_outcomes: {path: outcomes, split: "|"}
  ects: ects
  eqf_level: eqf
  price: {path: cost, unstated_if: [0]}
  certificate: {value: open_badge}
"""
CSV_HEADER = "code,name,summary,outcomes,ects,eqf,cost\n"
CSV_ROW = (
    "DS/101,Data cleaning,Clean messy tables.,Load a CSV file | Find missing values | Remove duplicates,{ects},6,0\n"
)


def _csv(folder: Path, rows: str, mapping: str = CSV_MAPPING, name: str = "courses.csv") -> tuple[Path, Path]:
    (folder / name).write_text(rows, encoding="utf-8")
    (folder / "map.yaml").write_text(mapping, encoding="utf-8")
    return folder / name, folder / "map.yaml"


@pytest.mark.parametrize(("cell", "ects"), [("3", 3), ("2.5", 2.5), ('"2,5"', 2.5), ('"0,125"', 0.125), (" 4 ", 4)])
def test_csv_numbers_are_read_as_numbers(tmp_path: Path, cell: str, ects: float) -> None:
    report = validate_mapped(*_csv(tmp_path, CSV_HEADER + CSV_ROW.format(ects=cell)), None)
    assert report.ok, [str(e) for e in report.errors]
    (credential,) = report.catalog.credentials
    assert credential.ects == ects and credential.eqf_level == 6
    assert credential.price is None  # "0" is one of unstated_if: [0]


def test_a_comma_that_may_be_a_thousands_separator_is_an_error_not_a_guess(tmp_path: Path) -> None:
    report = validate_mapped(*_csv(tmp_path, CSV_HEADER + CSV_ROW.format(ects='"1,500"')), None)
    (error,) = report.errors
    assert (error.source, error.line, error.pointer) == ("courses.csv", 2, "/0")
    assert error.field == "ects (from ects at map.yaml:7)" and "ambiguous" in error.message and "1.500" in str(error)
    assert not report.catalog.credentials


def test_a_csv_cell_that_is_not_a_number_is_located_at_its_row_and_mapping_line(tmp_path: Path) -> None:
    report = validate_mapped(*_csv(tmp_path, CSV_HEADER + CSV_ROW.format(ects="3") + CSV_ROW.format(ects="lots")), None)
    (error,) = report.errors
    assert str(error).startswith('courses.csv:3: ects (from ects at map.yaml:7): "lots" must be a number'), str(error)
    assert not report.ok  # so nothing is imported (import_report writes nothing from a report with an error)


def test_empty_cells_past_the_header_make_no_ragged_row(tmp_path: Path) -> None:
    rows = CSV_HEADER + CSV_ROW.format(ects="3").replace("\n", ",,\n")  # a spreadsheet's trailing empty cells
    report = validate_mapped(*_csv(tmp_path, rows), None)
    assert report.ok and len(report.catalog.credentials) == 1, [str(e) for e in report.errors]


def test_a_tsv_file_from_excel_with_line_breaks_in_a_cell(tmp_path: Path) -> None:
    mapping = CSV_MAPPING.replace('split: "|"', 'split: "\\n"')
    outcomes = '"Load a CSV file\nFind missing values\n\nRemove duplicates"'
    rows = "\t".join(CSV_HEADER.strip().split(",")) + "\n" + f"DS/101\tData cleaning\tClean.\t{outcomes}\t3\t6\t\n"
    source, mapping_path = _csv(tmp_path, rows, mapping, "courses.tsv")
    # Excel's "CSV UTF-8": a byte order mark first, and Windows line ends (also inside a quoted cell)
    source.write_bytes(rows.replace("\n", "\r\n").encode("utf-8-sig"))
    report = validate_mapped(source, mapping_path, None)
    assert report.ok, [str(e) for e in report.errors]
    (credential,) = report.catalog.credentials
    assert [o.text for o in credential.learning_outcomes] == [
        "Load a CSV file",
        "Find missing values",
        "Remove duplicates",
    ]


def test_the_delimiter_is_guessed_from_the_header_or_given(tmp_path: Path) -> None:
    rows = (CSV_HEADER + CSV_ROW.format(ects='"2,5"')).replace(",", ";").replace("2;5", "2,5")
    report = validate_mapped(*_csv(tmp_path, rows), None)  # ";" splits the header into the most columns
    assert report.ok and report.catalog.credentials[0].ects == 2.5, [str(e) for e in report.errors]
    # "," and ";" split this header into two columns each: the guess (",") is wrong, and the error shows it.
    rows = "code;name, full\nDS/101;Data cleaning\n"
    mapping = """\
provider: {id: acme-academy, name: ACME Academy}
fields:
  id: {path: code, slug: true}
  title: name, full
  description: {value: A course.}
  learning_outcomes: {value: [Clean a messy table of data]}
  certificate: {value: open_badge}
"""
    (error,) = validate_mapped(*_csv(tmp_path, rows, mapping), None).errors
    assert (error.source, error.line) == ("courses.csv", 2), str(error)
    assert "has 1 cells but the header (line 1) has 2 columns separated by ','" in error.message
    assert "say the file's delimiter in the mapping (',' was guessed from the header)" in error.message
    report = validate_mapped(*_csv(tmp_path, rows, 'records: {delimiter: ";"}\n' + mapping), None)
    assert report.ok and report.catalog.credentials[0].title == "Data cleaning", [str(e) for e in report.errors]


def test_a_csv_join_attaches_rows_to_json_records(tmp_path: Path) -> None:
    source, mapping = _write(
        tmp_path,
        MAPPING.replace("sessions.jsonl", "sessions.csv").replace(
            '{path: "sessions[].goals[]", unique: true}', '{path: "sessions[].goals", split: "|", unique: true}'
        ),
    )
    (tmp_path / "sessions.csv").write_text(
        "course,minutes,goals\n"
        "DS/101,90,Load a CSV file into a data frame | Find missing values\n"
        "DS/101,30,Find missing values | Remove duplicate rows safely\n"
        "DS/102,0,Write a SELECT query with a filter | Join two tables by a key\n",
        encoding="utf-8",
    )
    report = validate_mapped(source, mapping, None)
    assert report.ok, [str(e) for e in report.errors]
    first, second = report.catalog.credentials
    assert first.hours == 2.0 and len(first.learning_outcomes) == 3  # "90" + "30" minutes, divided by 60
    assert second.hours is None  # "0" minutes: unstated_if: [0]


@pytest.mark.parametrize(
    ("rows", "mapping_change", "where", "fix"),
    [
        ("", None, ("courses.csv", 1), "is empty; the first row must name the columns"),
        (CSV_HEADER, None, ("courses.csv", 1), "has a header but no rows"),
        (
            CSV_HEADER + "DS/101,Data cleaning,Clean.,Load a file,3,6,0,extra\n",
            None,
            ("courses.csv", 2),
            "quote a cell",
        ),
        (CSV_HEADER + "DS/101,Data cleaning,Clean.\n", None, ("courses.csv", 2), "add the missing cells"),
        (
            CSV_HEADER + 'DS/101,"Data cleaning,Clean.,x,3,6,0\nDS/102,b,c,d,3,6,0\n',
            None,
            ("courses.csv", 2),
            "quote left open",
        ),
        (
            CSV_HEADER.replace("eqf", "ects") + CSV_ROW.format(ects=3),
            None,
            ("courses.csv", 1),
            "names the column 'ects' twice",
        ),
        (
            CSV_HEADER.replace("name", "Name") + CSV_ROW.format(ects=3),
            None,
            ("map.yaml", 4),
            "courses.csv has no column 'name' (its columns: 'code', 'Name'",
        ),
        (
            CSV_HEADER,
            ("provider:", "records: {path: data.items}\nprovider:"),
            ("map.yaml", 1),
            "its rows are the records; remove path",
        ),
    ],
)
def test_a_csv_mistake_is_located_with_a_fix_and_nothing_is_imported(
    tmp_path: Path, rows: str, mapping_change: tuple[str, str] | None, where: tuple[str, int], fix: str
) -> None:
    mapping = CSV_MAPPING.replace(*mapping_change) if mapping_change else CSV_MAPPING
    report = validate_mapped(*_csv(tmp_path, rows, mapping), None)
    assert not report.ok and not report.catalog.credentials
    error = next((e for e in report.errors if fix in e.message), None)
    assert error is not None and (error.source, error.line) == where, [str(e) for e in report.errors]


def test_a_join_key_that_is_no_column_is_refused_at_its_mapping_line(tmp_path: Path) -> None:
    mapping = (NORTHFIELD / "modules.yaml").read_text().replace("to: Module code", "to: Code")
    (tmp_path / "modules.yaml").write_text(mapping, encoding="utf-8")
    for name in ("modules.csv", "workload.csv"):
        (tmp_path / name).write_bytes((NORTHFIELD / name).read_bytes())
    report = validate_mapped(tmp_path / "modules.csv", tmp_path / "modules.yaml", None)
    (error,) = report.errors
    assert (error.source, error.line, error.field) == ("modules.yaml", 9, "join.to")
    assert "modules.csv has no column 'Code'" in error.message


def test_a_delimiter_for_a_json_file_is_refused(tmp_path: Path) -> None:
    report = validate_mapped(
        *_write(
            tmp_path, MAPPING.replace("records: {path: data.items}", 'records: {path: data.items, delimiter: ";"}')
        ),
        None,
    )
    (error,) = report.errors
    assert (error.source, error.line, error.field) == ("map.yaml", 1, "records.delimiter")
    assert "courses.json is not a CSV file; remove delimiter" in error.message


def test_a_csv_that_is_not_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    source, mapping = _csv(tmp_path, "")
    source.write_bytes((CSV_HEADER + CSV_ROW.format(ects="3")).replace("Clean", "Säubern").encode("cp1252"))
    (error,) = validate_mapped(source, mapping, None).errors
    assert (
        str(error) == "courses.csv:2: is not UTF-8 text (byte 0xe4); save it as UTF-8 (from a spreadsheet: CSV UTF-8)"
    )


def test_the_csv_example_imports_through_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKWISE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("STACKWISE_DATABASE_URL", raising=False)
    args = [str(NORTHFIELD / "modules.csv"), "--mapping", str(NORTHFIELD / "modules.yaml"), "--replace", "--json"]
    result = CliRunner().invoke(app, ["catalog", "import", *args])
    assert result.exit_code == 0 and json.loads(result.stdout)["imported"], result.output


# -- the real Carpentries lessons --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def carpentries() -> Catalog:
    if not (CARPENTRIES / "lessons.json").is_file():
        pytest.skip(f"the real Carpentries catalog is not at {CARPENTRIES}")
    report = validate_mapped(CARPENTRIES / "lessons.json", CARPENTRIES_MAPPING, None)
    assert report.ok, [str(e) for e in report.errors]
    return report.catalog


@needs_carpentries
def test_all_carpentries_lessons_validate_with_unstated_elements_warned(carpentries: Catalog) -> None:
    report = validate_mapped(CARPENTRIES, CARPENTRIES_MAPPING, None)  # the folder works as well as the file
    assert report.ok and len(report.catalog) == 44 == len(carpentries)
    price = [w for w in report.warnings if w.field and w.field.startswith("price")]
    assert len(price) == 44 and all(w.source == "lessons.json" and w.line for w in price)
    git = carpentries.credential_by_id["swcarpentry-git-novice"]
    assert git.title == "Version Control with Git" and git.languages == ("en",)
    assert git.hours == 3.2 and git.url == "https://github.com/swcarpentry/git-novice"
    assert any("Create a local Git repository" in o.text for o in git.learning_outcomes)
    assert git.price is None and git.eqf_level is None and git.participation is None
    assert carpentries.credential_by_id["librarycarpentry-lc-tdm"].hours is None  # its episodes all say 0 minutes


@needs_carpentries
def test_carpentries_lessons_import_through_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STACKWISE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("STACKWISE_DATABASE_URL", raising=False)
    runner = CliRunner()
    source, mapping = str(CARPENTRIES / "lessons.json"), str(CARPENTRIES_MAPPING)
    result = runner.invoke(app, ["catalog", "validate", source, "--mapping", mapping, "--standalone", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["counts"]["credentials"] == 44
    result = runner.invoke(app, ["catalog", "import", source, "--mapping", mapping, "--replace", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["imported"], result.output
    exported = json.loads(runner.invoke(app, ["catalog", "export", "--format", "json"]).stdout)
    assert len(exported["credentials"]) == 44


@needs_carpentries
def test_a_git_goal_ranks_a_carpentries_lesson_at_the_top(
    carpentries: Catalog, small_catalog_path: Path, vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    own = validate_file(small_catalog_path, vocabulary)
    assert own.ok
    catalog = own.catalog.merged(carpentries)
    service = RecommenderService(
        catalog=lambda: catalog,
        vocabulary=vocabulary,
        encoder=HashingEncoder(),
        index_store=IndexStore(tmp_path / "index"),
        cache_dir=tmp_path / "cache",
        settings=UNFLOORED,
    ).load()
    goal = "I want to learn to use Git for version control in my research"
    top = [r.credential for r in service.recommend(LearnerRequest(goal, limit=3)).results]
    assert any(c.provider == "the-carpentries" for c in top), [c.id for c in top]
    assert "git" in top[0].title.lower() or "git" in top[1].title.lower(), [c.title for c in top]
