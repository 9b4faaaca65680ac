"""What the terminal shows of a chat: a screen per person (or group), its messages as
text, and the numbers of its buttons.

A button keeps its number for as long as it is on the screen, whatever arrives after
it: `/3` presses the same button until the message carrying it changes. A message the
bot edits keeps its numbers for its new buttons, in order; the buttons that are gone
free their numbers for the next ones. The reply keyboard under the input box is
numbered the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.sandbox.model import ChatMessage
from bot.sandbox.people import ChatView, Group, Person

KEYBOARD = 0  # the reply keyboard's place among the numbered things (message ids start at 1)


@dataclass(frozen=True)
class Button:
    """A numbered button: on a message, or (message None) on the reply keyboard."""

    number: int
    text: str
    message: ChatMessage | None


class ButtonNumbers:
    """The numbers of one screen's buttons."""

    def __init__(self) -> None:
        self._buttons: dict[int, Button] = {}
        self._numbers_of: dict[int, list[int]] = {}  # message id (or KEYBOARD) → numbers
        self._texts_of: dict[int, list[str]] = {}

    def get(self, number: int) -> Button | None:
        return self._buttons.get(number)

    def number(self, key: int, texts: list[str], message: ChatMessage | None) -> list[int]:
        """The numbers of these buttons (in order), the ones they had if they are the same."""
        if self._texts_of.get(key) == texts:
            numbers = self._numbers_of[key]
        else:
            own = self._numbers_of.pop(key, [])
            for number in own:
                del self._buttons[number]
            numbers = own[: len(texts)]
            while len(numbers) < len(texts):
                numbers.append(self._free_after(numbers[-1] if numbers else 0))
            self._numbers_of[key] = numbers
            self._texts_of[key] = list(texts)
        for number, text in zip(numbers, texts, strict=True):
            self._buttons[number] = Button(number, text, message)
        if not texts:
            self.forget(key)
        return numbers

    def forget(self, key: int) -> None:
        """The message (or keyboard) has no buttons any more: their numbers are free."""
        for number in self._numbers_of.pop(key, []):
            self._buttons.pop(number, None)
        self._texts_of.pop(key, None)

    def _free_after(self, lowest: int) -> int:
        number = lowest + 1
        while number in self._buttons:
            number += 1
        return number


@dataclass
class Screen:
    """One chat as a person sees it, what was already shown of it, its buttons."""

    name: str
    view: ChatView
    actor: Person
    who: str  # how the screen is named in the summary: "Мария, the personal manager"
    chat: Group | None = None  # a group: the actor writes there
    shown: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (text, markup)
    buttons: ButtonNumbers = field(default_factory=ButtonNumbers)

    def mark_seen(self) -> None:
        for message in self.view.transcript:
            self.shown[message.message_id] = fingerprint(message)

    def unseen(self) -> list[ChatMessage]:
        """What this person received (or saw change) that the terminal has not shown."""
        return [
            message
            for message in self.view.transcript
            if self.shown.get(message.message_id) != fingerprint(message)
            and (message.from_bot or message.sender_id != self.actor.id)
        ]

    def render(self, out: Callable[[str], None], *, again_last: bool = False) -> None:
        """Print what is new or changed on the screen since it was last shown, and the
        reply keyboard; with `again_last`, the latest message with buttons when nothing
        is new (a screen switched to)."""
        fresh = [
            message
            for message in self.view.transcript
            if self.shown.get(message.message_id) != fingerprint(message)
        ]
        if again_last and not fresh:
            with_buttons = [m for m in self.view.transcript if m.inline_keyboard and not m.deleted]
            fresh = with_buttons[-1:]
        for message in fresh:
            edited = message.message_id in self.shown
            self.shown[message.message_id] = fingerprint(message)
            if message.from_bot or message.sender_id != self.actor.id or edited:
                self._print_message(out, message, edited)
        keyboard = self.view.reply_keyboard if self.chat is None else []
        texts = [text for row in keyboard for text in row]
        numbers = self.buttons.number(KEYBOARD, texts, None)
        if texts:
            cells = [f"[{n}] {text}" for n, text in zip(numbers, texts, strict=True)]
            out("  ⌨ " + "  ".join(cells))

    def _print_message(
        self, out: Callable[[str], None], message: ChatMessage, edited: bool
    ) -> None:
        if message.deleted:
            self.buttons.forget(message.message_id)
            out("  🗑 (a message was deleted)")
            return
        who = (
            "🤖" if message.from_bot else f"👤 {message.data.get('from', {}).get('first_name', '')}"
        )
        thread = f" (topic {message.thread_id})" if message.thread_id else ""
        mark = " ✎" if edited else ""
        lines = describe(message).splitlines() or [""]
        replied = message.data.get("reply_to_message") if self.chat is not None else None
        if message.from_bot and replied and not message.thread_id:  # whom it answers
            lines[0] = f"↩ {replied.get('from', {}).get('first_name', '')}: {lines[0]}"
        out(f"{who}{mark}{thread} {lines[0]}")
        for line in lines[1:]:
            out(f"   {line}")
        rows = message.inline_keyboard
        numbers = iter(
            self.buttons.number(
                message.message_id, [b["text"] for row in rows for b in row], message
            )
        )
        for row in rows:
            out("   " + "  ".join(f"[{next(numbers)}] {button['text']}" for button in row))


def describe(message: ChatMessage) -> str:
    """A message as text: its text, or its kind (and a document's name) and caption."""
    if message.kind in ("text", "service"):
        return message.text or message.caption or f"[{message.kind}]"
    kind = message.kind
    document = message.data.get("document")
    if kind == "document" and isinstance(document, dict) and document.get("file_name"):
        kind = f"document: {document['file_name']}"
    if message.caption is None:
        return f"[{kind}]"
    return f"[{kind}] {message.caption}"


def first_line(message: ChatMessage, width: int = 100) -> str:
    """The message in a line: its first, and the next when the first only announces it
    ("💬 №1 · Анна Петрова:")."""
    lines = [line.strip() for line in describe(message).splitlines() if line.strip()] or [""]
    line = lines[0]
    if line.endswith(":") and len(lines) > 1:
        line = f"{line} {lines[1]}"
    return line if len(line) <= width else line[: width - 1] + "…"


def fingerprint(message: ChatMessage) -> tuple[str, str]:
    return (
        f"{message.deleted}:{message.text or message.caption or ''}",
        repr(message.reply_markup),
    )
