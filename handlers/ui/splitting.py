"""Long HTML texts in parts Telegram accepts.

Telegram counts a message's length in UTF-16 code units of the text *after* its entities
are parsed (`sendMessage`: "1-4096 characters after entities parsing"; a caption 0-1024):
an emoji outside the Basic Multilingual Plane counts 2, a tag counts nothing, `&amp;`
counts 1. A text over the limit is refused ("message is too long"), so it is sent in
parts, each cut

- between characters, never inside an HTML entity (`&amp;`) or a tag (`<b>`);
- not between an emoji and what joins or modifies it (ZWJ, a variation selector, a skin
  tone) or before a combining mark;
- preferably after a line break, else after a space, when one is in the last half of
  the part;

with the tags open at the cut closed at the end of the part and opened again at the start
of the next, so that every part is valid HTML on its own.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_TOKEN = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|.", re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")
_ZWJ = "\u200d"


def utf16_len(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    visible: str  # what it is once parsed: a tag is nothing, an entity its character

    @property
    def is_tag(self) -> bool:
        return self.text.startswith("<")


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token.startswith("<"):
            tokens.append(_Token(token, ""))
        elif token.startswith("&"):
            tokens.append(_Token(token, html.unescape(token)))
        else:
            tokens.append(_Token(token, token))
    return tokens


def _clings(char: str) -> bool:
    """A character that belongs with the one before it."""
    return (
        char == _ZWJ
        or "\ufe00" <= char <= "\ufe0f"  # variation selectors (the emoji one is FE0F)
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tones
        or "\U000e0020" <= char <= "\U000e007f"  # tag characters of flag sequences
        or unicodedata.combining(char) != 0
    )


def _breakable(tokens: list[_Token], index: int) -> bool:
    """Whether a part may end before tokens[index]."""
    after, before = tokens[index].visible, tokens[index - 1].visible
    return not (after and _clings(after[0])) and not before.endswith(_ZWJ)


def _apply(stack: list[tuple[str, str]], token: _Token) -> None:
    name = _TAG_NAME.match(token.text)
    if name is None:
        return
    tag = name.group(1).lower()
    if token.text.startswith("</"):
        for index in range(len(stack) - 1, -1, -1):
            if stack[index][0] == tag:
                del stack[index]
                break
    elif not token.text.endswith("/>"):
        stack.append((tag, token.text))


def _cut(
    tokens: list[_Token], start: int, stack: list[tuple[str, str]], limit: int
) -> tuple[int, list[tuple[str, str]]]:
    """Where the part that starts at `start` ends, and the tags open there."""
    open_before = [list(stack)]  # open_before[i]: the tags open before tokens[start + i]
    length = 0
    # (index, length) after the last line break, the last space
    line_end: tuple[int, int] | None = None
    space_end: tuple[int, int] | None = None
    for index in range(start, len(tokens)):
        token = tokens[index]
        size = utf16_len(token.visible)
        if length + size > limit:
            end = index
            for nice in (line_end, space_end):
                if nice is not None and nice[1] >= limit // 2:
                    end = nice[0]
                    break
            else:
                while end - 1 > start and not _breakable(tokens, end):
                    end -= 1
                if not _breakable(tokens, end):  # a run as long as a part: cut it anyway
                    end = index
            return end, open_before[end - start]
        length += size
        current = list(open_before[-1])
        if token.is_tag:
            _apply(current, token)
        open_before.append(current)
        if token.visible == "\n":
            line_end = (index + 1, length)
        elif token.visible.isspace():
            space_end = (index + 1, length)
    return len(tokens), open_before[-1]


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` (Telegram HTML) in parts of at most `limit` UTF-16 units each once parsed;
    parts with nothing but blanks are left out."""
    if utf16_len(text) <= limit:  # fits as written, so once parsed: tags and entities shrink
        return _whole(text)
    tokens = _tokens(text)
    parts: list[str] = []
    start = 0
    stack: list[tuple[str, str]] = []
    while start < len(tokens):
        end, open_at_end = _cut(tokens, start, stack, limit)
        body = tokens[start:end]
        if "".join(t.visible for t in body).strip():
            parts.append(
                "".join(opening for _, opening in stack)
                + "".join(t.text for t in body)
                + "".join(f"</{name}>" for name, _ in reversed(open_at_end))
            )
        start, stack = end, open_at_end
    return parts


def _whole(text: str) -> list[str]:
    """A text that fits in one part, as `split_html` gives it, without cutting it into
    tokens (most notices are short): the tags left open closed at its end."""
    stack: list[tuple[str, str]] = []
    for tag in _TAG.finditer(text):
        _apply(stack, _Token(tag.group(), ""))
    visible = _ENTITY.sub(lambda entity: html.unescape(entity.group()), _TAG.sub("", text))
    if not visible.strip():
        return []
    return [text + "".join(f"</{name}>" for name, _ in reversed(stack))]


def first_part(text: str, limit: int = CAPTION_LIMIT) -> str:
    """As much of `text` as fits in one part (a caption: 1024)."""
    parts = split_html(text, limit)
    return parts[0] if parts else ""
