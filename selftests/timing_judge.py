#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one end-to-end timing attempt of test_emu_06_timing.sh.

Input: fio completion latencies (ns, one per line) of a baseline and of a
model, measured in alternating rounds: PREFIX.base.R and PREFIX.model.R for
R = 1..ROUNDS.  The baseline is a model with one short latency of its own
(BASE_NS), long enough that its completions, like the model's, come after
the host's submission call has returned: fio's completion latency starts
there, so a baseline that completed during the call would measure a
different path.

The model's latency distribution is known (one value, or two values with a
known share each: the 970pro's LSB and MSB reads).  The prediction is the
baseline's distribution shifted by that distribution less BASE_NS (the
host's own cost, measured in the same boot, plus the model); the figure is
the measured median minus the predicted median.  Medians, because the host under TCG
delays a vCPU now and then, by microseconds often and milliseconds rarely,
which moves any mean but leaves a median where it was.

The run's own noise is measured, not assumed:
  scatter   half the range of the same figure computed round by round
            (each round's model run against the baseline run just before
            it): how far the host moved it between rounds of one boot;
  pick-up   how much later the emulator took the model's commands than
            the baseline's (median overhead, from the emulator's stats):
            the host delaying the worker's vCPU, which the model's longer
            gaps between commands expose more.
noise = scatter + max(0, pick-up).  The attempt passes when
|figure| <= PERCENT of the model's latency + noise.  When the noise alone
exceeds PERCENT, the figure cannot say anything at that precision: the
attempt is reported as noisy, not judged.

Exit status: 0 pass, 1 fail, 3 noisy.  One line on stdout says why.
"""
import argparse
import bisect
import sys


def load(path):
    with open(path) as f:
        return sorted(int(x) for x in f if x.strip())


def median(v):
    return v[len(v) // 2]


def mixture_median(base, shifts):
    """Median of base + X, X taking shifts[i][0] with weight shifts[i][1]."""
    n = len(base)

    def cdf(x):
        return sum(w * bisect.bisect_right(base, x - s) / n for s, w in shifts)

    lo, hi = base[0] + min(s for s, _ in shifts), base[-1] + max(s for s, _ in shifts)
    while lo < hi:
        mid = (lo + hi) // 2
        if cdf(mid) >= 0.5:
            hi = mid
        else:
            lo = mid + 1
    return lo


def model_shifts(model_ns, base_ns, two_point=None):
    """What the model adds to the baseline's latency: [(ns, share)], one
    value, or two (LOW, HIGH) with the shares that give MODEL_NS as mean."""
    if two_point:
        low, high = two_point
        share = min(1.0, max(0.0, (model_ns - low) / (high - low)))
        return [(low - base_ns, 1 - share), (high - base_ns, share)]
    return [(model_ns - base_ns, 1.0)]


def predicted_median(base, model_ns, base_ns, two_point=None):
    """The median that the model predicts on top of BASE, the baseline's
    sorted latencies."""
    if two_point:
        return mixture_median(base, model_shifts(model_ns, base_ns, two_point))
    return median(base) + model_ns - base_ns


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--rounds", type=int, required=True)
    ap.add_argument("--model-ns", type=float, required=True,
                    help="the model's mean latency")
    ap.add_argument("--base-ns", type=float, default=0,
                    help="the baseline's own modelled latency")
    ap.add_argument("--two-point", nargs=2, type=float, metavar=("LOW", "HIGH"),
                    help="the model's latency takes one of two values")
    ap.add_argument("--percent", type=float, required=True)
    ap.add_argument("--overhead-base", type=float, required=True)
    ap.add_argument("--overhead-model", type=float, required=True)
    ap.add_argument("--kind", default="", help='"" (clat) or ".total"')
    a = ap.parse_args()

    rounds_b = [load("%s.base.%d%s" % (a.prefix, r, a.kind)) for r in range(1, a.rounds + 1)]
    rounds_m = [load("%s.model.%d%s" % (a.prefix, r, a.kind)) for r in range(1, a.rounds + 1)]
    base = sorted(x for r in rounds_b for x in r)
    model = sorted(x for r in rounds_m for x in r)
    if not base or not model:
        print("no latencies recorded")
        return 1

    def predict(b):
        return predicted_median(b, a.model_ns, a.base_ns, a.two_point)

    figure = median(model) - predict(base)
    per_round = [median(m) - predict(b) for b, m in zip(rounds_b, rounds_m)]
    scatter = (max(per_round) - min(per_round)) / 2
    pickup = max(0.0, a.overhead_model - a.overhead_base)
    noise = scatter + pickup
    allowed = a.model_ns * a.percent / 100

    pct = 100.0 * figure / a.model_ns
    desc = ("measured median %d ns, predicted %d ns: %+d ns (%+.2f%% of %d ns); "
            "noise %d ns (scatter %d, pick-up %d; rounds %s); bound %d + %d ns"
            % (median(model), predict(base), figure, pct, a.model_ns, noise, scatter,
               pickup, "/".join("%+d" % f for f in per_round), allowed, noise))
    for name, v in (("baseline", base), ("model", model)):
        print("#  %s%s percentiles 1..99: %s" % (name, a.kind,
              [v[len(v) * q // 100] for q in (1, 5, 25, 50, 75, 95, 99)]), file=sys.stderr)
    if noise > allowed:
        print("noisy: " + desc)
        return 3
    if abs(figure) <= allowed + noise:
        print("pass: " + desc)
        return 0
    print("fail: " + desc)
    return 1


if __name__ == "__main__":
    sys.exit(main())
