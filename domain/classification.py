"""Guess what an employee's message is about: its kind (incident or request) and its category,
or that it is no ticket but a question about the service itself.

``classify(text)`` answers with a :class:`Classification`. The bot uses it to pre-fill a
ticket; when ``is_confident`` is false it asks the user plainly whether something broke or
they need help or a change, so the confidence has to be honest: a greeting, a lone "вопрос"
or random keys must come out *not* confident. ``is_service_question`` tells a question about
the service (prices, discounts, what the plan includes, paying only for tickets, working
hours, leaving the contract, the hours left, who the manager is) from a problem or a request
for work: "у меня вопрос: не печатает принтер" is an incident.

How it works
------------
1. Normalisation: Unicode NFKC; Latin/Cyrillic look-alike letters fixed inside mixed-script
   words ("пpинтep" typed with Latin p and e); lower case; ё → е and э → е; a letter repeated
   three or more times collapsed ("нееет"); aliases for slang and spellings ("1ска",
   "одинэска", "1C" → "1с"; "комп" → "компьютер"; "вай-фай" → "wifi"); function words and
   bare numbers dropped.
2. Features of each word: its Snowball stem (the Russian or English stemmer, by script) and
   its character 4-grams. The n-grams give typo robustness ("принтр", "пичатает") and keep
   the endings the stemmer drops, which tell a request ("-йте", "-ите") from a breakage
   ("-ает", "-ется").
   Negation scope: the stem of a word right after "не", "нет", "ничего", "not", "doesnt"…
   in the same clause (punctuation ends it) is a feature of its own, "n:" instead of "w:",
   so "не работает" (a breakage) is told from "пока всё работает" (a reassurance), and
   "сломался" from "ничего не сломалось"; kept as one feature, the reassurances would teach
   that "сломался" is a request. The negation word is a feature too.
3. Two naive Bayes models over those features, one for the kind (incident, request or
   service question) and one for the category, trained once, lazily, on
   ``domain/data/training.tsv`` (see :class:`NaiveBayes`). Each feature is weighted by its
   relevance, so words every class uses alike (greetings, "пожалуйста", "please") carry no
   weight: that is what keeps "здравствуйте" unsure. Both models also learn a "not a
   ticket" class from small talk in the training data ("спасибо", "ок", "как дела"); it
   is never the answer, but it takes probability away from the real kinds, so chit-chat is
   not mistaken for a confident incident, request or service question. Each class is
   counted as if its messages were of the mean length, so the short small-talk lines do
   not make their few words ("связи", "дела") outweigh a real message.
4. Calibration: naive Bayes counts correlated features (a stem and its n-grams) as
   independent evidence, so its raw posteriors are overconfident. Each model gets one
   temperature that scales its log-likelihoods, fitted to minimise the log-loss of
   leave-one-out predictions on the training set (cheap for naive Bayes: subtract the
   message's own counts). The confidences are those calibrated posteriors; on the labelled
   evaluation set answers of 0.9 or more are all right (``bench/triage.py`` prints it).

The mixed messages (a request verb around a breakage, a reassurance before a request, a
renewal before anything broke) are taught by training lines of each sort, written apart
from the evaluation set in ``tests/data/`` (a test keeps the two disjoint).

Why plain-Python naive Bayes: some 1,170 training lines and about 7,600 features do not
need numpy, scipy or scikit-learn in the bot process. Training is a counting pass plus a
one-parameter fit (about half a second of CPU, once per process); scoring a message is a
few dozen dictionary look-ups (a quarter of a millisecond). It is deterministic: no random
initialisation, and every loop runs in an order fixed by the data (lists and dicts, which
keep insertion order). Logistic regression would need an iterative optimiser: tried in pure
Python on these features, 15 epochs of SGD took 1.2 s and were no more accurate (and less
well calibrated). Pure domain: only the standard library and ``snowballstemmer``.
"""

from __future__ import annotations

import math
import operator
import re
import threading
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Final, Literal

import snowballstemmer

from domain.enums import Category, TicketKind

# The bot asks the user to choose the kind below this confidence of the kind.
CONFIDENCE_THRESHOLD = 0.65
# A message is taken for a question about the service from this probability of it on.
SERVICE_QUESTION_THRESHOLD = 0.65

TRAINING_DATA = Path(__file__).parent / "data" / "training.tsv"

# The third kind of message, beside TicketKind's two: a question about the service itself
# ("какие у вас скидки?", "сколько часов у нас осталось?"). Its label in the training data.
SERVICE_QUESTION: Final = "question"


@dataclass(frozen=True, slots=True)
class Classification:
    """What a message is about, and how sure of it we are.

    ``confidence`` is the calibrated probability of ``kind``: near 0.5 is a coin toss, and
    exactly 0 means the text had nothing the model knows (empty, "?", "asdf").
    ``service_question`` is the probability that the message asks about the service itself
    (prices, what the plan includes, hours left, working hours, the contract, the manager)
    rather than reporting a problem or asking for work; it takes its share away from
    ``confidence``, so a confident service question is never a confident ticket kind.
    """

    kind: TicketKind  # the likelier kind of ticket, even for a service question
    confidence: float  # probability of `kind`, in [0, 1]; 0 when the text gave no evidence
    category: Category
    category_confidence: float  # probability of `category`, in [0, 1]
    service_question: float = 0.0  # probability of a question about the service, in [0, 1]

    @property
    def is_confident(self) -> bool:
        return self.confidence >= CONFIDENCE_THRESHOLD

    @property
    def is_service_question(self) -> bool:
        """A question about the service (to answer, or pass to the manager), not a ticket."""
        return self.service_question >= SERVICE_QUESTION_THRESHOLD

    @property
    def answer(self) -> tuple[TicketKind | Literal["question"], float]:
        """The likeliest of incident, request and service question, with its probability."""
        if self.service_question > self.confidence:
            return SERVICE_QUESTION, self.service_question
        return self.kind, self.confidence


def classify(text: str) -> Classification:
    """Classify one message. Never raises on odd input; no evidence gives confidence 0."""
    model = _model()
    features = extract_features(text)
    kinds = model.kind.posterior(features)
    categories = model.category.posterior(features)
    if kinds is None or categories is None:  # nothing the models know: empty, "?", "asdf"
        return Classification(model.default_kind, 0.0, Category.OTHER, 0.0)
    # The answer is the likeliest real kind and category; the "not a ticket" class only takes
    # probability away from them. Ties go to the first member of the enum.
    kind = max(TicketKind, key=lambda k: kinds.get(k, 0.0))
    category = max(Category, key=lambda c: categories.get(c, 0.0))
    question = kinds.get(SERVICE_QUESTION, 0.0)
    return Classification(kind, kinds[kind], category, categories.get(category, 0.0), question)


# --- Text normalisation ---------------------------------------------------------------

# Latin and Cyrillic letters that look alike. Case matters: "B" looks like "В", "b" like nothing.
_LOOKALIKE_LATIN = "ABCEHKMOPTXYaceopxyk"
_LOOKALIKE_CYRILLIC = "АВСЕНКМОРТХУасеорхук"
_LATIN_TO_CYRILLIC = str.maketrans(_LOOKALIKE_LATIN, _LOOKALIKE_CYRILLIC)
_CYRILLIC_TO_LATIN = str.maketrans(_LOOKALIKE_CYRILLIC, _LOOKALIKE_LATIN)

_WORD = re.compile(r"[^\W_]+")
_LONG_RUN = re.compile(r"([^\W\d_])\1{2,}")  # the same letter three or more times

# Spellings that would otherwise split into pieces or never meet their usual form.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?:wi[\s-]?fi|вай[\s-]?фа[йяюе]\w*|вафл[яиюе])\b"), " wifi "),
    (re.compile(r"\be-?mail\b"), " email "),
    (re.compile(r"\b1\s?[сc]\b"), " 1с "),  # "1 С", "1C"
    (re.compile(r"[’'`]"), ""),  # "doesn't" → "doesnt", one token
)

# Slang and short forms → the word the training data mostly uses.
_ALIASES = {
    "комп": "компьютер",
    "компа": "компьютер",
    "компе": "компьютер",
    "компу": "компьютер",
    "компом": "компьютер",
    "компы": "компьютер",
    "пк": "компьютер",
    "pc": "computer",
    "инет": "интернет",
    "инета": "интернет",
    "инете": "интернет",
    "принтак": "принтер",
    "принтака": "принтер",
    "ноут": "ноутбук",
    "ноута": "ноутбук",
    "ноуте": "ноутбук",
    "ноуту": "ноутбук",
    "аутлук": "outlook",
    "аутлуке": "outlook",
    "аутлука": "outlook",
    "учетка": "учетная",
    "учетку": "учетная",
    "учетки": "учетная",
    "винда": "windows",
    "винду": "windows",
    "винды": "windows",
    "впн": "vpn",
    "мыло": "почта",
}
# The many spellings of 1С: "1ска", "1ске", "1ской", "1с8", "одинэс", "одинэска".
_ONE_C = re.compile(r"^(?:1[сc]|1эс|одинэс|одинес|адинэс)(?:к[аиеуой]*|8\d*)?$")

# Function words; "не", "нет", "как" and the English negations carry meaning here and stay.
# fmt: off
_STOPWORDS = frozenset(
    {
        "и", "в", "во", "на", "с", "со", "к", "ко", "по", "за", "из", "у", "о", "об", "от",
        "до", "для", "а", "но", "же", "ли", "бы", "то", "это", "этот", "эта", "эти", "я",
        "мы", "вы", "он", "она", "оно", "они", "мне", "меня", "мой", "моя", "мое", "мои",
        "моем", "нас", "нам", "наш", "наша", "наше", "наши", "нашем", "вас", "вам", "ваш",
        "его", "ее", "их", "там", "тут", "уже", "еще", "вот", "так", "что", "чтобы",
        "какой", "какая", "какое", "какие", "каких", "каким", "какую",
        "the", "a", "an", "to", "of", "in", "on", "at", "for", "my", "i", "me", "we", "our",
        "us", "is", "are", "am", "was", "were", "it", "its", "this", "that", "and", "or",
        "with", "from", "be", "been", "has", "have", "had", "you", "your",
    }
)
# fmt: on


def normalize(text: str) -> list[str]:
    """Split a message into normalised words (lower case, fixed script, slang resolved)."""
    text = unicodedata.normalize("NFKC", text)
    text = _WORD.sub(lambda match: _fix_script(match.group()), text)  # before case is lost
    text = text.lower().replace("ё", "е")
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    words = []
    for raw in _WORD.findall(text):
        word = _LONG_RUN.sub(r"\1", raw)
        if _ONE_C.match(word):
            word = "1с"
        word = _ALIASES.get(word, word)
        if word.isdigit() or word in _STOPWORDS:
            continue  # numbers are phone numbers, dates and room numbers: noise
        words.append(word.replace("э", "е"))  # "бэкап" and "бекап" are both common
    return words


def _fix_script(word: str) -> str:
    """Rewrite the look-alike letters of a mixed-script word into the word's own script.

    A letter only one script has ("п", "и", "в"; "t", "l", "s") settles it; a word made of
    look-alikes only goes to the script most of its letters are in, Russian on a tie.
    """
    cyrillic = [ch for ch in word if "а" <= ch.lower() <= "я" or ch in "ёЁ"]
    latin = [ch for ch in word if "a" <= ch.lower() <= "z"]
    if not cyrillic or not latin:
        return word
    surely_cyrillic = any(ch not in _LOOKALIKE_CYRILLIC for ch in cyrillic)
    surely_latin = any(ch not in _LOOKALIKE_LATIN for ch in latin)
    if surely_cyrillic and surely_latin:
        return word  # really two scripts: leave it alone
    if surely_cyrillic or (not surely_latin and len(cyrillic) >= len(latin)):
        return word.translate(_LATIN_TO_CYRILLIC)
    return word.translate(_CYRILLIC_TO_LATIN)


# --- Features -------------------------------------------------------------------------

# Weights of a word's stem and of its n-grams (which share theirs, so long words do not
# dominate), chosen by leave-one-out accuracy on the training set. Stem bigrams were tried and
# did not help once features carry relevance weights.
STEM_WEIGHT = 1.0
NGRAM_WEIGHT = 2.0

_RUSSIAN = snowballstemmer.stemmer("russian")
_ENGLISH = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer object keeps state while it works


@lru_cache(maxsize=20_000)
def _stem(word: str) -> str:
    stemmer = _ENGLISH if "a" <= word[0] <= "z" else _RUSSIAN
    with _STEMMER_LOCK:
        stem: str = stemmer.stemWord(word)  # snowballstemmer has no type hints
    return stem


_NGRAM = 4  # 3-grams, and 3- plus 4-grams, did no better in leave-one-out and typo trials


def _ngrams(word: str) -> list[str]:
    padded = f"<{word}>"  # the marks make the beginning and the end of a word features too
    return [padded[i : i + _NGRAM] for i in range(max(1, len(padded) - _NGRAM + 1))]


# Words that negate the word after them ("не печатает", "ничего не сломалось", "not broken").
# fmt: off
_NEGATORS = frozenset(
    {
        "не", "нет", "ни", "ничего", "никак", "без", "not", "no", "nothing", "never", "dont",
        "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "cant", "cannot",
        "couldnt", "havent", "hasnt",
    }
)
# fmt: on
# Punctuation ends a clause, and with it the reach of a negation.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\n—–]|\s-\s")


def extract_features(text: str) -> dict[str, float]:
    """The weighted bag of features of a message: word stems and character n-grams.

    A word right after a negation, in the same clause, gives "n:" and its stem instead of
    "w:": "не работает" is a breakage while "всё работает" reassures, and "сломался" is a
    breakage while "ничего не сломалось" is none.
    """
    features: dict[str, float] = defaultdict(float)
    for clause in _CLAUSE_BREAK.split(text):
        negated = False
        for word in normalize(clause):
            if word in _NEGATORS:
                negated = True
                features["w:" + word] += STEM_WEIGHT
                continue
            features[("n:" if negated else "w:") + _stem(word)] += STEM_WEIGHT
            negated = False
            grams = _ngrams(word)
            for gram in grams:
                features["c:" + gram] += NGRAM_WEIGHT / len(grams)
    return dict(features)


# --- Naive Bayes ----------------------------------------------------------------------

_ALPHA = 0.1  # additive smoothing of feature counts


class NaiveBayes:
    """Naive Bayes over weighted features, with relevance weights and a fitted temperature.

    - Counts are document frequencies: a feature counts once per training message it is in,
      so the smoothing is in units of "one message" whatever the feature's weight.
    - Each feature's log-likelihoods are scaled by its relevance (see `_relevance`): words
      every class uses alike ("добрый день", "пожалуйста", "please") fall silent instead of
      adding noise, which also keeps greetings and filler from looking confident.
    - A feature never seen in training is ignored: it says nothing about any class.
    """

    def __init__(self, documents: Sequence[Mapping[str, float]], labels: Sequence[str]) -> None:
        self.classes = sorted(set(labels))
        index = {label: i for i, label in enumerate(self.classes)}
        n_classes = len(self.classes)
        counts: dict[str, list[float]] = defaultdict(lambda: [0.0] * n_classes)
        docs_per_class = [0] * n_classes
        for doc, label in zip(documents, labels, strict=True):
            k = index[label]
            docs_per_class[k] += 1
            for feature in doc:  # dicts keep insertion order, so every sum is deterministic
                counts[feature][k] += 1.0
        totals = [0.0] * n_classes
        for row in counts.values():
            totals = [t + c for t, c in zip(totals, row, strict=True)]
        smoothing = _ALPHA * len(counts)
        # Every class counts as if its messages were of the mean length: small talk is short,
        # and with its own few features as the total, every word of "как дела" or "проверка
        # связи" would weigh as heavy evidence of "not a ticket" in a long real message.
        mean_length = sum(totals) / len(labels)
        totals = [n * mean_length for n in docs_per_class]
        denominators = [math.log(t + smoothing) for t in totals]

        self._log_prior = [math.log(n / len(labels)) for n in docs_per_class]
        raw: dict[str, list[float]] = {}
        # Each feature's weighted log-likelihoods, one row of `n_classes` numbers in one flat
        # array, the feature's row number in `_row`: the model is kept for the life of the
        # process, and a tuple of float objects per feature took four times the memory.
        self._row: dict[str, int] = {}
        self._log_likelihood = array("d")
        for feature, row in counts.items():
            logs = [math.log(c + _ALPHA) - d for c, d in zip(row, denominators, strict=True)]
            raw[feature] = logs
            relevance = _relevance(logs)
            self._row[feature] = len(self._row)
            self._log_likelihood.extend(relevance * x for x in logs)

        # Leave-one-out: for a message, the evidence of a model trained without it. Only its
        # own class's counts change, so the rest of the full model is reused. Every second
        # message is plenty to fit one number and halves the training time.
        held_out = []
        for doc, label in zip(documents[::2], labels[::2], strict=True):
            own = index[label]
            own_denominator = math.log(totals[own] - mean_length + smoothing)
            evidence = [0.0] * n_classes
            for feature, weight in doc.items():
                row = counts[feature]
                if row[own] == sum(row) == 1.0:
                    continue  # only this message has it: unseen without it
                logs = raw[feature].copy()
                logs[own] = math.log(row[own] - 1.0 + _ALPHA) - own_denominator
                scale = weight * _relevance(logs)
                evidence = [e + scale * x for e, x in zip(evidence, logs, strict=True)]
            held_out.append((own, evidence))
        self.temperature = _fit_temperature(self._log_prior, held_out)

    def posterior(self, features: Mapping[str, float]) -> dict[str, float] | None:
        """The calibrated probability of each class; None if no feature is known."""
        evidence = None
        n = len(self.classes)
        for feature, weight in features.items():
            number = self._row.get(feature)
            if number is None:
                continue
            row = self._log_likelihood[number * n : (number + 1) * n]
            if evidence is None:
                evidence = [0.0] * n
            evidence = [e + weight * x for e, x in zip(evidence, row, strict=True)]
        if evidence is None:
            return None
        posterior = _softmax(self._log_prior, evidence, self.temperature)
        return dict(zip(self.classes, posterior, strict=True))


def _relevance(log_likelihoods: Sequence[float]) -> float:
    """How unevenly a feature spreads over the classes, in [0, 1].

    One minus the normalised entropy of P(class | feature) under equal priors: 0 for a
    feature all classes use alike, 1 for a feature of one class only. Smoothing spreads a
    rare feature out, so a word seen once cannot claim much.
    """
    top = max(log_likelihoods)
    shifted = [x - top for x in log_likelihoods]
    weights = list(map(math.exp, shifted))
    total = sum(weights)
    # -sum(p log p) with p = weight / total, written to need a single logarithm
    entropy: float = math.log(total) - sum(map(operator.mul, weights, shifted)) / total
    return 1.0 - entropy / math.log(len(weights))


def _softmax(
    log_prior: Sequence[float], evidence: Sequence[float], temperature: float
) -> list[float]:
    scores = [p + temperature * e for p, e in zip(log_prior, evidence, strict=True)]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def _fit_temperature(
    log_prior: Sequence[float], held_out: Sequence[tuple[int, list[float]]]
) -> float:
    """The temperature that minimises the log-loss of the held-out predictions.

    The log-loss is convex in the temperature t: its derivative is the sum over documents
    of E_p[evidence] - evidence[truth], its second derivative the sum of Var_p[evidence].
    A few Newton steps from t = 0 find the minimum.
    """
    t = 0.0
    for _ in range(25):
        gradient = hessian = 0.0
        for truth, evidence in held_out:
            p = _softmax(log_prior, evidence, t)
            mean = sum(pk * e for pk, e in zip(p, evidence, strict=True))
            gradient += mean - evidence[truth]
            hessian += sum(pk * (e - mean) ** 2 for pk, e in zip(p, evidence, strict=True))
        if hessian <= 0.0:
            break
        step = gradient / hessian
        t = max(t - step, t / 4)  # keep t positive: never let a step flip the model over
        if abs(step) < 1e-3:
            break
    return t


# --- The trained models ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrainedModels:
    kind: NaiveBayes
    category: NaiveBayes
    default_kind: TicketKind  # the more frequent kind, answered with confidence 0 to nothing


Example = tuple[str, TicketKind | Literal["question"] | None, Category | None]

# In the kind and category columns: the message is not a ticket at all ("спасибо", "ок",
# "как дела"). Such lines teach the models what carries no kind; they get a class of their
# own, which classify() never answers but which takes probability away from the real ones.
NOT_A_TICKET = "-"


def load_examples(path: Path) -> list[Example]:
    """Read `text<TAB>kind<TAB>category` lines; '#' comments, blanks and a header are skipped.

    A line marked NOT_A_TICKET in both columns comes back with None for kind and category;
    a SERVICE_QUESTION line (category NOT_A_TICKET) with None for the category.
    """
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("text\t"):
            continue
        parts = [part.strip() for part in line.split("\t")]
        no_category = len(parts) == 3 and parts[2] == NOT_A_TICKET
        if len(parts) != 3 or (parts[1] in (NOT_A_TICKET, SERVICE_QUESTION)) != no_category:
            raise ValueError(f"{path.name}:{number}: expected text, kind, category")
        text, kind, category = parts
        if kind == NOT_A_TICKET:
            examples.append((text, None, None))
            continue
        if kind == SERVICE_QUESTION:
            examples.append((text, SERVICE_QUESTION, None))
            continue
        try:
            examples.append((text, TicketKind(kind), Category(category)))
        except ValueError as error:  # a kind or category the enums do not have
            raise ValueError(f"{path.name}:{number}: {error}") from error
    return examples


def train(examples: Sequence[Example]) -> TrainedModels:
    """Train both models on labelled examples (what `classify` does once, on first use)."""
    documents = [extract_features(text) for text, _, _ in examples]
    kinds = [str(kind or NOT_A_TICKET) for _, kind, _ in examples]
    categories = [str(category or NOT_A_TICKET) for _, _, category in examples]
    real_kinds = [kind for _, kind, _ in examples if isinstance(kind, TicketKind)]
    default = max(TicketKind, key=real_kinds.count)
    return TrainedModels(NaiveBayes(documents, kinds), NaiveBayes(documents, categories), default)


@cache  # two threads racing on the first call may both train: same result, no harm
def _model() -> TrainedModels:
    return train(load_examples(TRAINING_DATA))
