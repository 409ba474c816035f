"""How well and how fast the request router picks the committee and spots emergencies.

    python -m benchmarks.routing [--test-size 0.2 --seed 7 --folds 5 --misrouted 15] [--by-file]

1. Held-out split: trains on a stratified 80 % of data/routing/*.csv and prints, for the other
   20 %: accuracy, macro-F1, per-committee precision/recall, the confusion matrix, the confidence
   threshold sweep, how often two committees are offered and whether the right one is among them,
   the emergency detector's recall and false alarms, the misrouted requests, and the latency of
   single route() calls.
2. k-fold cross-validated accuracy of the shipped router (no committee lexicon), and with the lexicon.
3. The blind set, data/routing_blind/*.csv (requests.csv: committee,text; emergencies.csv:
   committee,text,emergency), written without looking at the training rows or the lexicons and
   never trained on: the same figures, trained on all the shipped rows. For the blind set only
   aggregate figures are printed, never a text.
4. With ``--by-file``, leave one file out: for each training file, a router trained on the other
   files routes it. Each file was written by another hand or in another round, so this says how
   the router meets a new author's phrasing without spending a blind set (the random split above
   mixes every author into both halves). It also prints the learned emergency model's false
   alarms and finds by threshold on the rows the rules neither flagged nor held back, the basis for
   `LEARNED_EMERGENCY_THRESHOLD`, and on the rows they held back, the basis for
   `LEARNED_OVERRIDE_PROBABILITY`. (The lexicon was written reading every training file, so the
   rules' recall here is better than on an unseen text.)

Prints figures only; exit 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, train_test_split

from services.emergency_detection import Assessment
from services.routing import (
    COMMITTEES,
    CONFIDENCE_THRESHOLD,
    HAZARD_PROBABILITY,
    LEARNED_EMERGENCY_THRESHOLD,
    LEARNED_OVERRIDE_PROBABILITY,
    ROUTING_DATA_DIR,
    LabelledExample,
    LearnedEmergencies,
    RequestRouter,
    RouteGuess,
    load_examples,
    read_examples,
)

GOAL_ACCURACY = 0.95
GOAL_RECALL = 1.0
GOAL_FALSE_ALARMS = 0.03
GOAL_LATENCY_MS = 5.0
THRESHOLDS = sorted({0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, CONFIDENCE_THRESHOLD})
BLIND_DIR = ROUTING_DATA_DIR.parent / "routing_blind"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.routing", description=__doc__.splitlines()[0])
    parser.add_argument("--test-size", type=float, default=0.2, help="held-out share (default 0.2)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the split and the folds (default 7)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument(
        "--misrouted", type=int, default=15, help="misrouted held-out examples to list (default 15)"
    )
    parser.add_argument(
        "--by-file", action="store_true", help="also leave each training file out in turn (about 15 s a file)"
    )
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


def _goal(value: float, goal: float, at_most: bool = False) -> str:
    met = value <= goal if at_most else value >= goal
    return f"goal {'<=' if at_most else '>='} {goal:.0%}: {'met' if met else 'NOT met'}"


def _emergency_label(example: LabelledExample) -> bool | None:
    """Whether a row is an emergency: as the row says; a row of another committee than crisis is
    not one (emergencies go to crisis, data/routing/GUIDE.md); else unknown."""
    if example.emergency is not None:
        return example.emergency
    return False if example.committee != "crisis" else None


def _committee_figures(truth: Sequence[str], guesses: Sequence[RouteGuess], where: str) -> None:
    """Accuracy, macro-F1, per-committee precision/recall, confusion matrix, two-committee offers."""
    predicted = [g.committee for g in guesses]
    accuracy = accuracy_score(truth, predicted)
    print(f"  accuracy:          {accuracy:.1%} ({_goal(accuracy, GOAL_ACCURACY)})")
    macro_f1 = f1_score(truth, predicted, labels=list(COMMITTEES), average="macro", zero_division=0)
    print(f"  macro-F1:          {macro_f1:.3f}")
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(COMMITTEES), zero_division=0
    )
    print(f"\n  per committee ({where}):")
    rows = [["committee", "precision", "recall", "F1", "support"]]
    for i, committee in enumerate(COMMITTEES):
        rows.append([committee, f"{precision[i]:.3f}", f"{recall[i]:.3f}", f"{f1[i]:.3f}", str(support[i])])
    print(_table(rows))
    matrix = confusion_matrix(truth, predicted, labels=list(COMMITTEES))
    print(f"\n  confusion matrix ({where}; rows: true committee, columns: predicted):")
    rows = [["true \\ predicted", *COMMITTEES]]
    rows += [[committee, *map(str, matrix[i])] for i, committee in enumerate(COMMITTEES)]
    print(_table(rows))
    two = [(g, t) for g, t in zip(guesses, truth, strict=True) if len(g.choices) == 2]
    covered = sum(t in g.choices for g, t in zip(guesses, truth, strict=True))
    print(
        f"\n  two committees offered (torn model): {len(two)}/{len(truth)} ({len(two) / len(truth):.1%}); "
        f"first right in {sum(g.choices[0] == t for g, t in two)}, second in "
        f"{sum(g.choices[1] == t for g, t in two)}"
    )
    print(f"  right committee among the offered ones: {covered}/{len(truth)} ({covered / len(truth):.1%})")


def _emergency_figures(
    labels: Sequence[bool | None],
    guesses: Sequence[RouteGuess],
    near_misses: Sequence[bool] | None = None,
    detail: Sequence[tuple[str, Assessment]] | None = None,
) -> None:
    """Emergency recall, false alarms (among all known non-emergencies and among near-misses)."""
    emergencies = [g for g, label in zip(guesses, labels, strict=True) if label is True]
    routine = [g for g, label in zip(guesses, labels, strict=True) if label is False]
    if emergencies:
        caught = sum(g.emergency for g in emergencies)
        recall = caught / len(emergencies)
        sent = sum(g.committee == "crisis" for g in emergencies)
        print(
            f"  emergency recall:  {caught}/{len(emergencies)} = {recall:.1%} ({_goal(recall, GOAL_RECALL)}); "
            f"sent to crisis: {sent}/{len(emergencies)}"
        )
        prioritised = sum(g.emergency or g.urgent for g in emergencies)
        print(
            f"  emergencies handled at least as urgent (emergency, or urgent with a shorter SLA): "
            f"{prioritised}/{len(emergencies)} = {prioritised / len(emergencies):.1%}"
        )
        missed = [g for g in emergencies if not g.emergency]
        asked = sum(g.hazard for g in missed)
        reached = caught + asked
        print(
            f"  emergencies flagged, or missed but the resident asked «is it happening now?» (one button): "
            f"{reached}/{len(emergencies)} = {reached / len(emergencies):.1%} (asked about {asked} of "
            f"{len(missed)} missed)"
        )
    else:
        print("  emergency recall:  no rows labelled emergency")
    if routine:
        alarms = sum(g.emergency for g in routine)
        print(f"  false alarms on non-emergencies: {alarms}/{len(routine)} = {alarms / len(routine):.1%}")
        asked = sum(g.hazard for g in routine)
        print(
            f"  non-emergencies where the resident is asked «is it happening now?»: {asked}/{len(routine)} "
            f"= {asked / len(routine):.1%}"
        )
    if near_misses is not None:
        near = [
            g for g, label, near in zip(guesses, labels, near_misses, strict=True) if near and label is False
        ]
        if near:
            alarms = sum(g.emergency for g in near)
            rate = alarms / len(near)
            print(
                f"  false-alarm rate on near-misses: {alarms}/{len(near)} = {rate:.1%} "
                f"({_goal(rate, GOAL_FALSE_ALARMS, at_most=True)})"
            )
    if detail is not None and emergencies:
        _emergency_breakdown(labels, guesses, detail)
    unknown = [g for g, label in zip(guesses, labels, strict=True) if label is None]
    if unknown:
        print(
            f"  crisis rows not labelled emergency or not: {len(unknown)}, of which flagged: "
            f"{sum(g.emergency for g in unknown)}"
        )
    urgent = sum(g.urgent and not g.emergency for g in guesses)
    print(f"  urgent (outage with cold/heat/vulnerable people, not an emergency): {urgent}/{len(guesses)}")


def _reason_kind(reason: str) -> str:
    """«fire + ignite: harmless training «…»» → «fire + ignite: harmless training» (no text)."""
    return reason.split("«", 1)[0].strip()


def _emergency_breakdown(
    labels: Sequence[bool | None], guesses: Sequence[RouteGuess], detail: Sequence[tuple[str, Assessment]]
) -> None:
    """Counts only: recall by true committee, missed emergencies by what held them back, false
    alarms by the rule that fired. Rule names come from the lexicon, never from a text."""
    by_committee: dict[str, list[bool]] = {}
    missed: Counter[str] = Counter()
    alarms: Counter[str] = Counter()
    for label, guess, (committee, assessment) in zip(labels, guesses, detail, strict=True):
        if label is True:
            by_committee.setdefault(committee, []).append(guess.emergency)
            if not guess.emergency:
                kinds = sorted({_reason_kind(r) for r in assessment.held_back})
                if assessment.urgent:
                    missed[f"marked urgent for {assessment.committee} instead ({assessment.rule})"] += 1
                else:
                    missed["held back: " + "; ".join(kinds) if kinds else "no rule matched"] += 1
        elif label is False and guess.emergency:
            alarms[guess.reason or "?"] += 1
    print(
        "  emergency recall by true committee: "
        + ", ".join(f"{c} {sum(v)}/{len(v)}" for c, v in sorted(by_committee.items()))
    )
    if missed:
        print("  missed emergencies: " + ", ".join(f"{n} {why}" for why, n in missed.most_common()))
    if alarms:
        print("  false alarms by rule: " + ", ".join(f"{n} {rule}" for rule, n in alarms.most_common()))


def _threshold_sweep(guesses: list[RouteGuess], truth: list[str]) -> None:
    for threshold in THRESHOLDS:
        above = [(g, t) for g, t in zip(guesses, truth, strict=True) if g.confidence >= threshold]
        right = sum(g.committee == t for g, t in above)
        share = len(above) / len(truth)
        accuracy_above = f"{right / len(above):.1%}" if above else "-"
        marker = "  <- CONFIDENCE_THRESHOLD" if threshold == CONFIDENCE_THRESHOLD else ""
        print(f"    >= {threshold:.2f}: {share:6.1%} proposed, {accuracy_above} of those right{marker}")


def _latency(router: RequestRouter, texts: list[str]) -> None:
    """Single calls, the way the bot uses the router: one request at a time."""
    for text in texts[:20]:
        router.route(text)
    route_ms, detect_ms = [], []
    for _ in range(3):
        for text in texts:
            started = time.perf_counter()
            router.route(text)
            route_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            router.detector.assess(text)
            detect_ms.append((time.perf_counter() - started) * 1000)
    print(f"\nlatency over {len(route_ms)} single calls (after warm-up):")
    print(
        f"  route() (model + emergency detector): mean {statistics.fmean(route_ms):.2f} ms, "
        f"p50 {_percentile(route_ms, 0.5):.2f} ms, p95 {_percentile(route_ms, 0.95):.2f} ms, "
        f"max {max(route_ms):.2f} ms (goal < {GOAL_LATENCY_MS:.0f} ms at p95: "
        f"{'met' if _percentile(route_ms, 0.95) < GOAL_LATENCY_MS else 'NOT met'})"
    )
    print(
        f"  of which the emergency detector: mean {statistics.fmean(detect_ms):.2f} ms, "
        f"p95 {_percentile(detect_ms, 0.95):.2f} ms"
    )


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

    print(f"\n== held-out split: {len(train)} train / {len(test)} test (stratified, seed {args.seed})")
    print(f"  train time:        {train_seconds:.2f} s ({len(train)} rows)")
    _committee_figures(truth, guesses, "held-out")
    print("\n  emergencies (held-out; the lexicon was written looking at the training rows):")
    detail = [(e.committee, router.assess(e.text)) for e in test]
    _emergency_figures([_emergency_label(e) for e in test], guesses, detail=detail)

    confident = [(g, t) for g, t in zip(guesses, truth, strict=True) if g.confidence >= CONFIDENCE_THRESHOLD]
    confident_right = sum(g.committee == t for g, t in confident)
    print(f"\n  confidence threshold {CONFIDENCE_THRESHOLD:.2f} (below it the resident picks the committee):")
    print(
        f"    at or above:       {len(confident)}/{len(test)} ({len(confident) / len(test):.1%}) of requests"
    )
    if confident:
        print(f"    accuracy of those: {confident_right / len(confident):.1%}")
    print("    share proposed and accuracy of the proposals, by threshold:")
    _threshold_sweep(guesses, truth)

    _latency(router, [e.text for e in test])

    misrouted = [(e, g) for e, g in zip(test, guesses, strict=True) if g.committee != e.committee]
    print(f"\nmisrouted held-out requests: {len(misrouted)} (showing up to {args.misrouted})")
    for example, guess in misrouted[: args.misrouted]:
        print(
            f"  true {example.committee:<11} predicted {guess.committee:<11} "
            f"confidence {guess.confidence:.2f}  {example.text}"
        )


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
    if not lexicon:
        print(f"\n== {folds}-fold stratified cross-validation accuracy: {mean:.1%} ± {spread:.1%}")
        print("  folds: " + ", ".join(f"{s:.1%}" for s in scores))
        print(f"  confidence over all {len(all_truth)} cross-validated predictions:")
        _threshold_sweep(all_guesses, all_truth)
    else:
        print(
            f"\nwith the committee lexicon (not shipped; {folds}-fold CV, learned features, lexicon, detector): "
            f"{mean:.1%} ± {spread:.1%}"
        )


def _learned_emergencies(examples: list[LabelledExample], folds: int, seed: int) -> None:
    """The learned second opinion alone, cross-validated on the shipped rows: how its threshold
    (`LEARNED_EMERGENCY_THRESHOLD`) was chosen, without the blind set."""
    rows = [e for e in examples if e.emergency is not None or e.committee != "crisis"]
    truth = np.array([int(bool(e.emergency)) for e in rows])
    probability = np.zeros(len(rows))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(rows, truth):
        model = LearnedEmergencies.train([rows[i] for i in train_index])
        assert model is not None
        probability[test_index] = [model.probability(rows[i].text) for i in test_index]
    print(f"\n== learned emergency model alone ({folds}-fold CV on {len(rows)} shipped rows)")
    for threshold in sorted({0.3, HAZARD_PROBABILITY, 0.5, 0.6, 0.7, LEARNED_EMERGENCY_THRESHOLD, 0.9}):
        flagged = probability >= threshold
        recall = (flagged & (truth == 1)).sum() / max(1, truth.sum())
        alarms = (flagged & (truth == 0)).sum() / max(1, (truth == 0).sum())
        mark = {
            LEARNED_EMERGENCY_THRESHOLD: "  <- an emergency",
            HAZARD_PROBABILITY: "  <- the resident is asked (RouteGuess.hazard)",
        }.get(threshold, "")
        print(f"  threshold {threshold:.2f}: recall {recall:.1%}, false alarms {alarms:.1%}{mark}")


def _by_file() -> None:
    """Leave one training file out in turn: trained on the others, measured on it."""
    files = {path.name: read_examples(path) for path in sorted(ROUTING_DATA_DIR.glob("*.csv"))}
    print(
        f"\n== leave one file out ({len(files)} training files; each routed by a router trained on the others)"
    )
    rows = [["file", "rows", "accuracy", "emergencies flagged", "+ asked", "false alarms"]]
    truth: list[str] = []
    labels: list[bool | None] = []
    guesses: list[RouteGuess] = []
    learned: list[tuple[bool, float]] = []  # (emergency, probability) where the rules said nothing
    overruled: list[tuple[bool, float]] = []  # the same where the rules held a match back
    for name, left_out in files.items():
        router = RequestRouter.train(
            [e for other, examples in files.items() if other != name for e in examples]
        )
        routed = [router.route(e.text) for e in left_out]
        for example in left_out:
            verdict = router.detector.assess(example.text)
            if router.learned is not None and not verdict.emergency:
                probability = router.learned.probability(example.text)
                (overruled if verdict.held_back else learned).append((example.emergency is True, probability))
        rows.append([name, *_file_figures(left_out, routed)])
        truth += [e.committee for e in left_out]
        labels += [_emergency_label(e) for e in left_out]
        guesses += routed
    everything = [
        LabelledExample(text="", committee=c, emergency=label) for c, label in zip(truth, labels, strict=True)
    ]
    rows.append(["all", *_file_figures(everything, guesses)])
    print(_table(rows))
    _sweep(
        "neither flagged nor held back",
        learned,
        labels,
        {0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9},
        LEARNED_EMERGENCY_THRESHOLD,
        "LEARNED_EMERGENCY_THRESHOLD",
    )
    _sweep(
        "held back",
        overruled,
        labels,
        {0.8, 0.9, 0.95, 0.97, 0.98, 0.99},
        LEARNED_OVERRIDE_PROBABILITY,
        "LEARNED_OVERRIDE_PROBABILITY",
    )


def _sweep(
    title: str,
    scored: list[tuple[bool, float]],
    labels: list[bool | None],
    thresholds: set[float],
    chosen: float,
    name: str,
) -> None:
    """Emergencies found and false alarms made at each threshold, among `scored` (emergency, p)."""
    emergencies = [p for emergency, p in scored if emergency]
    others = [p for emergency, p in scored if not emergency]
    non_emergencies = sum(label is False for label in labels)
    print(
        f"\n  learned model on what the rules {title} ({len(emergencies)} emergencies, "
        f"{len(others)} others), as a share of all {sum(label is True for label in labels)} emergencies "
        f"and {non_emergencies} non-emergencies:"
    )
    for threshold in sorted(thresholds | {chosen}):
        found = sum(p >= threshold for p in emergencies)
        alarms = sum(p >= threshold for p in others)
        mark = f"  <- {name}" if threshold == chosen else ""
        print(
            f"    >= {threshold:.2f}: finds {found}, false alarms {alarms} "
            f"({alarms / max(1, non_emergencies):.2%}){mark}"
        )


def _file_figures(examples: Sequence[LabelledExample], guesses: Sequence[RouteGuess]) -> list[str]:
    right = sum(e.committee == g.committee for e, g in zip(examples, guesses, strict=True))
    emergencies = [g for e, g in zip(examples, guesses, strict=True) if _emergency_label(e) is True]
    others = [g for e, g in zip(examples, guesses, strict=True) if _emergency_label(e) is False]
    flagged = sum(g.emergency for g in emergencies)
    asked = sum(g.hazard and not g.emergency for g in emergencies)
    alarms = sum(g.emergency for g in others)
    return [
        str(len(examples)),
        f"{right / len(examples):.1%}",
        f"{flagged}/{len(emergencies)}" if emergencies else "-",
        str(asked) if emergencies else "-",
        f"{alarms}/{len(others)} = {alarms / len(others):.1%}" if others else "-",
    ]


def _load_blind(path: Path) -> list[LabelledExample] | None:
    """One blind file; None (with the reason, which never quotes a text) when it cannot be read."""
    try:
        return read_examples(path)
    except (OSError, ValueError) as error:
        print(f"  {path.name}: not read ({error})")
        return None


def _blind(examples: list[LabelledExample]) -> None:
    """Trained on all the shipped examples; tested on the blind files, aggregates only."""
    files = sorted(BLIND_DIR.glob("*.csv"))
    print(
        f"\n== blind set ({', '.join(p.name for p in files) or 'none'} in {BLIND_DIR.name}/, never trained on)"
    )
    sets = {path.name: rows for path in files if (rows := _load_blind(path)) is not None}
    if not sets:
        return
    started = time.perf_counter()
    router = RequestRouter.train(examples)
    print(f"  trained on all {len(examples)} shipped rows in {time.perf_counter() - started:.2f} s")
    everything: list[LabelledExample] = []
    all_guesses: list[RouteGuess] = []
    near_flags: list[bool] = []
    for name, rows in sets.items():
        guesses = [router.route(e.text) for e in rows]
        # In a file that says which rows are emergencies, the others are its near-misses.
        says = any(e.emergency is not None for e in rows)
        print(f"\n  -- {name}: {len(rows)} rows" + (" (its non-emergencies are near-misses)" if says else ""))
        _committee_figures([e.committee for e in rows], guesses, f"blind {name}")
        print()
        detail = [(e.committee, router.assess(e.text)) for e in rows]
        _emergency_figures([_emergency_label(e) for e in rows], guesses, [says] * len(rows), detail)
        everything += rows
        all_guesses += guesses
        near_flags += [says] * len(rows)
    if len(sets) > 1:
        print(f"\n  -- all blind files together: {len(everything)} rows")
        _committee_figures([e.committee for e in everything], all_guesses, "blind, all")
        print()
        detail = [(e.committee, router.assess(e.text)) for e in everything]
        _emergency_figures([_emergency_label(e) for e in everything], all_guesses, near_flags, detail)
    with_lexicon = RequestRouter.train(examples, lexicon=True)
    predicted = [with_lexicon.route(e.text).committee for e in everything]
    print(
        f"\n  with the committee lexicon (not shipped): accuracy "
        f"{accuracy_score([e.committee for e in everything], predicted):.1%} on all {len(everything)} blind rows"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    examples = load_examples()
    counts = Counter(e.committee for e in examples)
    labelled = Counter(_emergency_label(e) for e in examples)
    print(f"data:                {len(examples)} rows from {ROUTING_DATA_DIR}")
    print("rows per committee:  " + ", ".join(f"{c} {counts.get(c, 0)}" for c in COMMITTEES))
    print(
        f"emergency labels:    {labelled[True]} emergencies, {labelled[False]} not, {labelled[None]} unsaid"
    )
    _held_out(examples, args)
    _cross_validated(examples, args.folds, args.seed, lexicon=False)
    _cross_validated(examples, args.folds, args.seed, lexicon=True)
    _learned_emergencies(examples, args.folds, args.seed)
    if args.by_file:
        _by_file()
    _blind(examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
