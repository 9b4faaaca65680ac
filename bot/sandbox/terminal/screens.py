"""What the terminal shows of a chat: a screen per person (or group), its messages as
text, and their buttons numbered for `/1`, `/2`...: the buttons of what was just printed,
then the reply keyboard's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.sandbox.model import ChatMessage
from bot.sandbox.people import ChatView, Group, Person

Buttons = dict[int, tuple[ChatMessage | None, str]]  # number → (message, None: the keyboard; text)


@dataclass
class Screen:
    """One chat as a person sees it, and what was already shown of it."""

    name: str
    view: ChatView
    actor: Person
    chat: Group | None = None  # a group: the actor writes there
    shown: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (text, markup)

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

    def render(self, out: Callable[[str], None], *, again_last: bool = False) -> Buttons:
        """Print what is new or changed on the screen since it was last shown, and the
        reply keyboard; with `again_last`, the latest message with buttons when nothing
        is new (a screen switched to). The buttons printed, by number."""
        buttons: Buttons = {}
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
                self._print_message(out, message, edited, buttons)
        keyboard = self.view.reply_keyboard
        if keyboard and self.chat is None:
            cells = []
            for text in (text for row in keyboard for text in row):
                buttons[len(buttons) + 1] = (None, text)
                cells.append(f"[{len(buttons)}] {text}")
            out("  ⌨ " + "  ".join(cells))
        return buttons

    def _print_message(
        self, out: Callable[[str], None], message: ChatMessage, edited: bool, buttons: Buttons
    ) -> None:
        if message.deleted:
            out("  🗑 (a message was deleted)")
            return
        who = (
            "🤖" if message.from_bot else f"👤 {message.data.get('from', {}).get('first_name', '')}"
        )
        thread = f" (topic {message.thread_id})" if message.thread_id else ""
        mark = " ✎" if edited else ""
        lines = describe(message).splitlines() or [""]
        out(f"{who}{mark}{thread} {lines[0]}")
        for line in lines[1:]:
            out(f"   {line}")
        for row in message.inline_keyboard:
            cells = []
            for button in row:
                buttons[len(buttons) + 1] = (message, button["text"])
                cells.append(f"[{len(buttons)}] {button['text']}")
            out("   " + "  ".join(cells))


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


def fingerprint(message: ChatMessage) -> tuple[str, str]:
    return (
        f"{message.deleted}:{message.text or message.caption or ''}",
        repr(message.reply_markup),
    )
