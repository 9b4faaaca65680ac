"""Validation of ``reply_markup``: inline keyboards, reply keyboards, remove, force reply.

The bot's markup is checked the way the Bot API checks it (callback data of
1-64 bytes, one action per inline button, known URL schemes...) and normalised:
``None`` fields dropped, reply keyboard buttons given as plain strings turned
into ``{"text": ...}`` objects.
"""

from __future__ import annotations

from typing import Any

from .errors import bad_request

JsonDict = dict[str, Any]

_MARKUP_ERROR = "can't parse reply keyboard markup JSON object"
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://")


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def parse_reply_markup(value: Any, *, inline_only: bool = False) -> JsonDict | None:
    """Validate and normalise a reply_markup object (already JSON-decoded)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise bad_request(_MARKUP_ERROR)
    markup = _drop_none(value)
    if "inline_keyboard" in markup:
        return _inline_keyboard(markup)
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        return _reply_keyboard(markup)
    if markup.get("remove_keyboard") is True:
        return markup
    if markup.get("force_reply") is True:
        return markup
    raise bad_request(_MARKUP_ERROR)


def _rows(markup: JsonDict, key: str) -> list[list[Any]]:
    rows = markup[key]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(_MARKUP_ERROR)
    return rows


def _inline_keyboard(markup: JsonDict) -> JsonDict:
    for row in _rows(markup, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            if not button["text"]:
                raise bad_request("BUTTON_TEXT_INVALID")
            actions = [key for key in _INLINE_ACTIONS if key in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not url.lower().startswith(_URL_SCHEMES):
                    raise bad_request("BUTTON_URL_INVALID")
    return markup


def _reply_keyboard(markup: JsonDict) -> JsonDict:
    rows: list[list[JsonDict]] = []
    for row in _rows(markup, "keyboard"):
        buttons: list[JsonDict] = []
        for button in row:
            if isinstance(button, str):
                button = {"text": button}
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request(_MARKUP_ERROR)
            if not button["text"]:
                raise bad_request("BUTTON_TEXT_INVALID")
            buttons.append(button)
        rows.append(buttons)
    return {**markup, "keyboard": rows}


def find_button(rows: list[list[JsonDict]], text: str) -> JsonDict | None:
    for row in rows:
        for button in row:
            if button.get("text") == text:
                return button
    return None


def button_texts(rows: list[list[JsonDict]]) -> list[str]:
    return [button.get("text", "") for row in rows for button in row]
