from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog
from recommender.catalog_index import IndexStore
from recommender.encoder import Progress
from recommender.language import TeachingWish, detect, fold, likely_readable, primary, readable, teaching_wish
from recommender.lexical import LexicalIndex, tokens
from recommender.ranking import RankingSettings
from recommender.request import Constraints, LearnerRequest
from recommender.service import RecommenderService, ServiceSettings
from tests.factories import credential, document, validate_document
from tests.fakes import UNFLOORED, HashingEncoder, TranslatingEncoder
from tests.recommender.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quiero aprender a analizar los datos de mi empresa con Python", "es"),
        ("Ich möchte lernen, wie ich mit Python die Daten meiner Firma auswerte", "de"),
        ("Saya ingin menjadi analis data, saya sudah bisa Excel dan sedikit SQL", "id"),
        ("Saya nak belajar cara urus kewangan kebun getah, boleh guna telefon sahaja", "ms"),
        ("อยากเรียนการจัดการสวนยางให้ได้มาตรฐาน ทำงานวันละไม่กี่ชั่วโมง", "th"),
        ("Tôi muốn học phân tích dữ liệu để đổi nghề, tôi đã biết dùng Excel", "vi"),
        ("Olen sairaanhoitaja ja haluaisin oppia terveysdatan analysointia", "fi"),
        ("Je voudrais me former à la comptabilité pour travailler dans une PME", "fr"),
        ("Sou contabilista no Porto e quero aprender análise de dados", "pt"),
        ("I want to learn how to analyse the data of my company with Python", "en"),
    ],
)
def test_the_language_of_a_goal_is_detected(text: str, expected: str) -> None:
    assert expected in detect(text)
    assert primary(text) == expected


def test_a_text_too_short_to_tell_has_no_language() -> None:
    assert detect("Python") == frozenset() and primary("Python") is None
    assert detect("2027 / 42 %") == frozenset()


def test_thai_is_cut_into_words_and_its_stopwords_dropped() -> None:
    terms = tokens("ฉันอยากเป็นนักวิเคราะห์ข้อมูล ใช้ Excel ได้")
    assert "ข้อมูล" in terms and "excel" in terms  # "data" cut out of a run with no spaces
    assert "ฉัน" not in terms  # "I"
    index = LexicalIndex(["การวิเคราะห์ข้อมูลการขายด้วยไพธอน", "การจัดการสวนยางพาราอย่างยั่งยืน"])
    scores = index.scores("อยากเรียนวิเคราะห์ข้อมูล")
    assert scores[0] > 0 and scores[1] == 0


def test_words_a_stopword_list_holds_that_name_what_people_learn_are_kept() -> None:
    """The Malay stopwords-iso list holds "sawit" (oil palm) and "kewangan" (finance): the palm-oil courses the
    Malaysian smallholders look for would not be found by them."""
    assert {"kewangan", "ladang", "sawit"} <= set(tokens("Pengurusan kewangan ladang sawit", frozenset({"ms"})))
    index = LexicalIndex(["Pengurusan ladang sawit lestari", "Pengurusan kewangan koperasi"], frozenset({"ms"}))
    scores = index.scores("nak belajar tanam sawit")
    assert scores[0] > 0 and scores[1] == 0
    assert "dan" not in tokens("sawit dan getah", frozenset({"ms"}))  # the list's function words still go


def test_vietnamese_words_of_several_syllables_stay_whole() -> None:
    terms = tokens("Tôi muốn trở thành nhà phân tích dữ liệu")
    assert "phan_tich" in terms and "du_lieu" in terms  # "analyse", "data": two syllables each
    index = LexicalIndex(["Phân tích dữ liệu bán hàng bằng Python", "Quản lý dữ liệu khách hàng"])
    scores = index.scores("khóa học phân tích dữ liệu")
    assert scores[0] > scores[1] > 0  # both share "dữ liệu"; only the first is about analysing it


def test_lexical_matching_ignores_accents_and_other_languages_function_words() -> None:
    assert fold("Publicación Ökonomie") == "publicacion okonomie"
    assert tokens("la publicación de los datos") == tokens("publicacion datos")
    index = LexicalIndex(["gestión de la calidad en la empresa", "publicación de datos abiertos"])
    scores = index.scores("quiero publicar los datos de la publicacion")
    assert scores[1] > 0 and scores[0] == 0  # "de la" alone matches nothing


def test_a_word_most_texts_of_one_language_share_matches_nothing() -> None:
    """In a catalog mostly in English, 'opiskelija osaa' (the student can) opens every Finnish outcome: rare overall,
    BM25 would weigh it as a topic and match every Finnish course to any Finnish goal."""
    finnish = [
        "Opiskelija osaa hoitaa muistisairasta ihmistä kotona.",
        "Opiskelija osaa laskea lääkeannokset turvallisesti.",
        "Opiskelija osaa suunnitella varaston hyllypaikat.",
        "Opiskelija osaa laatia kirjanpidon tilinpäätöksen.",
        "Opiskelija osaa mitoittaa lämpöpumpun kerrostaloon.",
    ]
    english = [f"Learners plan {topic} for a small firm." for topic in ("budgets", "rotas", "menus", "routes")]
    index = LexicalIndex(finnish + english)
    assert not index.scores("opiskelija osaa").any()
    scores = index.scores("Haluan oppia, mitä opiskelija osaa lääkeannokset laskiessa")
    assert int(np.argmax(scores)) == 1 and np.count_nonzero(scores) == 1
    assert LexicalIndex(finnish[:2] + english).scores("opiskelija osaa").any()  # two texts: too few to tell


def _service(catalog: Catalog, vocabulary: EscoVocabulary, folder: Path, **options: Any) -> RecommenderService:
    """A loaded service over the hashing encoder, ranking without floors unless `options` set its settings."""
    return RecommenderService(
        catalog=lambda: catalog,
        vocabulary=vocabulary,
        encoder=HashingEncoder(),
        index_store=IndexStore(folder),
        today=lambda: TODAY,
        **{"settings": UNFLOORED, **options},
    ).load()


def _python_courses(vocabulary: EscoVocabulary, tmp_path: Path, *more: dict[str, Any]) -> RecommenderService:
    """The same Python course taught in English and in Spanish, and any `more` credentials."""
    outcomes = [{"text": "Analyse data with Python and pandas."}, {"text": "Report results in a clear chart."}]
    same = {"title": "Python for data analysis", "learning_outcomes": outcomes}
    report = validate_document(
        document(
            credential(id="taught-in-english", languages=["en"], **same),
            credential(id="taught-in-spanish", languages=["es"], **same),
            *more,
        ),
        vocabulary,
    )
    assert report.ok, report.errors
    return _service(report.catalog, vocabulary, tmp_path / "index")


def test_courses_taught_in_the_learners_language_come_first_unless_a_language_is_asked_for(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    service = _python_courses(vocabulary, tmp_path)

    def ranked(goal: str, languages: tuple[str, ...] = ()) -> list[str]:
        request = LearnerRequest(goal, constraints=Constraints(languages=languages), limit=2)
        return [r.credential.id for r in service.recommend(request).results]

    assert ranked("quiero analizar datos con Python para mi trabajo") == ["taught-in-spanish", "taught-in-english"]
    assert ranked("I want to analyse data with Python for my job") == ["taught-in-english", "taught-in-spanish"]
    assert ranked("quiero analizar datos con Python para mi trabajo", ("en",)) == ["taught-in-english"]


@pytest.mark.parametrize(
    ("goal", "languages", "topic"),
    [
        ("I want to learn data analysis, preferably in Spanish", ("es",), "I want to learn data analysis"),
        ("a course taught in French on supply chains", ("fr",), "a course on supply chains"),
        ("online classes in English on sustainability please", ("en",), "online classes on sustainability please"),
        ("English-taught course on GIS", ("en",), "course on GIS"),
        ("quiero un curso de Python en español para mi trabajo", ("es",), "quiero un curso de Python para mi trabajo"),
        ("Ich suche einen Kurs zu Datenanalyse auf Deutsch", ("de",), "Ich suche einen Kurs zu Datenanalyse"),
        ("deutschsprachige Weiterbildung in Projektmanagement", ("de",), "Weiterbildung in Projektmanagement"),
        ("een cursus projectmanagement in het Nederlands graag", ("nl",), "een cursus projectmanagement"),
        ("mau belajar python, kursusnya pakai bahasa Indonesia", ("id",), "mau belajar python, kursusnya"),
        ("cours de gestion de projet en français svp", ("fr",), "cours de gestion de projet"),
        # Other languages, and what the learner can also follow ("English is fine too").
        # Asking for the language of the course, in more of the languages learners write in.
        ("kurssi datan analysoinnista englanniksi", ("en",), "kurssi datan analysoinnista"),
        ("khóa học phân tích dữ liệu bằng tiếng Anh nhé", ("en",), "khóa học phân tích dữ liệu"),
        ("คอร์สวิเคราะห์ข้อมูลที่สอนเป็นภาษาอังกฤษครับ", ("en",), "คอร์สวิเคราะห์ข้อมูล"),  # tone marks fold away
        ("corso di Excel in inglese per favore", ("en",), "corso di Excel"),
        ("curso de contabilidade ministrado em português", ("pt",), "curso de contabilidade"),
        ("saya mahu belajar perakaunan, kursus dalam bahasa Melayu", ("ms",), "saya mahu belajar perakaunan, kursus"),
        # Saying the learner can study in a language: a language of study too, and not the topic.
        ("Haluan oppia lääkelaskentaa. Voin opiskella englanniksi", ("en",), "Haluan oppia lääkelaskentaa"),
        ("haluan oppia Excelin, englanti käy", ("en",), "haluan oppia Excelin"),
        ("haluan oppia Excelin, suomeks ois kiva mut englanti käy", ("fi", "en"), "haluan oppia Excelin"),
        (
            "Muốn học phân tích dữ liệu. Khóa tiếng Anh online cũng ok",
            ("en",),
            "Muốn học phân tích dữ liệu. Khóa online",
        ),
        ("อยากเรียนวิเคราะห์ข้อมูล ภาษาอังกฤษก็ได้ครับ", ("en",), "อยากเรียนวิเคราะห์ข้อมูล"),
        ("อยากเรียนวิเคราะห์ข้อมูลภาษาอังกฤษก็ได้ครับ", ("en",), "อยากเรียนวิเคราะห์ข้อมูล"),  # no space before it
        (
            "saya nak belajar pemasaran digital, boleh juga kursus dalam bahasa Inggeris",
            ("en",),
            "saya nak belajar pemasaran digital",
        ),
        ("mau belajar desain grafis, bahasa Inggris juga gapapa", ("en",), "mau belajar desain grafis"),
        ("Ich möchte Buchhaltung lernen, auch auf Englisch ok", ("en",), "Ich möchte Buchhaltung lernen"),
        ("quiero aprender contabilidad, puede ser en inglés también", ("en",), "quiero aprender contabilidad"),
        ("je veux apprendre la comptabilité, en anglais ça me va aussi", ("en",), "je veux apprendre la comptabilité"),
        ("quero aprender análise de dados, pode ser em inglês", ("en",), "quero aprender análise de dados"),
        ("cursus boekhouden, in het Engels is ook goed", ("en",), "cursus boekhouden"),
        ("I want to learn Excel for accounting. English is fine too", ("en",), "I want to learn Excel for accounting"),
        ("I want to learn Excel but English is fine too", ("en",), "I want to learn Excel"),
        # Saying the learner reads, understands or speaks a language, or that it is no problem for them.
        ("I want to learn bookkeeping for my shop. I read English", ("en",), "I want to learn bookkeeping for my shop"),
        ("Nurse wanting to refresh wound care, I understand English", ("en",), "Nurse wanting to refresh wound care"),
        ("I want to learn SQL. I'm fluent in English", ("en",), "I want to learn SQL"),
        ("I want to learn Excel for accounting. My English is good", ("en",), "I want to learn Excel for accounting"),
        (
            "Chauffagiste, je veux me former aux pompes à chaleur. L'anglais ça va",
            ("en",),
            "Chauffagiste, je veux me former aux pompes à chaleur",
        ),
        ("je voudrais me former au télésuivi, je lis l'anglais", ("en",), "je voudrais me former au télésuivi"),
        ("formation en soins palliatifs (je comprends l'anglais)", ("en",), "formation en soins palliatifs"),
        ("je veux me former à la paie. Je parle anglais couramment", ("en",), "je veux me former à la paie"),
        ("je veux me former à la paie, l'anglais pas de souci", ("en",), "je veux me former à la paie"),
        (
            "quiero aprender a planificar stock. El inglés lo controlo bien",
            ("en",),
            "quiero aprender a planificar stock",
        ),
        ("quiero aprender contabilidad, leo inglés", ("en",), "quiero aprender contabilidad"),
        ("quiero aprender contabilidad, me defiendo en inglés", ("en",), "quiero aprender contabilidad"),
        ("quiero aprender contabilidad, el inglés no es problema", ("en",), "quiero aprender contabilidad"),
        ("Ich möchte Buchhaltung lernen, ich lese Englisch", ("en",), "Ich möchte Buchhaltung lernen"),
        ("Ich möchte Buchhaltung lernen. Ich spreche gut Englisch", ("en",), "Ich möchte Buchhaltung lernen"),
        ("Ich möchte Buchhaltung lernen, Englisch ist kein Problem", ("en",), "Ich möchte Buchhaltung lernen"),
        ("quero aprender análise de dados, leio inglês", ("en",), "quero aprender análise de dados"),
        ("quero aprender análise de dados, me viro em inglês", ("en",), "quero aprender análise de dados"),
        ("quero aprender análise de dados, inglês não é problema", ("en",), "quero aprender análise de dados"),
        ("Haluan oppia lääkelaskentaa. Luen englantia", ("en",), "Haluan oppia lääkelaskentaa"),
        ("Haluan oppia lääkelaskentaa, ymmärrän englantia hyvin", ("en",), "Haluan oppia lääkelaskentaa"),
        ("Haluan oppia lääkelaskentaa, englanti sujuu", ("en",), "Haluan oppia lääkelaskentaa"),
        ("mau belajar desain grafis, saya bisa baca bahasa Inggris", ("en",), "mau belajar desain grafis"),
        ("mau belajar desain grafis. Bahasa Inggris saya lumayan", ("en",), "mau belajar desain grafis"),
        ("mau belajar desain grafis, ngerti bahasa Inggris kok", ("en",), "mau belajar desain grafis"),
        (
            "saya nak belajar pemasaran digital, saya faham bahasa Inggeris",
            ("en",),
            "saya nak belajar pemasaran digital",
        ),
        (
            "saya nak belajar pemasaran digital, boleh baca bahasa Inggeris",
            ("en",),
            "saya nak belajar pemasaran digital",
        ),
        ("saya nak belajar pemasaran digital. Bahasa Inggeris saya ok", ("en",), "saya nak belajar pemasaran digital"),
        ("Muốn học phân tích dữ liệu, em đọc được tiếng Anh", ("en",), "Muốn học phân tích dữ liệu"),
        ("Muốn học phân tích dữ liệu. Tiếng Anh mình ổn", ("en",), "Muốn học phân tích dữ liệu"),
        ("Muốn học phân tích dữ liệu, mình hiểu tiếng Anh", ("en",), "Muốn học phân tích dữ liệu"),
        ("อยากเรียนวิเคราะห์ข้อมูล อ่านภาษาอังกฤษได้ครับ", ("en",), "อยากเรียนวิเคราะห์ข้อมูล"),
        ("อยากเรียนวิเคราะห์ข้อมูล ภาษาอังกฤษพอได้ค่ะ", ("en",), "อยากเรียนวิเคราะห์ข้อมูล"),
        ("อยากเรียนวิเคราะห์ข้อมูล เข้าใจภาษาอังกฤษ", ("en",), "อยากเรียนวิเคราะห์ข้อมูล"),
    ],
)
def test_a_goal_asking_for_a_teaching_language_states_a_wish_not_a_topic(
    goal: str, languages: tuple[str, ...], topic: str
) -> None:
    wish = teaching_wish(goal)
    assert wish.languages == languages
    assert wish.topic == topic


@pytest.mark.parametrize(
    "goal",
    [
        "I want to learn Spanish",
        "I need German for everyday things at the institute",
        "Sales rep, I want to negotiate in their language, I have some basics",
        "speak in English with clients confidently",
        "Czech engineering lecturer, from next semester I must teach my course in English to international students",
        "I teach classes in English at a high school and want to move into instructional design",
        "mau belajar bahasa Inggris untuk kerja",
        "I want courses in Indonesia, near Jakarta",  # a place: Indonesian names a language after "bahasa"
    ],
)
def test_a_language_the_learner_wants_to_use_or_learn_stays_in_the_goal(goal: str) -> None:
    assert teaching_wish(goal) == TeachingWish((), goal)


@pytest.mark.parametrize(
    "goal",
    [
        "haluan oppia englantia",  # partitive: English is what they learn
        "อยากเรียนภาษาอังกฤษ",
        "muốn học tiếng Anh giao tiếp",
        "quiero mejorar mi inglés para el trabajo",
        "analyse des données en anglais",  # "données" is data, not "given"
        "tôi dạy lớp bằng tiếng Anh",  # the learner teaches in English
        "My English is fine too",  # a claim about the learner's English, not about a course
        # Learning or improving a language, or wanting to read it, is a topic in every language.
        "I want to improve my English for meetings",
        "I want to learn Excel so I can read English reports",
        "je veux progresser en anglais",
        "je veux apprendre à négocier quand je parle anglais avec les clients",
        "quiero aprender inglés, lo entiendo pero no lo hablo",
        "ich will mein Englisch verbessern",
        "quero melhorar meu inglês para o trabalho",
        "haluan parantaa englantia",
        "mau belajar bahasa Inggris biar bisa baca bahasa Inggris",
        "saya nak tingkatkan bahasa Inggeris saya",
        "mình muốn đọc hiểu tiếng Anh",
        "อยากอ่านภาษาอังกฤษได้",
    ],
)
def test_learning_or_using_a_language_in_any_language_is_a_topic_not_a_wish(goal: str) -> None:
    assert teaching_wish(goal) == TeachingWish((), goal)


def test_every_teaching_phrase_file_compiles() -> None:
    from recommender.language import TEACHING_DIR, _phrases

    assert {f.stem for f in TEACHING_DIR.glob("*.yaml")} >= {
        "en", "id", "ms", "th", "vi", "fi", "es", "de", "fr", "pt", "nl", "it"
    }  # fmt: skip
    assert _phrases()


def test_a_course_language_asked_for_in_the_goal_ranks_courses_taught_in_it_not_courses_about_it(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    spanish_outcomes = [{"text": "Hold a conversation in Spanish."}, {"text": "Read a short Spanish text."}]
    course = credential(
        id="learn-spanish", title="Spanish for beginners", languages=["en"], learning_outcomes=spanish_outcomes
    )
    service = _python_courses(vocabulary, tmp_path, course)
    found = service.recommend(LearnerRequest("I want to analyse data with Python, a course taught in Spanish please"))
    assert found.analysis.taught_in == ("es",)
    assert "Spanish" not in found.analysis.topic
    assert [r.credential.id for r in found.results] == ["taught-in-spanish", "taught-in-english", "learn-spanish"]
    learner = LearnerRequest("I want to learn Spanish for my job")
    assert service.recommend(learner).results[0].credential.id == "learn-spanish"


def test_a_goal_in_another_language_finds_a_course_by_meaning_through_the_multilingual_encoder(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    goal = "Haluan oppia laskemaan lääkeannokset turvallisesti työssäni"
    english = "Calculate medication doses safely at work"
    report = validate_document(
        document(
            credential(
                id="medication-safety",
                title="Medication safety",
                learning_outcomes=[{"text": english}, {"text": "Report a medication error."}],
            ),
            credential(
                id="warehouse-picking",
                title="Warehouse picking",
                learning_outcomes=[{"text": "Pick orders with a scanner."}, {"text": "Work safely at the dock."}],
            ),
            credential(
                id="python-data",
                title="Python for data analysis",
                learning_outcomes=[{"text": "Analyse data with Python."}, {"text": "Chart the results."}],
            ),
        ),
        vocabulary,
    )
    assert report.ok, report.errors

    def ranked(multilingual: tuple[Any, Any] | None, folder: str) -> list[str]:
        service = _service(report.catalog, vocabulary, tmp_path / folder, multilingual=multilingual)
        return [r.credential.id for r in service.recommend(LearnerRequest(goal, limit=3)).results]

    assert ranked(None, "english-only")[0] != "medication-safety"  # no shared word, and MiniLM reads English only
    translating = TranslatingEncoder({goal: english})
    assert ranked((translating, translating), "multilingual")[0] == "medication-safety"


def test_a_closer_course_in_a_language_the_learner_has_not_shown_is_named_and_the_page_language_counts(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    report = validate_document(
        document(
            credential(
                id="python-in-spanish",
                languages=["es"],
                title="Python for data analysis",
                learning_outcomes=[{"text": "Analyse data with Python and pandas."}, {"text": "Clean a dataset."}],
            ),
            credential(
                id="charts-in-english",
                languages=["en"],
                title="Charts for reports",
                learning_outcomes=[{"text": "Draw a clear chart."}, {"text": "Write a short report."}],
            ),
        ),
        vocabulary,
    )
    assert report.ok, report.errors
    strong = ServiceSettings(ranking=RankingSettings(language_boost=1.0, relevance_floor=0.0, relative_floor=0.0))
    service = _service(report.catalog, vocabulary, tmp_path / "index", settings=strong)
    goal = "I want to analyse data with Python and pandas at work"
    english = service.recommend(LearnerRequest(goal, limit=1))
    assert [r.credential.id for r in english.results] == ["charts-in-english"]
    assert [(h.credential.id, h.reasons) for h in english.held_back] == [("python-in-spanish", ("is taught in es",))]
    # A Spanish page (the widget's language) shows the learner reads Spanish too.
    spanish_page = service.recommend(LearnerRequest(goal, limit=1, languages=("es",)))
    assert [r.credential.id for r in spanish_page.results] == ["python-in-spanish"]
    assert spanish_page.held_back == ()


def test_indonesian_and_malay_readers_study_in_either_language() -> None:
    assert readable(frozenset({"id"})) == {"id", "ms"}
    assert readable(frozenset({"ms", "en"})) == {"ms", "id", "en"}
    assert readable(frozenset({"th"})) == {"th"}


def test_english_is_a_likely_second_language_of_study_for_the_others() -> None:
    assert likely_readable(frozenset({"th"})) == {"en"}
    assert likely_readable(frozenset({"id"})) == {"en"}
    assert likely_readable(frozenset({"en"})) == frozenset()
    assert likely_readable(frozenset({"fi", "en"})) == frozenset()  # already shown: fully preferred


def test_a_credentials_text_in_another_language_is_found_in_that_language(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    """Only the Finnish text of an ELM language map says what the goal says: it is indexed beside the English."""
    goal = "haluan oppia lääkehoidon turvallisuutta"
    report = validate_document(
        document(
            credential(
                id="medication-safety",
                title="Safe medication in wards",
                learning_outcomes=[{"text": "Check a prescription twice."}, {"text": "Report an error."}],
                texts=[{"language": "fi", "title": "Lääkehoidon turvallisuus osastolla"}],
            ),
            credential(
                id="a-warehouse-picking",
                title="Warehouse picking",
                learning_outcomes=[{"text": "Pick orders with a scanner."}, {"text": "Work safely at the dock."}],
            ),
        ),
        vocabulary,
    )
    assert report.ok, report.errors
    service = _service(report.catalog, vocabulary, tmp_path / "index")
    assert [r.credential.id for r in service.recommend(LearnerRequest(goal, limit=1)).results] == ["medication-safety"]


def test_a_course_listed_in_a_language_the_learner_has_not_shown_carries_that_language(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    """Nothing as close is taught in theirs: it is listed, and says in which language it is taught."""
    service = _python_courses(vocabulary, tmp_path)
    goal = "I want to analyse data with Python for my job"
    found = service.recommend(LearnerRequest(goal, limit=2)).results
    assert [(r.credential.id, r.taught_only_in) for r in found] == [
        ("taught-in-english", ()),
        ("taught-in-spanish", ("es",)),
    ]
    spanish_page = service.recommend(LearnerRequest(goal, limit=2, languages=("es",))).results
    assert all(r.taught_only_in == () for r in spanish_page)


def test_a_credential_written_in_another_language_than_the_goal_gets_the_cross_lingual_offset(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    """The multilingual encoder's cosines are lower across languages than within one; the offset puts a Finnish
    course on the scale of an English one for an English goal, and leaves same-language texts as they were."""
    report = validate_document(
        document(
            credential(
                id="finnish-medication",
                languages=["fi"],
                title="Turvallinen lääkehoito ja lääkelaskenta",
                description="Täydennyskoulutus sairaanhoitajille, jotka haluavat päivittää lääkehoidon osaamisensa.",
                learning_outcomes=[{"text": "Opiskelija osaa laskea lääkeannokset ja infuusionopeudet."}],
            ),
            credential(
                id="english-medication",
                title="Medication safety for care workers",
                description="A short course for care workers who support residents with their medicines every day.",
                learning_outcomes=[{"text": "Calculate medication doses and infusion rates."}],
            ),
        ),
        vocabulary,
    )
    assert report.ok, report.errors
    encoder = TranslatingEncoder({})
    service = _service(report.catalog, vocabulary, tmp_path, multilingual=(encoder, encoder))
    ranker = service.state.ranker
    goal = "I want to refresh my medication calculations as a nurse"
    vector = service.analyse(LearnerRequest(goal))[1]
    english = frozenset({"en"})

    def topic(offset: float) -> np.ndarray:
        # The whole cosine scale (-1..1 onto 0..1), and the multilingual encoder's topic alone (english=False).
        ranker.settings = dataclasses.replace(
            ranker.settings, cross_lingual_offset=offset, topic_e5=(-1.0, 1.0), topic_e5_centred=None
        )
        return ranker.relevance_parts(vector, goal, False, english)[2]

    finnish, same = ranker.position["finnish-medication"], ranker.position["english-medication"]
    without, with_offset = topic(0.0), topic(0.05)
    assert with_offset[finnish] == pytest.approx(without[finnish] + 0.05 / 2, abs=1e-5)
    assert with_offset[same] == pytest.approx(without[same], abs=1e-6)


class _AccentedEncoder(TranslatingEncoder):
    """Like multilingual-e5, finds any two Finnish texts alike: each text with Finnish letters shares one direction
    (three times a text's own weight) besides its meaning."""

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        vectors = super().encode(texts, progress)
        accent = super().encode(["finnish accent direction"])[0]
        finnish = np.asarray([any(ch in t for ch in "äöÄÖ") for t in texts], dtype=np.float32)[:, None]
        vectors = vectors + 3.0 * finnish * accent
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_texts_sharing_only_the_goals_language_do_not_outrank_the_topic(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    """Centring each language's catalog vectors (and the goal) on its mean leaves topic, not language, to order:
    a Finnish question about AI tools at work finds the English AI course before Finnish courses on other things."""
    goal = "Töissä pitäisi alkaa käyttää tekoälyä, mistä aloitan?"
    finnish = [
        ("dementia-care", "Muistisairaan hyvä hoito kotihoidossa", "Hoitajille, jotka käyvät kotona."),
        ("warehouse-fi", "Varastonhallinta ja keräily", "Varastotyöntekijöille, jotka käyttävät trukkia."),
        ("bookkeeping-fi", "Kirjanpidon perusteet yrittäjälle", "Yrittäjille, jotka tekevät tilinpäätöksen."),
        (
            "forest-fi",
            "Metsänhoito yksityiselle metsänomistajalle",
            "Metsänomistajille, jotka suunnittelevat hakkuita.",
        ),
        ("nursing-fi", "Lääkehoidon päivitys sairaanhoitajille", "Sairaanhoitajille, jotka laskevat annoksia."),
        ("cooking-fi", "Ruokapalvelun hygieniaosaaminen", "Keittiötyöntekijöille, jotka säilyttävät elintarvikkeita."),
    ]
    english = [
        ("ai-at-work", "Practical AI tools at work", "For staff who want to start using AI assistants safely."),
        ("welding", "MIG welding basics", "For apprentices who join steel plates in a workshop."),
        ("baking", "Sourdough baking", "For home bakers who want an open crumb."),
    ]
    report = validate_document(
        document(
            *[
                credential(id=i, languages=["fi"], title=t, description=d, learning_outcomes=[{"text": d}])
                for i, t, d in finnish
            ],
            *[credential(id=i, title=t, description=d, learning_outcomes=[{"text": d}]) for i, t, d in english],
        ),
        vocabulary,
    )
    assert report.ok, report.errors
    encoder = _AccentedEncoder({goal: "start using AI tools at work"})

    def first(centring: bool) -> str:
        # The order by meaning alone: no preference for courses taught in Finnish (tested on its own above).
        ranking = dataclasses.replace(
            UNFLOORED.ranking, language_centring=centring, language_centring_least_catalog=0, language_boost_other=0.0
        )
        settings = dataclasses.replace(UNFLOORED, ranking=ranking)
        folder = tmp_path / str(centring)
        service = _service(report.catalog, vocabulary, folder, multilingual=(encoder, encoder), settings=settings)
        return service.recommend(LearnerRequest(goal, limit=3)).results[0].credential.id

    assert first(centring=True) == "ai-at-work"
    assert first(centring=False) in {i for i, _, _ in finnish}  # the pull the centring removes


def test_an_english_goal_reads_a_course_written_in_another_language_through_its_esco_skills(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    """MiniLM and BM25 cannot read a Finnish course; the English labels of the ESCO skills its outcomes are aligned
    to can be read. With them it passes the relevance floors and is listed, with its language; without, nothing
    is as close in meaning as the floor asks."""
    skill = "http://data.europa.eu/esco/skill/"
    report = validate_document(
        document(
            credential(
                id="datan-puhdistus",
                languages=["fi"],
                title="Datan puhdistus ja tilastolliset menetelmät",
                description="Opintojakso asiantuntijoille, jotka käsittelevät työssään suuria aineistoja.",
                learning_outcomes=[
                    {
                        "text": "Opiskelija osaa korjata virheelliset tietueet.",
                        "skills": [f"{skill}50b100ea-74fd-4706-99db-3e4ca55e51b8"],
                    },
                    {
                        "text": "Opiskelija osaa valita sopivan tilastollisen menetelmän.",
                        "skills": [f"{skill}7ee4c2ea-b349-4bd2-81a3-ec31475d4833"],
                    },
                ],
            ),
            credential(
                id="sourdough",
                title="Sourdough baking",
                description="For home bakers who want an open crumb.",
                learning_outcomes=[{"text": "Keep a starter alive."}, {"text": "Shape and bake a loaf."}],
            ),
        ),
        vocabulary,
    )
    assert report.ok, report.errors
    goal = "I want to learn data cleansing and statistics"

    def listed(bridge: bool) -> list[tuple[str, tuple[str, ...]]]:
        settings = ServiceSettings(ranking=RankingSettings(esco_bridge=bridge))
        service = _service(report.catalog, vocabulary, tmp_path / str(bridge), settings=settings)
        return [(r.credential.id, r.taught_only_in) for r in service.recommend(LearnerRequest(goal, limit=2)).results]

    assert listed(bridge=True) == [("datan-puhdistus", ("fi",))]
    assert listed(bridge=False) == []
