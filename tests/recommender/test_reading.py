"""The message reader: language, budget, free only, hours a week, weeks in all and modes, in the ten languages
learners write to us in (Duckling where it reads them, the rule tables where it does not)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from recommender.reading import READING_DIR, MessageReader, Money, ReadingTableError, load_tables, parse_number

LANGUAGES = {"en", "id", "ms", "th", "vi", "fi", "es", "de", "fr", "pt"}


@pytest.fixture(scope="module")
def reader() -> MessageReader:
    return MessageReader().load()


# (message, hint, what the reading must say); fields not named must be None / False / empty.
CASES: list[tuple[str, str | None, dict[str, Any]]] = [
    # English
    (
        "My budget is 300 euros and I can study 5 hours per week; I want to finish in 3 months, online please",
        None,
        {"language": "en", "budget": Money(300, "EUR"), "hours_per_week": 5, "max_weeks": 13, "modes": ("online",)},
    ),
    (
        "I'm looking for free courses I can do in my free time, 2 hours a day",
        None,
        {"language": "en", "free_only": True, "hours_per_week": 14},
    ),
    ("I have 5 years of experience as a nurse and want to move into data analysis", None, {"language": "en"}),
    (
        "I can spend up to $500 on a hybrid course",
        None,
        {"language": "en", "budget": Money(500, "USD"), "modes": ("blended",)},
    ),
    ("I can only do 3 days a week, in person", None, {"language": "en", "modes": ("onsite",)}),
    # Indonesian
    (
        "Budget saya 3 juta rupiah, bisa belajar 5 jam seminggu, maunya selesai dalam 2 bulan",
        None,
        {"language": "id", "budget": Money(3_000_000, "IDR"), "hours_per_week": 5, "max_weeks": 9},
    ),
    ("saya 5 tahun kerja di bank", "id", {"language": "id"}),
    (
        "saya cuma bisa belajar 3 jam, kalau bisa yang gratis dan online",
        "id",
        {"language": "id", "free_only": True, "modes": ("online",)},
    ),
    (
        "Maksimal Rp 500.000 ya, kelas tatap muka di Bandung",
        "id",
        {"language": "id", "budget": Money(500_000, "IDR"), "modes": ("onsite",)},
    ),
    ("dananya cuma 500rb", "id", {"language": "id", "budget": Money(500_000, "IDR")}),
    # Malay
    (
        "Bajet saya RM500 sahaja, boleh belajar 5 jam seminggu secara dalam talian",
        "ms",
        {"language": "ms", "budget": Money(500, "MYR"), "hours_per_week": 5, "modes": ("online",)},
    ),
    (
        "Saya nak kursus percuma yang boleh siap dalam 3 bulan",
        "ms",
        {"language": "ms", "free_only": True, "max_weeks": 13},
    ),
    ("Saya dah kerja 10 tahun di kilang sawit", "ms", {"language": "ms"}),
    (
        "Saya mahu kelas bersemuka, tak kisah RM 1,200 pun",
        "ms",
        {"language": "ms", "budget": Money(1200, "MYR"), "modes": ("onsite",)},
    ),
    # Thai
    (
        "งบประมาณ 5,000 บาท เรียนได้สัปดาห์ละ 3 ชั่วโมง อยากเรียนให้จบภายใน 3 เดือน",
        None,
        {"language": "th", "budget": Money(5000, "THB"), "hours_per_week": 3, "max_weeks": 13},
    ),
    ("มีงบ 5.000 baht อยากเรียนออนไลน์", "th", {"language": "th", "budget": Money(5000, "THB"), "modes": ("online",)}),
    ("อยากได้คอร์สฟรี เรียนได้วันละ 1 ชั่วโมง", "th", {"language": "th", "free_only": True, "hours_per_week": 7}),
    ("ทำงานมา 5 ปีแล้ว อยากเปลี่ยนสายงาน", "th", {"language": "th"}),
    # Vietnamese
    (
        "Tôi có 2 triệu đồng, học được 5 giờ mỗi tuần, muốn xong trong 3 tháng",
        None,
        {"language": "vi", "budget": Money(2_000_000, "VND"), "hours_per_week": 5, "max_weeks": 13},
    ),
    (
        "ngân sách khoảng 2tr thôi, học trực tuyến",
        "vi",
        {"language": "vi", "budget": Money(2_000_000, "VND"), "modes": ("online",)},
    ),
    ("Tôi muốn học miễn phí, tôi đã làm kế toán 4 năm", "vi", {"language": "vi", "free_only": True}),
    ("Mình học được 2 tiếng mỗi ngày", "vi", {"language": "vi", "hours_per_week": 14}),
    # Finnish
    (
        "Budjettini on 300 euroa ja voin opiskella 4 tuntia viikossa, haluan valmistua 3 kuukaudessa",
        None,
        {"language": "fi", "budget": Money(300, "EUR"), "hours_per_week": 4, "max_weeks": 13},
    ),
    ("Etsin maksutonta tai ilmaista verkkokurssia", "fi", {"language": "fi", "free_only": True, "modes": ("online",)}),
    ("Olen ollut sairaanhoitajana 8 vuotta", "fi", {"language": "fi"}),
    # Spanish
    (
        "Mi presupuesto es de 300 euros y puedo dedicar 5 horas por semana, presencial en Madrid",
        None,
        {"language": "es", "budget": Money(300, "EUR"), "hours_per_week": 5, "modes": ("onsite",)},
    ),
    (
        "Busco cursos gratuitos que pueda terminar en 6 semanas",
        "es",
        {"language": "es", "free_only": True, "max_weeks": 6},
    ),
    ("Trabajo hace 3 años en una tienda y tengo tiempo libre", "es", {"language": "es"}),
    # German
    (
        "Ich habe 300 € und 5 Stunden pro Woche und möchte in 3 Monaten fertig sein",
        None,
        {"language": "de", "budget": Money(300, "EUR"), "hours_per_week": 5, "max_weeks": 13},
    ),
    (
        "Am liebsten kostenlos und online, ich arbeite seit 5 Jahren als Buchhalterin",
        "de",
        {"language": "de", "free_only": True, "modes": ("online",)},
    ),
    (
        "Mein Budget liegt bei 2 Tausend Euro, gerne hybrid",
        "de",
        {"language": "de", "budget": Money(2000, "EUR"), "modes": ("blended",)},
    ),
    # French
    (
        "J'ai un budget de 300 euros et 5 heures par semaine, je veux finir en 3 mois, en ligne",
        None,
        {"language": "fr", "budget": Money(300, "EUR"), "hours_per_week": 5, "max_weeks": 13, "modes": ("online",)},
    ),
    (
        "Je cherche une formation gratuite en présentiel, j'ai du temps libre le soir",
        "fr",
        {"language": "fr", "free_only": True, "modes": ("onsite",)},
    ),
    ("Je travaille depuis 10 ans dans la logistique", "fr", {"language": "fr"}),
    # Portuguese
    (
        "Tenho 300 euros e 5 horas por semana, quero terminar em 3 meses, de preferência híbrido",
        None,
        {"language": "pt", "budget": Money(300, "EUR"), "hours_per_week": 5, "max_weeks": 13, "modes": ("blended",)},
    ),
    (
        "Procuro cursos gratuitos online no meu tempo livre",
        "pt",
        {"language": "pt", "free_only": True, "modes": ("online",)},
    ),
    ("Sou contabilista há 6 anos no Porto", "pt", {"language": "pt"}),
    # A mode word inside a phrase that says something else names no mode of study.
    ("I use Google Classroom and spreadsheets every day at school", "en", {"language": "en"}),
    ("Saya jualan keripik, mau belajar pemasaran digital supaya jualan online lebih laku", "id", {"language": "id"}),
    (
        "Quiero aprender a vender online mis artesanías, un curso online y gratis",
        "es",
        {"language": "es", "free_only": True, "modes": ("online",)},
    ),
    ("ผมอยากเรียนการตลาดเพื่อขายของออนไลน์ให้ได้มากขึ้น", "th", {"language": "th"}),
    # Which peso: said with its country, read; said alone, an amount in no currency the reader can tell.
    ("mi presupuesto es de 8000 pesos mexicanos", "es", {"language": "es", "budget": Money(8000, "MXN")}),
    (
        "I can spend up to 20,000 philippine pesos and I want to study online",
        "en",
        {"language": "en", "budget": Money(20000, "PHP"), "modes": ("online",)},
    ),
]


@pytest.mark.parametrize(
    ("text", "hint", "expected"), CASES, ids=[f"{c[1] or c[2]['language']}:{c[0][:40]}" for c in CASES]
)
def test_a_message_is_read_in_its_language(
    reader: MessageReader, text: str, hint: str | None, expected: dict[str, Any]
) -> None:
    reading = reader.read(text, hint)
    want = {"budget": None, "free_only": False, "hours_per_week": None, "max_weeks": None, "modes": ()} | expected
    got = {key: getattr(reading, key) for key in want}
    assert got == want


def test_every_case_language_is_covered() -> None:
    assert {c[2]["language"] for c in CASES} == LANGUAGES


def test_every_language_has_a_table_with_its_default_currency(reader: MessageReader) -> None:
    assert set(reader.languages) == LANGUAGES
    expected = {"en": None, "id": "IDR", "ms": "MYR", "th": "THB", "vi": "VND"}
    for code in LANGUAGES:
        assert reader.read("500", code).default_currency == expected.get(code, "EUR"), code


@pytest.mark.parametrize(
    ("text", "hint", "budget"),
    [
        ("3 juta rupiah", "id", Money(3_000_000, "IDR")),
        ("RM500", "ms", Money(500, "MYR")),
        ("5.000 baht", "th", Money(5000, "THB")),
        ("5,000 บาท", "th", Money(5000, "THB")),
        ("2 triệu đồng", "vi", Money(2_000_000, "VND")),
        ("2tr", "vi", Money(2_000_000, "VND")),
        ("300 euros", "es", Money(300, "EUR")),
        ("300 €", "de", Money(300, "EUR")),
        ("Rp500rb", "id", Money(500_000, "IDR")),
        ("budget saya 3 juta", "id", Money(3_000_000, None)),  # an amount, the currency not said
        ("my budget is 500", "en", Money(500, None)),
        # an ISO code Duckling does not know: its longer "under 1500" (unit unknown) does not hide the code
        ("under 1500 SGD and online please", "en", Money(1500, "SGD")),
        ("SGD 1500", "en", Money(1500, "SGD")),
        ("enintään 200 CHF", "fi", Money(200, "CHF")),
    ],
)
def test_amounts_in_short_messages(reader: MessageReader, text: str, hint: str, budget: Money) -> None:
    assert reader.read(text, hint).budget == budget


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("saya 5 tahun kerja", "id"),
        ("500", "en"),
        ("ich habe 3 Kinder", "de"),
        ("max 3 courses", "en"),
        ("5 năm", "vi"),
    ],
)
def test_a_number_without_a_currency_is_not_a_budget(reader: MessageReader, text: str, hint: str) -> None:
    assert reader.read(text, hint).budget is None


@pytest.mark.parametrize(
    ("text", "hint", "hours", "weeks"),
    [
        ("5 jam seminggu", "id", 5, None),
        ("3 jam", "id", None, None),  # how long, not how long each week
        ("4 tuntia viikossa", "fi", 4, None),
        ("3 kuukaudessa", "fi", None, 13),
        ("สัปดาห์ละ 3 ชั่วโมง", "th", 3, None),
        ("3 ชั่วโมงต่อสัปดาห์", "th", 3, None),
        ("5 Stunden pro Woche", "de", 5, None),
        ("5 hours a week for 3 months", "en", 5, None),  # "for" is not a limit: "worked for 5 years" would be one
        ("in 3 months, 5 hours a week", "en", 5, 13),
        ("I need to finish in a week", "en", None, 1),
        ("3 days a week", "en", None, None),  # a rate, not a total
        ("I have 5 years of experience", "en", None, None),  # a past duration, not a limit
        ("90 minutes per week", "en", 1.5, None),
        ("dalam 2 bulan", "id", None, 9),
    ],
)
def test_hours_a_week_and_a_total_duration_are_told_apart(
    reader: MessageReader, text: str, hint: str, hours: float | None, weeks: int | None
) -> None:
    reading = reader.read(text, hint)
    assert (reading.hours_per_week, reading.max_weeks) == (hours, weeks)


def test_a_hint_decides_between_indonesian_and_malay_only_when_detection_allows_it(reader: MessageReader) -> None:
    assert reader.read("RM500", "ms").language == "ms"  # too short to tell: the hint
    assert reader.read("RM500").language is None and reader.read("RM500").budget == Money(500, "MYR")
    german = "Ich möchte lernen, wie ich mit Python die Daten meiner Firma auswerte"
    assert reader.read(german, "id").language == "de"  # the text says otherwise


def test_free_time_is_not_free_courses(reader: MessageReader) -> None:
    assert not reader.read("I study in my free time, feel free to suggest anything").free_only
    assert reader.read("only free courses please").free_only
    assert reader.read("0 euros", "es").free_only


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5000", 5000),
        ("5.000", 5000),
        ("5,000", 5000),
        ("1,200.50", 1200.5),
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("2.500.000", 2_500_000),
    ],
)
def test_numbers_are_read_as_written_in_every_language(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_a_table_with_an_unknown_currency_names_the_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text((READING_DIR / "common.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "xx.yaml").write_text("language: xx\ncurrencies: {florin: XYZ}\n", encoding="utf-8")
    with pytest.raises(ReadingTableError, match=r"xx\.yaml: currencies\.florin: 'XYZ' is not a currency"):
        load_tables(tmp_path)


def test_a_new_language_is_a_new_file(tmp_path: Path) -> None:
    for path in READING_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "nl.yaml").write_text(
        "language: nl\nduckling: NL\ndefault_currency: EUR\nweekly: [per week]\nduration_units: {uur: hour}\n"
        "free: [gratis]\nmodes: {online: [online]}\n",
        encoding="utf-8",
    )
    reader = MessageReader(tmp_path).load()
    reading = reader.read("Ik zoek een gratis online cursus, 4 uur per week, budget 200 euro", "nl")
    assert (reading.language, reading.hours_per_week, reading.free_only, reading.modes) == ("nl", 4, True, ("online",))
    assert reading.budget == Money(200, "EUR") and reading.default_currency == "EUR"


def test_reading_before_loading_is_refused() -> None:
    with pytest.raises(RuntimeError, match="load"):
        MessageReader().read("300 euros")


def test_a_nul_character_is_read_around_not_passed_to_duckling(reader: MessageReader) -> None:
    reading = reader.read("max 300 euros\x00 and 5 hours a week")
    assert reading.budget is not None and reading.budget.amount == pytest.approx(300)
    assert reading.hours_per_week == pytest.approx(5)


def test_hours_a_week_are_no_budget_when_no_currency_is_said(reader: MessageReader) -> None:
    reading = reader.read("solo online y no más de 4 horas por semana")
    assert reading.budget is None and reading.hours_per_week == pytest.approx(4)
    assert reading.modes == ("online",)


def test_a_budget_in_a_currency_word_that_names_no_one_currency_has_no_default_either(reader: MessageReader) -> None:
    """ "hasta 500 pesos" on a Spanish page is not 500 euros: the language's usual currency is withheld too."""
    pesos = reader.read("hasta 500 pesos", "es")
    assert pesos.budget == Money(500, None) and pesos.default_currency is None
    assert reader.read("hasta 500 euros", "es").default_currency == "EUR"


# (message, hint, skills claimed, the message read as a list of skills, what it wants)
SKILL_CASES: list[tuple[str, str | None, list[str], list[str], list[str]]] = [
    (
        "I know basic Excel, some SQL and project management",
        None,
        ["Excel", "SQL", "project management"],
        ["Excel", "SQL", "project management"],
        [],
    ),
    ("I know Excel and SQL but I want to learn Python", None, ["Excel", "SQL"], ["Excel", "SQL"], ["Python"]),
    ("R, Python and a bit of Node.js", None, [], ["R", "Python", "Node.js"], []),
    # How long one has done a job, and the words a stopword list holds that name it ("orders", "sawit")
    ("I have been picking orders for 4 years", None, ["picking orders"], ["picking orders"], []),
    ("I work in a warehouse", None, ["warehouse"], ["warehouse"], []),
    ("sudah 10 tahun bertani sawit", None, [], ["bertani sawit"], []),
    ("llevo 4 años preparando pedidos", None, ["preparando pedidos"], ["preparando pedidos"], []),
    ("ich arbeite seit 5 Jahren in der Pflege", None, ["Pflege"], ["Pflege"], []),
    ("je travaille dans la logistique depuis 3 ans", None, ["logistique"], ["logistique"], []),
    ("trabalho há 10 anos em cuidados domiciliários", None, ["cuidados domiciliários"], ["cuidados domiciliários"], []),
    ("Excel, Word, max 5 hours a week and up to 300 euros, online", None, [], ["Excel", "Word"], []),
    (
        "I've been a cashier for 5 years and I'm good with customers. I want to learn bookkeeping",
        None,
        ["cashier", "customers"],  # as "I have been a cashier" claims it
        ["cashier", "customers"],
        ["bookkeeping"],
    ),
    (
        "sy bisa excel sama sedikit SQL, tapi mau belajar analisis data",
        None,
        ["excel", "SQL"],
        ["excel", "SQL"],
        ["analisis data"],
    ),
    ("excel dan canva, maks 5 jam seminggu", None, [], ["excel", "canva"], []),
    (
        "Saya tahu guna Excel dan sikit Photoshop, tapi nak belajar coding, bajet RM500",
        "ms",
        ["Excel", "Photoshop"],
        ["Excel", "Photoshop"],
        ["coding"],
    ),
    (
        "ผมใช้ Microsoft Excel เป็น และรู้ SQL นิดหน่อย แต่อยากเรียน Python งบ 3000 บาท",
        None,
        ["Microsoft Excel", "SQL"],
        ["Microsoft Excel", "SQL"],
        ["Python"],
    ),
    ("เคยทำบัญชี มีประสบการณ์ขายของ ถนัด Excel ค่ะ", None, ["บัญชี", "ขายของ", "Excel"], ["บัญชี", "ขายของ", "Excel"], []),
    # A list answer's Thai words cut by PyThaiNLP, their particles trimmed ("มา": for some time)
    ("กรีดยางมา 15 ปี, ปลูกปาล์มมาแล้วด้วย", None, [], ["กรีดยาง", "ปลูกปาล์ม"], []),
    (
        "Tôi là thu ngân, biết dùng Excel và một chút SQL, nhưng muốn học phân tích dữ liệu",
        None,
        ["Excel", "SQL"],
        ["thu ngân", "Excel", "SQL"],
        ["phân tích dữ liệu"],
    ),
    ("Excel ja Canva, enintään 5 tuntia viikossa", None, [], ["Excel", "Canva"], []),
    ("trồng cà phê 20 năm", "vi", [], ["trồng cà phê"], []),  # syllables that alone fold to stopwords
    (
        "soy cajera, sé usar Excel y un poco de SQL, pero quiero aprender análisis de datos, presupuesto 300 euros",
        None,
        ["Excel", "SQL"],
        ["cajera", "Excel", "SQL"],
        ["análisis de datos"],
    ),
    (
        "ich kenne mich mit Buchhaltung aus, habe Erfahrung mit SAP. Ich möchte in die IT wechseln",
        None,
        ["Buchhaltung", "SAP"],
        ["Buchhaltung", "SAP"],
        ["IT"],
    ),
    (
        "Je suis caissière, je connais Excel et un peu de SQL, mais je veux apprendre l'analyse de données",
        None,
        ["Excel", "SQL"],
        ["caissière", "Excel", "SQL"],
        ["analyse de données"],
    ),
    (
        "tenho experiência com atendimento ao cliente, domino Excel. Queria migrar para marketing digital",
        None,
        ["atendimento ao cliente", "Excel"],
        ["atendimento ao cliente", "Excel"],
        ["marketing digital"],
    ),
]


@pytest.mark.parametrize(
    ("text", "hint", "skills", "listed", "wants"), SKILL_CASES, ids=[c[0][:40] for c in SKILL_CASES]
)
def test_skills_are_read_apart_from_limits_and_wishes(
    reader: MessageReader, text: str, hint: str | None, skills: list[str], listed: list[str], wants: list[str]
) -> None:
    reading = reader.read(text, hint)
    assert (list(reading.skills), list(reading.listed), list(reading.wants)) == (skills, listed, wants)


def test_skills_are_read_in_every_language(reader: MessageReader) -> None:
    assert {reader.language_of(c[0], c[1]) for c in SKILL_CASES} >= LANGUAGES


@pytest.mark.parametrize(
    ("text", "hint", "weeks", "budget"),
    [
        ("pas plus de 3 mois", "fr", 13, None),
        ("no más de 3 meses", "es", 13, None),
        ("nicht länger als 3 Monate", "de", 13, None),
        ("não mais de 3 meses", "pt", 13, None),
        ("tối đa 3 triệu", "vi", None, Money(3_000_000, "VND")),
    ],
)
def test_limits_said_as_at_most(
    reader: MessageReader, text: str, hint: str, weeks: int | None, budget: Money | None
) -> None:
    reading = reader.read(text, hint)
    assert (reading.max_weeks, reading.budget, reading.listed) == (weeks, budget, ())


@pytest.mark.parametrize(
    ("text", "hint", "budget"),
    [
        ("online aja, maks 2 juta", "id", Money(2_000_000, None)),  # "at most" before an amount: a budget
        ("tidak lebih dari 3 juta", "id", Money(3_000_000, None)),  # Duckling also reads 10,003 here
        ("maksimum RM500, 4 jam seminggu", "ms", Money(500, "MYR")),
    ],
)
def test_at_most_an_amount_is_a_budget(reader: MessageReader, text: str, hint: str, budget: Money) -> None:
    reading = reader.read(text, hint)
    assert reading.budget == budget and reading.max_weeks is None
    assert reader.read("maks 5 jam seminggu", "id").budget is None  # a unit of time follows: no money


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        (
            "Halo, saya petani sawit kecil di Sumatra, mau belajar menilai keberlanjutan kebun saya, online, "
            "anggaran 3 juta rupiah",
            "Halo, saya petani sawit kecil di Sumatra, mau belajar menilai keberlanjutan kebun saya",
        ),
        (
            "Moi! Olen sairaanhoitaja ja haluaisin siirtyä terveysdatan analytiikkaan. Budjetti max 500 euroa, "
            "4 tuntia viikossa",
            "Moi! Olen sairaanhoitaja ja haluaisin siirtyä terveysdatan analytiikkaan",
        ),
        ("quiero aprender contabilidad, 300 euros como máximo, online", "quiero aprender contabilidad"),
        ("I want to learn budget planning for my team", "I want to learn budget planning for my team"),
        ("mau belajar jualan online di Shopee", "mau belajar jualan online di Shopee"),  # selling online: the topic
        ("max 300 euros, online", "max 300 euros, online"),  # nothing but limits: the message itself
    ],
)
def test_the_topic_is_the_message_without_the_limits_it_states(reader: MessageReader, text: str, topic: str) -> None:
    assert reader.read(text).topic == topic
