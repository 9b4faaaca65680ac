"""Finding the knowledge-base articles that answer a message.

The words of a message and of an article are read exactly as the classifier reads them
(`domain.classification.extract_features`: normalisation, slang, stems and character
4-grams, so "принтр не пичатает" still meets "принтер не печатает"). An article is the
bag of features of its title and its phrases; its text is not searched (steps such as
"нажмите Пуск" would match everything).

Ranking is BM25 (k1, b below) over those features, with one change that makes a score
comparable between messages, so that one threshold can decide "this answers it": the
score is divided by the best any article could get for that message (every feature of it
present, saturated). It is in [0, 1): the share of the message's evidence the article
explains. A feature no article has still counts in that best (at half its weight: an
extra word of context should not hide a good match, but a message about something else
must not match an article that shares one word with it).

Only the articles that apply to the client are searched; among the matches the client's
own articles come first, then the general ones, each by score. A message of only
function words ("и в на", "что это") has no features and finds nothing.

SUGGEST_THRESHOLD was calibrated on tests/data/kb_queries.tsv (159 messages, 125 with an
article; bench/kb_search.py prints the sweep): precision is at least 0.9 from 0.20 up.
With the classifier's negation features ("не печатает" is its own feature) a message
shares a little less with the phrases than before, and 0.25 is where precision and recall
meet (0.960 / 0.960; 0.30 gives 0.966 / 0.896, 0.20 gives 0.946 / 0.984).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from domain.classification import extract_features
from domain.descriptions import topic_of
from domain.enums import Category
from domain.knowledge import Article, ArticleKind

SUGGEST_THRESHOLD = 0.25
MAX_SUGGESTIONS = 2

_K1 = 1.2
_B = 0.5
_UNKNOWN_WEIGHT = 0.5  # a feature no article has counts this much in the best possible score


# Greetings, politeness and urgency say nothing of the problem; no article has them, so
# they would only lower a message's score ("добрый день, принтер не печатает, помогите").
_FILLER = re.compile(
    r"(?i)\b(?:добр\w*|день|утро|вечер|здра\w*|привет\w*|пожал\w*|помоги\w*|подскаж\w*|"
    r"спасиб\w*|срочн\w*|опять|снова|очень|коллеги|hello|hi|please|urgent\w*|thanks?)\b"
)


@dataclass(frozen=True, slots=True)
class Hit:
    article: Article
    score: float  # in [0, 1): the share of the message's evidence the article explains


class KnowledgeIndex:
    """BM25 over articles' title and phrases; build once per set of articles."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = tuple(articles)
        self._docs: list[dict[str, float]] = [_document(a) for a in self.articles]
        n = len(self._docs)
        frequency: dict[str, int] = defaultdict(int)
        for doc in self._docs:
            for feature in doc:
                frequency[feature] += 1
        self._idf = {f: _idf(n, k) for f, k in frequency.items()}
        self._unseen_idf = _idf(n, 0)
        self._lengths = [sum(doc.values()) for doc in self._docs]
        self._average = (sum(self._lengths) / n) if n else 1.0
        # feature → [(document, tf)]: a message only visits the articles it shares words with
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, doc in enumerate(self._docs):
            for feature, tf in doc.items():
                self._postings[feature].append((i, tf))

    def scores(self, text: str) -> dict[int, float]:
        """Each article sharing a feature with `text`, by its place, with its score."""
        query = extract_features(_FILLER.sub(" ", text))
        best = 0.0
        raw: dict[int, float] = defaultdict(float)
        for feature, weight in query.items():
            idf = self._idf.get(feature)
            if idf is None:
                best += weight * self._unseen_idf * _UNKNOWN_WEIGHT
                continue
            best += weight * idf
            for i, tf in self._postings[feature]:
                norm = _K1 * (1 - _B + _B * self._lengths[i] / self._average)
                raw[i] += weight * idf * tf / (tf + norm)
        if best <= 0.0:
            return {}
        return {i: s / best for i, s in raw.items()}

    def search(
        self,
        text: str,
        client_id: int,
        *,
        kind: ArticleKind | None = None,
        threshold: float = SUGGEST_THRESHOLD,
        limit: int = MAX_SUGGESTIONS,
    ) -> list[Hit]:
        """The articles for this client that answer `text` at least this well: the
        client's own first, then by score. An article about other topics than the one the
        classifier is sure the message is about is left out ("не работает 1С" is not about
        the VPN, whatever "не работает" shares with "удалённый доступ не работает")."""
        hits = [
            Hit(self.articles[i], score)
            for i, score in self.scores(text).items()
            if score >= threshold
            and self.articles[i].published
            and self.articles[i].applies_to(client_id)
            and (kind is None or self.articles[i].kind is kind)
        ]
        if any(h.article.categories for h in hits):  # the classifier is asked only then
            topic = topic_of(text)
            hits = [h for h in hits if _on_topic(h.article, topic)]
        hits.sort(key=lambda h: (h.article.client_id is None, -h.score, h.article.slug))
        return hits[:limit]


def _on_topic(article: Article, topic: Category) -> bool:
    return topic is Category.OTHER or not article.categories or topic in article.categories


def _idf(n: int, k: int) -> float:
    return math.log(1.0 + (n - k + 0.5) / (k + 0.5))


def _document(article: Article) -> dict[str, float]:
    """Title and phrases; a feature in several phrases counts once per phrase."""
    doc: dict[str, float] = defaultdict(float)
    for text in (article.title, *article.phrases):
        for feature, weight in extract_features(text).items():
            doc[feature] += weight
    return dict(doc)


@lru_cache(maxsize=16)
def index_of(articles: tuple[Article, ...]) -> KnowledgeIndex:
    """The index of these articles, kept while they do not change (articles are immutable
    values: an edited one is another key)."""
    return KnowledgeIndex(articles)


def search(
    articles: Iterable[Article],
    text: str,
    client_id: int,
    *,
    kind: ArticleKind | None = None,
    threshold: float = SUGGEST_THRESHOLD,
) -> list[Hit]:
    """`KnowledgeIndex.search` over these articles, the index built once per set."""
    return index_of(tuple(articles)).search(text, client_id, kind=kind, threshold=threshold)


def best_scores(index: KnowledgeIndex, text: str) -> Mapping[str, float]:
    """Every article's score by slug (for calibration and the bench)."""
    return {index.articles[i].slug: s for i, s in index.scores(text).items()}


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How a threshold does on labelled messages: `precision` of the first suggestion
    (suggested and right / suggested), `recall` (answerable messages whose article is among
    those suggested / answerable messages)."""

    suggested: int
    right: int
    answerable: int
    found: int

    @property
    def precision(self) -> float:
        return self.right / self.suggested if self.suggested else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.answerable if self.answerable else 1.0


def evaluate(
    index: KnowledgeIndex,
    labelled: Iterable[tuple[str, str | None, int]],
    threshold: float = SUGGEST_THRESHOLD,
) -> Evaluation:
    """`labelled`: (message, the slug that answers it or None, the client it comes from)."""
    suggested = right = answerable = found = 0
    for text, expected, client_id in labelled:
        hits = index.search(text, client_id, threshold=threshold)
        slugs = [h.article.slug for h in hits]
        answerable += expected is not None
        if hits:
            suggested += 1
            right += slugs[0] == expected
        found += expected is not None and expected in slugs
    return Evaluation(suggested, right, answerable, found)
