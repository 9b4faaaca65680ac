"""Text formatting the way the Bot API does it: parse modes, entities, trimming.

Telegram stores a message as plain text plus a list of ``MessageEntity`` objects
whose ``offset``/``length`` count UTF-16 code units.  This module turns the
bot's ``parse_mode`` markup (HTML, MarkdownV2 and legacy Markdown) into that
form, reporting malformed markup with the Bot API's own error descriptions
("can't parse entities: ..."), and adds the entities Telegram detects by itself
(bot commands, mentions, hashtags, URLs, e-mails).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import TelegramApiError, bad_request

Entity = dict[str, Any]
UserLookup = Callable[[int], dict[str, Any] | None]

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_SIMPLE_HTML_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
}
_NAMED_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def entity_text(text: str, entity: Entity) -> str:
    """The part of ``text`` covered by ``entity``."""
    encoded = text.encode("utf-16-le")
    start = entity["offset"] * 2
    return encoded[start : start + entity["length"] * 2].decode("utf-16-le")


def sort_entities(entities: list[Entity]) -> list[Entity]:
    # Outer entities first when several start at the same offset, as Telegram does.
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def parse_error(reason: str) -> TelegramApiError:
    return bad_request(f"can't parse entities: {reason}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _normalize_url(url: str) -> str:
    url = url.strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        return url
    return f"http://{url}"


def _link_entity(offset: int, length: int, url: str, user_lookup: UserLookup | None) -> Entity:
    mention = re.fullmatch(r"tg://user\?id=(\d+)", url)
    if mention and user_lookup is not None:
        user = user_lookup(int(mention.group(1)))
        if user is not None:
            return {"type": "text_mention", "offset": offset, "length": length, "user": user}
    return {"type": "text_link", "offset": offset, "length": length, "url": _normalize_url(url)}


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_start: int
    text_start: int  # index into the plain-text buffer
    children: list[Entity] = field(default_factory=list)


def parse_html(source: str, user_lookup: UserLookup | None = None) -> tuple[str, list[Entity]]:
    """Parse Telegram-flavoured HTML into ``(plain_text, entities)``.

    Raises ``TelegramApiError`` (400 "can't parse entities: ...") on markup the
    Bot API rejects: unsupported tags, unclosed or mismatched tags.
    """
    out: list[str] = []
    utf16_pos = 0
    open_tags: list[_OpenTag] = []
    entities: list[Entity] = []
    i = 0
    n = len(source)

    def emit(chunk: str) -> None:
        nonlocal utf16_pos
        out.append(chunk)
        utf16_pos += utf16_len(chunk)

    while i < n:
        char = source[i]
        if char == "&":
            match = _HTML_ENTITY.match(source, i)
            if match:
                emit(_decode_html_entity(match))
                i = match.end()
                continue
            emit(char)  # an unknown entity stays literal text
            i += 1
            continue
        if char != "<":
            emit(char)
            i += 1
            continue

        tag_start = i
        byte_pos = _byte_offset(source, tag_start)
        i += 1
        if i < n and source[i] == "/":
            i += 1
            name_end = i
            while name_end < n and not source[name_end].isspace() and source[name_end] != ">":
                name_end += 1
            end_name = source[i:name_end].lower()
            i = name_end
            while i < n and source[i].isspace():
                i += 1
            if not open_tags:
                raise parse_error(f"Unexpected end tag at byte offset {byte_pos}")
            if i >= n or source[i] != ">":
                raise parse_error(f"Unclosed end tag at byte offset {byte_pos}")
            i += 1
            tag = open_tags.pop()
            if end_name and end_name != tag.name:
                raise parse_error(
                    f'Unmatched end tag at byte offset {byte_pos}, expected "</{tag.name}>", '
                    f'found "</{end_name}>"'
                )
            created = _close_html_tag(tag, utf16_pos, "".join(out), user_lookup)
            target = open_tags[-1].children if open_tags else entities
            target.extend(tag.children)
            if created is not None:
                target.append(created)
            continue

        name_end = i
        while name_end < n and not source[name_end].isspace() and source[name_end] != ">":
            name_end += 1
        name = source[i:name_end].lower()
        if name not in _HTML_TAGS:
            raise parse_error(f'Unsupported start tag "{name}" at byte offset {byte_pos}')
        i = name_end
        argument, i = _parse_html_attributes(source, i, name, byte_pos)
        if name == "span" and argument != "spoiler":
            raise parse_error(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_pos}')
        open_tags.append(_OpenTag(name, argument, utf16_pos, len("".join(out))))

    if open_tags:
        raise parse_error(f'Can\'t find end tag corresponding to start tag "{open_tags[-1].name}"')
    return "".join(out), sort_entities(entities)


def _decode_html_entity(match: re.Match[str]) -> str:
    decimal, hexadecimal, named = match.groups()
    if named:
        return _NAMED_HTML_ENTITIES[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return match.group(0)
    return chr(code)


def _parse_html_attributes(source: str, i: int, tag: str, byte_pos: int) -> tuple[str, int]:
    """Read attributes up to the closing ``>``; return the tag's meaningful argument."""
    n = len(source)
    argument = ""
    while True:
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise parse_error(f"Unclosed start tag at byte offset {byte_pos}")
        if source[i] == ">":
            return argument, i + 1
        name_start = i
        while i < n and not source[i].isspace() and source[i] not in "=>":
            i += 1
        attribute = source[name_start:i].lower()
        if not attribute:
            raise parse_error(f'Empty attribute name in the tag "{tag}" at byte offset {byte_pos}')
        while i < n and source[i].isspace():
            i += 1
        if i >= n or source[i] != "=":
            if tag == "blockquote" and attribute == "expandable":
                argument = "expandable"
                continue
            raise parse_error(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {byte_pos}"
            )
        i += 1
        while i < n and source[i].isspace():
            i += 1
        if i >= n:
            raise parse_error(f"Unclosed start tag at byte offset {byte_pos}")
        if source[i] in "'\"":
            quote = source[i]
            close = source.find(quote, i + 1)
            if close == -1:
                raise parse_error(f"Unclosed start tag at byte offset {byte_pos}")
            value = _HTML_ENTITY.sub(_decode_html_entity, source[i + 1 : close])
            i = close + 1
        else:
            token_start = i
            while i < n and (source[i].isalnum() or source[i] in ".-"):
                i += 1
            if i < n and not source[i].isspace() and source[i] != ">":
                raise parse_error(
                    f"Unexpected end of name token at byte offset {_byte_offset(source, i)}"
                )
            value = source[token_start:i].lower()
        if tag == "a" and attribute == "href":
            argument = value
        elif tag == "code" and attribute == "class" and value.startswith("language-"):
            argument = value.removeprefix("language-")
        elif tag == "span" and attribute == "class" and value.startswith("tg-"):
            argument = value.removeprefix("tg-")
        elif tag == "tg-emoji" and attribute == "emoji-id":
            argument = value
        elif tag == "blockquote" and attribute == "expandable":
            argument = "expandable"


def _close_html_tag(
    tag: _OpenTag, utf16_end: int, plain: str, user_lookup: UserLookup | None
) -> Entity | None:
    length = utf16_end - tag.utf16_start
    if length <= 0:
        return None
    offset = tag.utf16_start
    if tag.name in _SIMPLE_HTML_TYPES:
        return {"type": _SIMPLE_HTML_TYPES[tag.name], "offset": offset, "length": length}
    if tag.name == "a":
        url = tag.argument or plain[tag.text_start :]
        return _link_entity(offset, length, url, user_lookup)
    if tag.name == "code":
        entity: Entity = {"type": "code", "offset": offset, "length": length}
        if tag.argument:
            entity["language"] = tag.argument
        return entity
    if tag.name == "pre":
        pre: Entity = {"type": "pre", "offset": offset, "length": length}
        # <pre><code class="language-x">...</code></pre> is one pre entity with a language.
        for child in list(tag.children):
            if child["type"] == "code" and child["offset"] == offset and child["length"] == length:
                tag.children.remove(child)
                if "language" in child:
                    pre["language"] = child["language"]
        return pre
    if tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.argument == "expandable" else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    if tag.name == "tg-emoji":
        if not tag.argument:
            return None
        return {
            "type": "custom_emoji",
            "offset": offset,
            "length": length,
            "custom_emoji_id": tag.argument,
        }
    return None


_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD2_MARKERS = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}
_MD2_ENTITY_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
}


def parse_markdown_v2(
    source: str, user_lookup: UserLookup | None = None
) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2 (bold, italic, underline, strike, spoiler, code, pre, links).

    Reserved characters outside entities must be escaped with a backslash, as
    the Bot API demands; block quotes are not supported by the emulator.
    """
    out: list[str] = []
    utf16_pos = 0
    stack: list[tuple[str, int, int]] = []  # (marker, utf16 start, byte offset)
    entities: list[Entity] = []
    i = 0
    n = len(source)

    def emit(chunk: str) -> None:
        nonlocal utf16_pos
        out.append(chunk)
        utf16_pos += utf16_len(chunk)

    while i < n:
        char = source[i]
        byte_pos = _byte_offset(source, i)
        if char == "\\" and i + 1 < n and 0 < ord(source[i + 1]) <= 126:
            emit(source[i + 1])
            i += 2
            continue
        if char == "`":
            i = _md2_code(source, i, byte_pos, emit, entities, lambda: utf16_pos)
            continue
        if char == "[":
            stack.append(("[", utf16_pos, byte_pos))
            i += 1
            continue
        if char == "]" and stack and stack[-1][0] == "[":
            _, start, start_byte = stack.pop()
            if i + 1 >= n or source[i + 1] != "(":
                raise parse_error(f"Can't find end of TextUrl entity at byte offset {start_byte}")
            close = source.find(")", i + 2)
            if close == -1:
                raise parse_error(f"Can't find end of TextUrl entity at byte offset {start_byte}")
            url = re.sub(r"\\(.)", r"\1", source[i + 2 : close])
            if utf16_pos > start:
                entities.append(_link_entity(start, utf16_pos - start, url, user_lookup))
            i = close + 1
            continue
        marker = source[i : i + 2] if source[i : i + 2] in ("__", "||") else char
        if marker in _MD2_MARKERS:
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                if utf16_pos > start:
                    entities.append(
                        {"type": _MD2_MARKERS[marker], "offset": start, "length": utf16_pos - start}
                    )
            else:
                stack.append((marker, utf16_pos, byte_pos))
            i += len(marker)
            continue
        if char in _MD2_RESERVED:
            raise parse_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(char)
        i += 1

    if stack:
        marker, _, start_byte = stack[-1]
        kind = "text_link" if marker == "[" else _MD2_MARKERS[marker]
        raise parse_error(
            f"Can't find end of {_MD2_ENTITY_NAMES[kind]} entity at byte offset {start_byte}"
        )
    return "".join(out), sort_entities(entities)


def _md2_code(
    source: str,
    i: int,
    byte_pos: int,
    emit: Callable[[str], None],
    entities: list[Entity],
    position: Callable[[], int],
) -> int:
    """Handle `code` and ```pre``` spans starting at ``i``; return the index after them."""
    fence = "```" if source.startswith("```", i) else "`"
    body_start = i + len(fence)
    language = ""
    if fence == "```":
        newline = source.find("\n", body_start)
        first_line = source[body_start:newline] if newline != -1 else ""
        if newline != -1 and first_line and " " not in first_line and "`" not in first_line:
            language = first_line
            body_start = newline + 1
    end = body_start
    while True:
        end = source.find(fence, end)
        if end == -1:
            kind = "Pre" if fence == "```" else "Code"
            raise parse_error(f"Can't find end of {kind} entity at byte offset {byte_pos}")
        if source[end - 1] != "\\" or end == body_start:
            break
        end += 1
    body = re.sub(r"\\([`\\])", r"\1", source[body_start:end])
    start = position()
    emit(body)
    if body:
        entity: Entity = {
            "type": "pre" if fence == "```" else "code",
            "offset": start,
            "length": position() - start,
        }
        if language:
            entity["language"] = language
        entities.append(entity)
    return end + len(fence)


def parse_markdown(source: str, user_lookup: UserLookup | None = None) -> tuple[str, list[Entity]]:
    """Parse legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out: list[str] = []
    utf16_pos = 0
    entities: list[Entity] = []
    i = 0
    n = len(source)
    pairs = {"*": "bold", "_": "italic"}
    while i < n:
        char = source[i]
        byte_pos = _byte_offset(source, i)
        if char == "\\" and i + 1 < n and source[i + 1] in "*_`[":
            out.append(source[i + 1])
            utf16_pos += 1
            i += 2
            continue
        if char in pairs or char == "`":
            fence = "```" if source.startswith("```", i) else char
            end = source.find(fence, i + len(fence))
            if end == -1:
                raise parse_error(
                    f"Can't find end of the entity starting at byte offset {byte_pos}"
                )
            body = source[i + len(fence) : end]
            if body:
                kind = pairs.get(char) or ("pre" if fence == "```" else "code")
                length = utf16_len(body)
                entities.append({"type": kind, "offset": utf16_pos, "length": length})
                out.append(body)
                utf16_pos += length
            i = end + len(fence)
            continue
        if char == "[":
            match = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(source, i)
            if match is None:
                raise parse_error(
                    f"Can't find end of the entity starting at byte offset {byte_pos}"
                )
            label, url = match.groups()
            length = utf16_len(label)
            if length:
                entities.append(_link_entity(utf16_pos, length, url, user_lookup))
            out.append(label)
            utf16_pos += length
            i = match.end()
            continue
        out.append(char)
        utf16_pos += utf16_len(char)
        i += 1
    return "".join(out), sort_entities(entities)


def parse_formatted(
    text: str, parse_mode: str | None, user_lookup: UserLookup | None = None
) -> tuple[str, list[Entity]]:
    """Apply ``parse_mode`` (case-insensitive, like Telegram) to ``text``."""
    mode = (parse_mode or "").strip().lower()
    if not mode:
        return text, []
    if mode == "html":
        return parse_html(text, user_lookup)
    if mode == "markdownv2":
        return parse_markdown_v2(text, user_lookup)
    if mode == "markdown":
        return parse_markdown(text, user_lookup)
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def trim_formatted(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip leading/trailing whitespace like Telegram, keeping entities aligned."""
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    stripped = stripped_left.rstrip()
    limit = utf16_len(stripped)
    trimmed: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, limit)
        if end > start:
            trimmed.append({**entity, "offset": start, "length": end - start})
    return stripped, trimmed


_AUTO_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")),
    ("email", re.compile(r"(?<![\w.@])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("url", re.compile(r"(?<![\w@/])(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")),
    ("cashtag", re.compile(r"(?<![\w$])\$[A-Z]{1,8}(?![A-Za-z])")),
]
# Auto-detected entities never overlap these explicit ones.
_OPAQUE_TYPES = frozenset({"code", "pre", "text_link", "text_mention", "custom_emoji"})


def detect_entities(text: str, existing: list[Entity] | None = None) -> list[Entity]:
    """Return ``existing`` plus the entities Telegram recognises in plain text."""
    result = list(existing or [])
    auto_kinds = {kind for kind, _ in _AUTO_PATTERNS}
    taken: list[tuple[int, int]] = [
        (e["offset"], e["offset"] + e["length"])
        for e in result
        if e["type"] in _OPAQUE_TYPES or e["type"] in auto_kinds
    ]
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start = utf16_len(text[: match.start()])
            end = start + utf16_len(match.group(0))
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            result.append({"type": kind, "offset": start, "length": end - start})
    return sort_entities(result)
