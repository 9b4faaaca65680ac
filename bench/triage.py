"""Benchmark: how well the classifier tells an incident, a request and a question about the
service apart on the labelled evaluation set, and how fast it is.

The evaluation set is tests/data/labelled_messages.tsv plus tests/data/labelled_tricky.tsv
(negations and reassurances, breakages caused by earlier work, a request verb around a
breakage, renewals before anything broke), written apart from the training data. The
answer to a message is the likeliest of the three kinds (`Classification.answer`); it is
confidently wrong when it is wrong with a probability of CONFIDENTLY_WRONG or more.

Prints the accuracy (all lines, tricky ones, incident vs request on tickets), the number of
confidently wrong answers, the category accuracy, the confusion matrix, how often answers of
each probability are right, the misses with their probabilities, and the CPU time of
training and of scoring one message.

Run from the repository root: .venv/bin/python bench/triage.py
"""

from __future__ import annotations

import itertools
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from domain.classification import SERVICE_QUESTION, TRAINING_DATA, Example, classify, train
from domain.classification import load_examples as load
from domain.enums import TicketKind

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LABELLED = DATA / "labelled_messages.tsv"
TRICKY = DATA / "labelled_tricky.tsv"
CONFIDENTLY_WRONG = 0.9
KINDS = [str(kind) for kind in TicketKind] + [SERVICE_QUESTION]
ROUNDS = 5


def confusion_matrix(pairs: list[tuple[str, str]]) -> str:
    """Rows: the true kind; columns: the answer."""
    counts = Counter(pairs)
    lines = ["true \\ answer " + "".join(f"{kind:>10}" for kind in KINDS)]
    for truth in KINDS:
        lines.append(f"{truth:>13} " + "".join(f"{counts[truth, got]:>10}" for got in KINDS))
    return "\n".join(lines)


def calibration(answers: list[tuple[float, bool]]) -> str:
    """How often an answer of each probability is right: honest figures rise with it."""
    edges = [0.0, 0.5, 0.65, 0.8, 0.9, 1.01]
    lines = ["probability   answers   right"]
    for low, high in itertools.pairwise(edges):
        inside = [right for probability, right in answers if low <= probability < high]
        share = f"{sum(inside) / len(inside):.3f}" if inside else "-"
        lines.append(f"{low:.2f}-{min(high, 1.0):.2f} {len(inside):>11} {share:>7}")
    return "\n".join(lines)


def evaluate(examples: list[Example], tricky: set[str]) -> None:
    pairs, misses, confidently_wrong = [], [], 0
    answers = []
    category_right = category_total = 0
    for text, kind, category in examples:
        result = classify(text)
        answer, probability = result.answer
        pairs.append((str(kind), str(answer)))
        answers.append((probability, answer == kind))
        if answer != kind:
            confidently_wrong += probability >= CONFIDENTLY_WRONG
            misses.append((probability, str(kind), str(answer), text))
        if category is not None:
            category_total += 1
            category_right += result.category is category

    def accuracy(selected: list[tuple[str, str]]) -> str:
        right = sum(truth == got for truth, got in selected)
        return f"{right / len(selected):.3f} ({right} of {len(selected)})"

    texts = [text for text, _, _ in examples]
    tickets = [(t, g) for t, g in pairs if t != SERVICE_QUESTION and g != SERVICE_QUESTION]
    print(f"accuracy: {accuracy(pairs)}")
    print(
        f"  tricky lines: {accuracy([p for p, t in zip(pairs, texts, strict=True) if t in tricky])}"
    )
    print(f"  incident vs request (tickets answered as tickets): {accuracy(tickets)}")
    print(f"confidently wrong (p >= {CONFIDENTLY_WRONG}): {confidently_wrong}")
    print(f"category accuracy on tickets: {category_right / category_total:.3f}")
    print(confusion_matrix(pairs))
    print(calibration(answers))
    print(f"misses ({len(misses)}):")
    for probability, truth, answer, text in sorted(misses, reverse=True):
        print(f"  {probability:.2f} {answer} (is {truth}): {text}")


def timing(examples: list[Example]) -> None:
    training_examples = load(TRAINING_DATA)
    trainings = []
    for _ in range(ROUNDS):
        started = time.process_time()
        train(training_examples)
        trainings.append(time.process_time() - started)
    texts = [text for text, _, _ in examples]
    classify(texts[0])  # the model is trained on first use
    per_message = []
    for _ in range(ROUNDS):
        started = time.process_time()
        for text in texts:
            classify(text)
        per_message.append((time.process_time() - started) / len(texts))
    print(
        f"training on {len(training_examples)} lines: {statistics.median(trainings) * 1e3:.0f} ms"
        f"; scoring: {statistics.median(per_message) * 1e6:.0f} µs per message"
        f" (CPU time, medians of {ROUNDS} rounds)"
    )


def main() -> None:
    tricky = load(TRICKY)
    examples = load(LABELLED) + tricky
    print(f"evaluation set: {len(examples)} lines, {len(tricky)} of them tricky")
    evaluate(examples, {text for text, _, _ in tricky})
    timing(examples)


if __name__ == "__main__":
    main()
