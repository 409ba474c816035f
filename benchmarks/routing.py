"""How well and how fast the request router picks the committee, on a held-out split of the shipped data.

    python -m benchmarks.routing [--test-size 0.2 --seed 7 --folds 5 --misrouted 15]

Trains on a stratified 80 % of data/routing/*.csv and prints, for the other 20 %: accuracy,
macro-F1, per-class precision/recall/F1, the confusion matrix, how many requests clear
CONFIDENCE_THRESHOLD and how accurate those are, and the latency of single route() calls; then
k-fold cross-validated accuracy (with and without the committee lexicon) and the misrouted
held-out requests; finally the accuracy on data/routing_blind/, a set written separately and never
trained on. Prints figures only; exit 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, train_test_split

from services.routing import (
    COMMITTEES,
    CONFIDENCE_THRESHOLD,
    ROUTING_DATA_DIR,
    LabelledExample,
    RequestRouter,
    RouteGuess,
    load_examples,
)

GOAL_ACCURACY = 0.90
GOAL_LATENCY_MS = 5.0
THRESHOLDS = sorted({0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, CONFIDENCE_THRESHOLD})


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.routing", description=__doc__.splitlines()[0])
    parser.add_argument("--test-size", type=float, default=0.2, help="held-out share (default 0.2)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the split and the folds (default 7)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument("--misrouted", type=int, default=15, help="misrouted examples to list (default 15)")
    return parser.parse_args(argv)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _table(rows: list[list[str]], right_from: int = 1) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if i >= right_from else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _held_out(examples: list[LabelledExample], args: argparse.Namespace) -> None:
    labels = [e.committee for e in examples]
    train, test = train_test_split(
        examples, test_size=args.test_size, stratify=labels, random_state=args.seed, shuffle=True
    )
    started = time.perf_counter()
    router = RequestRouter.train(train)
    train_seconds = time.perf_counter() - started

    truth = [e.committee for e in test]
    guesses = router.route_many([e.text for e in test])
    predicted = [g.committee for g in guesses]

    print(f"held-out split:      {len(train)} train / {len(test)} test (stratified, seed {args.seed})")
    print(f"train time:          {train_seconds:.2f} s ({len(train)} rows)")
    accuracy = accuracy_score(truth, predicted)
    goal = "met" if accuracy >= GOAL_ACCURACY else "NOT met"
    print(f"accuracy:            {accuracy:.1%} (goal >= {GOAL_ACCURACY:.0%}: {goal})")
    macro_f1 = f1_score(truth, predicted, labels=list(COMMITTEES), average="macro", zero_division=0)
    print(f"macro-F1:            {macro_f1:.3f}")

    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(COMMITTEES), zero_division=0
    )
    print("\nper committee (held-out):")
    rows = [["committee", "precision", "recall", "F1", "support"]]
    for i, committee in enumerate(COMMITTEES):
        rows.append([committee, f"{precision[i]:.3f}", f"{recall[i]:.3f}", f"{f1[i]:.3f}", str(support[i])])
    print(_table(rows))

    matrix = confusion_matrix(truth, predicted, labels=list(COMMITTEES))
    print("\nconfusion matrix (rows: true committee, columns: predicted):")
    rows = [["true \\ predicted", *COMMITTEES]]
    rows += [[committee, *map(str, matrix[i])] for i, committee in enumerate(COMMITTEES)]
    print(_table(rows))

    confident = [(g, t) for g, t in zip(guesses, truth, strict=True) if g.confidence >= CONFIDENCE_THRESHOLD]
    confident_right = sum(g.committee == t for g, t in confident)
    print(f"\nconfidence threshold {CONFIDENCE_THRESHOLD:.2f} (below it the resident picks the committee):")
    print(f"  at or above:       {len(confident)}/{len(test)} ({len(confident) / len(test):.1%}) of requests")
    if confident:
        print(f"  accuracy of those: {confident_right / len(confident):.1%}")
    print("  share proposed and accuracy of the proposals, by threshold:")
    _threshold_sweep(guesses, truth)

    # Latency of single calls, the way the bot uses it: one request at a time.
    texts = [e.text for e in test]
    for text in texts[:20]:
        router.route(text)
    timings_ms = []
    for _ in range(3):
        for text in texts:
            started = time.perf_counter()
            router.route(text)
            timings_ms.append((time.perf_counter() - started) * 1000)
    mean_ms = statistics.fmean(timings_ms)
    goal = "met" if _percentile(timings_ms, 0.95) < GOAL_LATENCY_MS else "NOT met"
    print(f"\nlatency of route() over {len(timings_ms)} single calls (after warm-up):")
    print(
        f"  mean {mean_ms:.2f} ms, p50 {_percentile(timings_ms, 0.5):.2f} ms, "
        f"p95 {_percentile(timings_ms, 0.95):.2f} ms, max {max(timings_ms):.2f} ms "
        f"(goal < {GOAL_LATENCY_MS:.0f} ms: {goal})"
    )

    misrouted = [(e, g) for e, g in zip(test, guesses, strict=True) if g.committee != e.committee]
    print(f"\nmisrouted held-out requests: {len(misrouted)} (showing up to {args.misrouted})")
    for example, guess in misrouted[: args.misrouted]:
        print(
            f"  true {example.committee:<11} predicted {guess.committee:<11} "
            f"confidence {guess.confidence:.2f}  {example.text}"
        )


def _threshold_sweep(guesses: list[RouteGuess], truth: list[str]) -> None:
    for threshold in THRESHOLDS:
        above = [(g, t) for g, t in zip(guesses, truth, strict=True) if g.confidence >= threshold]
        right = sum(g.committee == t for g, t in above)
        share = len(above) / len(truth)
        accuracy_above = f"{right / len(above):.1%}" if above else "-"
        marker = "  <- CONFIDENCE_THRESHOLD" if threshold == CONFIDENCE_THRESHOLD else ""
        print(f"    >= {threshold:.2f}: {share:6.1%} proposed, {accuracy_above} of those right{marker}")


def _cross_validated(examples: list[LabelledExample], folds: int, seed: int, lexicon: bool) -> None:
    labels = [e.committee for e in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = []
    all_guesses: list[RouteGuess] = []
    all_truth: list[str] = []
    for train_index, test_index in splitter.split(examples, labels):
        router = RequestRouter.train([examples[i] for i in train_index], lexicon=lexicon)
        guesses = router.route_many([examples[i].text for i in test_index])
        truth = [labels[i] for i in test_index]
        scores.append(accuracy_score(truth, [g.committee for g in guesses]))
        all_guesses += guesses
        all_truth += truth
    spread = statistics.stdev(scores) if len(scores) > 1 else 0.0
    mean = statistics.fmean(scores)
    if lexicon:
        print(f"\n{folds}-fold stratified cross-validation accuracy: {mean:.1%} ± {spread:.1%}")
        print("  folds: " + ", ".join(f"{s:.1%}" for s in scores))
        print(f"  confidence over all {len(all_truth)} cross-validated predictions:")
        _threshold_sweep(all_guesses, all_truth)
    else:
        print(
            f"\nwithout the committee lexicon ({folds}-fold CV, learned features + emergency terms only): "
            f"{mean:.1%} ± {spread:.1%}"
        )


BLIND_DIR = ROUTING_DATA_DIR.parent / "routing_blind"


def _blind(examples: list[LabelledExample]) -> None:
    """Trained on all the shipped examples, tested on a set written separately, without looking
    at the training rows or the committee lexicon, and never used for training."""
    blind = load_examples(BLIND_DIR)
    print(
        f"\nblind set ({len(blind)} requests in {BLIND_DIR.name}/, never trained on), trained on all {len(examples)}:"
    )
    for lexicon in (True, False):
        router = RequestRouter.train(examples, lexicon=lexicon)
        guesses = [router.route(e.text) for e in blind]
        truth = [e.committee for e in blind]
        predicted = [g.committee for g in guesses]
        above = [
            (g.committee, t)
            for g, t in zip(guesses, truth, strict=True)
            if g.confidence >= CONFIDENCE_THRESHOLD
        ]
        right_above = sum(p == t for p, t in above)
        print(
            f"  {'with' if lexicon else 'without'} the lexicon: accuracy {accuracy_score(truth, predicted):.1%}, "
            f"macro-F1 {f1_score(truth, predicted, average='macro'):.3f}; "
            f"{len(above) / len(blind):.1%} at or above {CONFIDENCE_THRESHOLD:.2f}, "
            f"{right_above / max(len(above), 1):.1%} of those right"
        )


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    examples = load_examples()
    counts = Counter(e.committee for e in examples)
    print(f"data:                {len(examples)} rows from {ROUTING_DATA_DIR}")
    print("rows per committee:  " + ", ".join(f"{c} {counts.get(c, 0)}" for c in COMMITTEES))
    _held_out(examples, args)
    _cross_validated(examples, args.folds, args.seed, lexicon=True)
    _cross_validated(examples, args.folds, args.seed, lexicon=False)
    _blind(examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
