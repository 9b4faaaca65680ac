"""Every difference between SQLite and PostgreSQL the storage knows of, in one place.

The repositories, the FSM storage, the inbox, the outbox and the migrations are written
once, in SQL both engines take (ON CONFLICT, RETURNING, COALESCE, CTEs, partial indexes);
on PostgreSQL each statement goes through `statement` and each migration through
`migration` first. What they rewrite:

- parameters: ``?`` and ``:name`` become ``$1, $2...`` (the same name, the same number),
  and a ``:name`` mapping becomes the list in that order;
- ``json_each(?)``, how a list travels as one parameter: ``jsonb_array_elements``; a list
  read as ``SELECT value FROM json_each(?)`` is a list of ids (bigint);
- ``INDEXED BY index`` (SQLite's planner hint) goes; PostgreSQL's planner needs none;
- ``max(a, b)`` and ``min(a, b)`` with several arguments are ``greatest`` and ``least``
  (the arguments are never NULL where they are used: coalesced);
- in migrations: ``INTEGER`` is ``BIGINT`` (Telegram ids pass 2^31), ``REAL`` is
  ``DOUBLE PRECISION``, ``BLOB`` is ``BYTEA``, an ``id INTEGER PRIMARY KEY
  [AUTOINCREMENT]`` is ``BIGSERIAL`` (a number never given twice, as AUTOINCREMENT),
  ``WITHOUT ROWID`` goes, ``GLOB`` is ``SIMILAR TO`` (both match the whole text, and the
  patterns used, character classes, mean the same). A migration that needs more (the
  triggers of 0013 and 0015) has a PostgreSQL variant beside it:
  ``NNNN_name.postgresql.sql``.

Row locks are not a rewrite but the session's: a SELECT that reads rows to write them back
ends with ``Session.LOCK_ROWS`` (a ticket: ``FOR UPDATE`` in PostgreSQL's write
transactions, nothing on SQLite, whose transaction holds the file's write lock), and the
outbox claim with ``Session.SKIP_LOCKED`` (``FOR UPDATE SKIP LOCKED``); see
storage/postgres.py, with the per-chat advisory lock of an update's transactions.

What is stored is the same on both: moments as the codec's UTC text (storage/codec.py),
flags as 0/1 integers, JSON as text; so sort orders are the same too, provided the
PostgreSQL database sorts text by code point (created with ``LC_COLLATE 'C'``, as the
README says and the tests do).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

# What a statement's text is made of, for the parameter scan: string literals, quoted
# names and comments are left alone; ``::`` (a PostgreSQL cast) is not a parameter.
_TOKENS = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|::|\?(\d*)|:([A-Za-z_]\w*)""",
)
_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.IGNORECASE)
_ID_LIST = re.compile(r"SELECT\s+value\s+FROM\s+json_each\(([^()]*)\)", re.IGNORECASE)
_JSON_EACH = re.compile(r"(?<!AS )\bjson_each\(([^()]*)\)", re.IGNORECASE)
_SCALAR_MINMAX = re.compile(r"\b(max|min)\(", re.IGNORECASE)


class Translated:
    """A statement for PostgreSQL: its text and how to order its parameters."""

    __slots__ = ("names", "sql")

    def __init__(self, sql: str, names: tuple[str, ...] | None) -> None:
        self.sql = sql
        self.names = names  # the :names in $n order; None when the statement used ``?``

    def arguments(self, params: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        if self.names is None:
            # A mapping for a statement without :names: nothing to pass (as on SQLite).
            return [] if isinstance(params, Mapping) else list(params)
        if not isinstance(params, Mapping):
            raise TypeError("a statement with :names takes a mapping of parameters")
        return [params[name] for name in self.names]


@lru_cache(maxsize=4096)
def statement(sql: str) -> Translated:
    """A statement written for both engines, as PostgreSQL takes it (cached by text)."""
    sql = _INDEXED_BY.sub("", sql)
    sql = _ID_LIST.sub(
        r"SELECT value::bigint FROM jsonb_array_elements(\1::jsonb) AS json_each(value)", sql
    )
    sql = _JSON_EACH.sub(r"jsonb_array_elements(\1::jsonb) AS json_each(value)", sql)
    sql = _scalar_min_max(sql)
    names: list[str] = []
    numbered = 0
    out: list[str] = []
    last = 0
    for match in _TOKENS.finditer(sql):
        token = match.group(0)
        if token.startswith("?"):  # ?, or ?NNN: the NNNth parameter
            if match.group(1):
                numbered = max(numbered, int(match.group(1)))
                replacement = f"${match.group(1)}"
            else:
                numbered += 1
                replacement = f"${numbered}"
        elif match.group(2) is not None:
            name = match.group(2)
            if name not in names:
                names.append(name)
            replacement = f"${names.index(name) + 1}"
        else:
            continue
        out.append(sql[last : match.start()])
        out.append(replacement)
        last = match.end()
    out.append(sql[last:])
    if numbered and names:
        raise ValueError(f"a statement mixes ? and :name parameters: {sql}")
    return Translated("".join(out), tuple(names) if names else None)


def _scalar_min_max(sql: str) -> str:
    """``max(a, b)`` (SQLite's scalar form) as ``greatest(a, b)``; ``max(a)`` (the
    aggregate) stays."""
    result = []
    position = 0
    for match in _SCALAR_MINMAX.finditer(sql):
        if match.start() < position:
            continue
        depth, index, commas = 1, match.end(), 0
        while index < len(sql) and depth:
            char = sql[index]
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "," and depth == 1:
                commas += 1
            elif char == "'":
                index = sql.index("'", index + 1)
            index += 1
        if commas:
            name = "greatest" if match.group(1).lower() == "max" else "least"
            inner = _scalar_min_max(sql[match.end() : index - 1])
            result.append(sql[position : match.start()])
            result.append(f"{name}({inner})")
            position = index
    result.append(sql[position:])
    return "".join(result)


_DDL = (
    (
        re.compile(r"\bid\s+INTEGER\s+PRIMARY\s+KEY(\s+AUTOINCREMENT)?", re.I),
        "id BIGSERIAL PRIMARY KEY",
    ),
    (re.compile(r"\bINTEGER\b", re.I), "BIGINT"),
    (re.compile(r"\bREAL\b", re.I), "DOUBLE PRECISION"),
    (re.compile(r"\bBLOB\b", re.I), "BYTEA"),
    (re.compile(r"\)\s*WITHOUT\s+ROWID", re.I), ")"),
    (re.compile(r"\bGLOB\b", re.I), "SIMILAR TO"),
)


def migration(sql: str) -> str:
    """A migration written in SQLite's DDL, as PostgreSQL takes it."""
    for pattern, replacement in _DDL:
        sql = pattern.sub(replacement, sql)
    return sql
