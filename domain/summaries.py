"""Whether what an engineer typed after «✅ Решено» is plainly a question to the client.

«✅ Решено» sits right under «❓ Вопрос клиенту», and after «Взять» the card's rows move: a
question typed after the wrong button would resolve the ticket and ask the client to confirm
a fix that never happened. A text that ends with "?" or asks the client for something
(«пришлите», «уточните», «подскажите») is checked with the engineer first. «Напишите, если
повторится» or «проверьте печать» are usual words of a resolution and pass.

Pure and table-tested.
"""

from __future__ import annotations

import re

_ASKS = re.compile(
    r"\b(?:пришлите|пришли|уточните|уточни|подскажите|скажите|"
    r"send\s+(?:me|us)|could\s+you|can\s+you|please\s+confirm)\b"
)
_TRAILING = " \t\n.!)»\"'…"


def reads_as_question(text: str) -> bool:
    """A question or a request to the client rather than the account of a fix."""
    said = " ".join(text.lower().replace("ё", "е").split())
    if not said:
        return False
    return said.rstrip(_TRAILING).endswith("?") or _ASKS.search(said) is not None
