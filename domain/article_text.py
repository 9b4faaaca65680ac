"""An article's Markdown as the HTML subset Telegram accepts (parse_mode HTML).

Telegram knows <b>, <i>, <u>, <s>, <code>, <pre>, <a href> and <blockquote>, and refuses a
message with any other tag or an unescaped "<" or "&" (https://core.telegram.org/bots/api#html-style).
So everything is escaped first and only these tags are produced:

- **bold** / __bold__ → <b>, *italic* / _italic_ → <i>, ~~struck~~ → <s>, `code` → <code>;
- ```fenced blocks``` → <pre>; [text](http…) → <a href>, other link targets stay text;
- "# Heading" → a bold line; "- item" / "* item" → "• item"; "1. item" stays;
- "> quote" → <blockquote>.

Markup that does not close (a lone "*" or "_" in "file_name") stays as typed.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*```")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")

_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_BOLD_ITALIC = re.compile(r"(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1")
_TAG = re.compile(r"<(/?)(\w+)[^>]*>")
_PLACEHOLDER = "\x00{}\x00"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def markdown_to_html(markdown: str) -> str:
    """The Markdown of an article as Telegram HTML (see the module's docstring)."""
    out: list[str] = []
    quote: list[str] = []
    code: list[str] | None = None

    def flush_quote() -> None:
        if quote:
            out.append("<blockquote>" + "\n".join(quote) + "</blockquote>")
            quote.clear()

    for line in markdown.replace("\r\n", "\n").split("\n"):
        if code is not None:
            if _FENCE.match(line):
                out.append("<pre>" + escape("\n".join(code)) + "</pre>")
                code = None
            else:
                code.append(line)
            continue
        if _FENCE.match(line):
            flush_quote()
            code = []
            continue
        quoted = _QUOTE.match(line)
        if quoted:
            quote.append(_inline(quoted.group(1)))
            continue
        flush_quote()
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        if heading:
            out.append("<b>" + _inline(heading.group(1)) + "</b>")
        elif bullet:
            out.append(bullet.group(1) + "• " + _inline(bullet.group(2)))
        else:
            out.append(_inline(line.rstrip()))
    flush_quote()
    if code is not None:  # an unclosed fence: the rest is code
        out.append("<pre>" + escape("\n".join(code)) + "</pre>")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _inline(text: str) -> str:
    """One line's inline markup; code spans and links are set aside first, so that
    nothing inside them is read as markup."""
    kept: list[str] = []

    def keep(html: str) -> str:
        kept.append(html)
        return _PLACEHOLDER.format(len(kept) - 1)

    text = _CODE.sub(lambda m: keep("<code>" + escape(m.group(1)) + "</code>"), text)

    def link(match: re.Match[str]) -> str:
        label, url = match.group(1), match.group(2)
        if not re.match(r"^(https?://|tg://|mailto:)", url):
            return match.group(0)  # relative or odd targets: Telegram would refuse them
        href = escape(url).replace('"', "&quot;")
        return keep(f'<a href="{href}">' + _emphasis(escape(label)) + "</a>")

    text = _LINK.sub(link, text)
    emphasised = _emphasis(escape(text))
    if not _nested(emphasised):  # "*a **b* c**": crossed markup stays as typed
        emphasised = escape(text)
    return re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], emphasised)


def _nested(html: str) -> bool:
    """Whether the tags close in the order they opened (Telegram refuses crossed tags)."""
    stack: list[str] = []
    for match in _TAG.finditer(html):
        closing, name = match.groups()
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def _emphasis(text: str) -> str:
    text = _BOLD_ITALIC.sub(lambda m: "<b><i>" + m.group(2) + "</i></b>", text)
    text = _BOLD.sub(lambda m: "<b>" + m.group(2) + "</b>", text)
    text = _STRIKE.sub(lambda m: "<s>" + m.group(1) + "</s>", text)
    return _ITALIC.sub(lambda m: "<i>" + m.group(2) + "</i>", text)
