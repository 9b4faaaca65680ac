"""Knowledge-base search: precision and recall on the labelled messages, and its speed.

Reads the articles of tests/data/kb/ and the FAQ shipped in domain/data/faq/, and the
labelled messages of tests/data/kb_queries.tsv. Prints precision (the first article
suggested is the right one) and recall (the right article is among those suggested) at the
threshold the bot uses, the same for a range of thresholds (what it was calibrated on: the
lowest one with precision >= 0.9), and searches per second.

Run from the repository root: .venv/bin/python bench/kb_search.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path, and bench/calendar.py would shadow
# the stdlib `calendar`: put the repository root there instead.
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(ROOT)

from domain.kb_search import SUGGEST_THRESHOLD, KnowledgeIndex, evaluate  # noqa: E402
from domain.knowledge import read_folder, shipped_faq  # noqa: E402

ARTICLES = ROOT / "tests" / "data" / "kb"
QUERIES = ROOT / "tests" / "data" / "kb_queries.tsv"


def labelled() -> list[tuple[str, str | None, int]]:
    rows = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("text\t"):
            continue
        text, slug, client = line.split("\t")
        rows.append((text, None if slug == "-" else slug, int(client)))
    return rows


def main() -> None:
    articles = [s.article for s in read_folder(ARTICLES)] + list(shipped_faq())
    index = KnowledgeIndex(articles)
    rows = labelled()
    answerable = sum(slug is not None for _, slug, _ in rows)
    print(f"{len(articles)} articles, {len(rows)} labelled messages ({answerable} answerable)")
    result = evaluate(index, rows)
    print(
        f"threshold {SUGGEST_THRESHOLD:.2f}: precision {result.precision:.3f} "
        f"({result.right}/{result.suggested}), recall {result.recall:.3f} "
        f"({result.found}/{result.answerable})"
    )
    print("threshold  precision  recall")
    for step in range(20, 80, 5):
        t = step / 100
        r = evaluate(index, rows, t)
        print(f"{t:9.2f}  {r.precision:9.3f}  {r.recall:6.3f}")
    if "-v" in sys.argv:
        for text, slug, client in rows:
            hits = index.search(text, client)
            got = hits[0].article.slug if hits else None
            if got != slug:
                scores = sorted(index.scores(text).items(), key=lambda kv: -kv[1])[:2]
                top = [(index.articles[i].slug, round(s, 2)) for i, s in scores]
                print(f"  {text!r}: expected {slug}, got {got}; top {top}")
    started = time.perf_counter()
    n = 0
    while time.perf_counter() - started < 1.0:
        for text, _, client in rows:
            index.search(text, client)
            n += 1
    elapsed = time.perf_counter() - started
    print(f"{n / elapsed:,.0f} searches per second ({1000 * elapsed / n:.3f} ms each)")


if __name__ == "__main__":
    main()
