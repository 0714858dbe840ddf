"""The tokenizer: Thai-script runs cut into words with exact offsets, everything else as WhitespaceTokenizer."""

from __future__ import annotations

from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from components.thai_tokenizer import ThaiAwareTokenizer, split_thai


def _tokens(text: str, cls: type = ThaiAwareTokenizer) -> list[tuple[str, int, int]]:
    tokenizer = cls(cls.get_default_config())
    return [(t.text, t.start, t.end) for t in tokenizer.tokenize(Message(data={"text": text}), "text")]


def test_thai_is_cut_into_words_with_offsets_into_the_text() -> None:
    text = "อยากเป็นนักวิเคราะห์ข้อมูลครับ ใช้Excelได้"
    tokens = _tokens(text)
    assert [t[0] for t in tokens] == ["อยาก", "เป็น", "นักวิเคราะห์", "ข้อมูล", "ครับ", "ใช้", "Excel", "ได้"]
    assert tokens[2][1:] == (8, 20)
    assert all(text[start:end] == word for word, start, end in tokens)


def test_an_annotated_thai_entity_spans_whole_tokens() -> None:
    text = "อยากเป็นนักวิเคราะห์ข้อมูลครับ"
    start = text.index("นักวิเคราะห์ข้อมูล")
    end = start + len("นักวิเคราะห์ข้อมูล")
    starts = {t[1] for t in _tokens(text)}
    ends = {t[2] for t in _tokens(text)}
    assert start in starts and end in ends


def test_other_scripts_are_tokenized_as_whitespace_tokenizer_does() -> None:
    for text in ["I want to learn Excel, please!", "Tôi muốn học Python 🙂", "Haluan oppia data-analytiikkaa"]:
        assert _tokens(text) == _tokens(text, WhitespaceTokenizer)


def test_split_thai_keeps_every_character() -> None:
    pieces = split_thai("ABCสวัสดีครับ123", 10)
    assert "".join(p for p, _ in pieces) == "ABCสวัสดีครับ123"
    assert pieces[0] == ("ABC", 10) and pieces[-1] == ("123", 10 + len("ABCสวัสดีครับ"))
    offsets = [o for _, o in pieces]
    assert offsets == sorted(offsets)
