"""Words for every language the bot reads, Thai included.

Thai is written without spaces between words, so Rasa's WhitespaceTokenizer gives one token per phrase and an
entity such as "นักวิเคราะห์ข้อมูล" inside "อยากเป็นนักวิเคราะห์ข้อมูลครับ" cannot align with any token. This
tokenizer splits text exactly as WhitespaceTokenizer does, then cuts each run of Thai script inside a token into
words with PyThaiNLP's dictionary segmenter (`newmm`, its dictionary ships in the wheel: nothing is downloaded).
Latin, Vietnamese, digits and everything else stay as WhitespaceTokenizer leaves them, so code-switched messages
("อยากเรียน Excel ครับ") keep their English words whole.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+")


@lru_cache(maxsize=8192)
def thai_words(run: str) -> tuple[str, ...]:
    """A run of Thai script cut into words; the words concatenate back to the run."""
    from pythainlp.tokenize import word_tokenize

    words = tuple(w for w in word_tokenize(run, engine="newmm", keep_whitespace=False) if w)
    return words if "".join(words) == run else (run,)  # never lose a character, whatever the segmenter does


def split_thai(text: str, start: int) -> list[tuple[str, int]]:
    """(piece, offset) for one whitespace token whose text begins at `start`: Thai runs cut into words, the
    rest of the token kept in one piece between them."""
    pieces: list[tuple[str, int]] = []
    position = 0
    for match in THAI_RUN.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], start + position))
        offset = match.start()
        for word in thai_words(match.group()):
            pieces.append((word, start + offset))
            offset += len(word)
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], start + position))
    return pieces


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class ThaiAwareTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer, with Thai-script runs segmented into words by PyThaiNLP (newmm)."""

    @staticmethod
    def not_supported_languages() -> list[str] | None:
        return None

    @staticmethod
    def required_packages() -> list[str]:
        return ["pythainlp"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiAwareTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens = super().tokenize(message, attribute)
        out: list[Token] = []
        for token in tokens:
            if not THAI_RUN.search(token.text):
                out.append(token)
                continue
            for piece, start in split_thai(token.text, token.start):
                out.append(Token(piece, start, data=dict(token.data)))
        return out
