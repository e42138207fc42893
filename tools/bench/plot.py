#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Plots of a make bench run, as PNG files in the run's directory beside the
results they show; prints the path of each, one line each.

  tcp, emu, zns  NAME-iops-ratio.png: candidate / reference IOPS per job,
                 each round's ratio, the ratio of the means (the table's)
                 and the rounds' range; NAME-latency.png: mean and p99
                 total latency per job of both (report.py reads the files)
  kv             kv-ops-ratio.png and kv-latency.png, the same for the KV
                 namespaces against 4 KiB block I/O on null_blk
                 (kvreport.py reads the files)
  timing         timing-latency-cdf.png: per timing model, the distribution
                 of the completion latencies measured on the model's device
                 against the one the model predicts (the baseline's shifted
                 by the model, as selftests/timing_judge.py predicts its
                 median), from the samples-N/ directories of the runs

Without matplotlib (Debian: python3-matplotlib) it prints one line saying so
and exits 0: the table is the benchmark's result, the plots an addition.

usage: plot.py tcp|emu|zns DIR REFERENCE CANDIDATE
       plot.py kv|timing DIR
"""
import glob
import os
import re
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(1, os.path.join(here, '..', '..', 'selftests'))

import kvreport  # noqa: E402
import report  # noqa: E402
import timing_judge  # noqa: E402

DEBIAN_PYTHON = '/usr/bin/python3'
VERDICTS = {'0': 'pass', '1': 'fail', '3': 'noisy'}


def round_ratios(cand, ref):
    """The ratio of the first figure (IOPS, ops/s) of CAND to REF, round by
    round (rounds that both have), and the ratio of their means (the
    table's)."""
    per_round = [cand[r][0] / ref[r][0] for r in cand if r in ref and ref[r][0]]
    overall = None
    if cand and ref:
        ref_mean = report.means(list(ref.values()))[0]
        if ref_mean:
            overall = report.means(list(cand.values()))[0] / ref_mean
    return per_round, overall


def rounds_text(n):
    return '%d round%s' % (n, '' if n == 1 else 's')


def ratio_plot(plt, path, title, ylabel, cats, series):
    """SERIES: [(label, {category: (per-round ratios, ratio of the means)})]:
    the rounds as points, the ratio of the means as a marker with its value,
    the rounds' range as an error bar, and a line at 1.0."""
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(cats) + 2), 4.8))
    width = 0.5 / len(series)
    values = [1.0]
    for k, (label, data) in enumerate(series):
        colour = 'C%d' % k
        offset = (k - (len(series) - 1) / 2) * width
        labelled = False
        for i, cat in enumerate(cats):
            rounds, overall = data.get(cat, ([], None))
            x = i + offset
            values += rounds
            if rounds:
                ax.plot([x] * len(rounds), rounds, 'o', mfc='none', mec=colour, ms=5, alpha=0.7)
                lo, hi = min(rounds), max(rounds)
                ax.errorbar([x], [(lo + hi) / 2], yerr=[(hi - lo) / 2], fmt='none',
                            ecolor=colour, capsize=5, lw=1)
            if overall is not None:
                values.append(overall)
                ax.plot([x], [overall], 'D', color=colour, ms=8, label=None if labelled else label)
                labelled = True
                ax.annotate('%.2f' % overall, (x, overall), xytext=(7, -3),
                            textcoords='offset points', fontsize=8, color=colour)
    for i, cat in enumerate(cats):
        if all(data.get(cat, ([], None))[1] is None for _label, data in series):
            ax.annotate('no ratio', (i, 1.0), xytext=(0, 6), textcoords='offset points',
                        ha='center', fontsize=8, color='0.3')
    ax.axhline(1.0, color='0.4', ls='--', lw=1)
    ax.plot([], [], 'o', mfc='none', mec='0.3', label='each round')
    ax.errorbar([], [], yerr=[], fmt='none', ecolor='0.3', capsize=5, label='range of the rounds')
    ax.plot([], [], ls='--', color='0.4', label='1.0: the reference')
    lo, hi = min(values), max(values)
    pad = max(0.05, (hi - lo) * 0.1)
    ax.set_ylim(max(0.0, lo - pad), hi + pad)
    ax.set_xticks(range(len(cats)))
    ax.set_xticklabels(cats, rotation=20, ha='right')
    ax.set_xlim(-0.6, len(cats) - 0.4)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(axis='y', alpha=0.3)
    ax.legend(fontsize=8, loc='best')
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def latency_plot(plt, path, title, ylabel, cats, series):
    """SERIES: [(label, {category: [(rate, mean µs, p99 µs) per round]})]:
    mean and p99 latency (YLABEL: what it is), bars at the mean over the
    rounds (the table's figures), each round as a point."""
    fig, axes = plt.subplots(1, 2, figsize=(max(10.0, 2.4 * len(cats) + 3), 4.8))
    width = 0.8 / len(series)
    for ax, col, what in ((axes[0], 1, 'mean'), (axes[1], 2, 'p99')):
        for k, (label, data) in enumerate(series):
            colour = 'C%d' % k
            xs, heights, px, py = [], [], [], []
            for i, cat in enumerate(cats):
                runs = data.get(cat)
                if not runs:
                    continue
                x = i + (k - (len(series) - 1) / 2) * width
                xs.append(x)
                heights.append(report.means(runs)[col])
                px += [x] * len(runs)
                py += [r[col] for r in runs]
            ax.bar(xs, heights, width * 0.9, color=colour, alpha=0.75,
                   label='%s (mean of the rounds)' % label)
            ax.plot(px, py, '.', color='black', ms=4)
        ax.plot([], [], '.', color='black', label='each round')
        ax.set_yscale('log')
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(cats, rotation=20, ha='right')
        ax.set_ylabel('%s %s, µs (log scale)' % (what, ylabel))
        ax.set_title('%s latency' % what)
        ax.grid(axis='y', which='both', alpha=0.3)
        ax.legend(fontsize=8, loc='best')
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def fio_plots(plt, name, directory, ref, cand):
    results, order = report.collect(directory)
    if not order:
        return []
    nrounds = max(len(v) for v in results.values())
    ratios = {}
    for job in order:
        r, c = results.get((ref, job), {}), results.get((cand, job), {})
        if r and c:
            ratios[job] = round_ratios(c, r)
    lat = [(impl, {job: list(results[(impl, job)].values())
                   for job in order if (impl, job) in results}) for impl in (ref, cand)]
    return [
        ratio_plot(plt, os.path.join(directory, '%s-iops-ratio.png' % name),
                   '%s: %s / %s IOPS, %s' % (name, cand, ref, rounds_text(nrounds)),
                   '%s IOPS / %s IOPS' % (cand, ref), order,
                   [('ratio of the mean IOPS (the table\'s)', ratios)]),
        latency_plot(plt, os.path.join(directory, '%s-latency.png' % name),
                     '%s: total latency (submission to completion) per job' % name,
                     'total latency', order, lat),
    ]


def kv_plots(plt, directory):
    results, jobs, _problems = kvreport.collect(directory)
    if not jobs:
        return []
    cats, names = [], []
    for path in kvreport.PATHS:
        for job in jobs:
            if any((f'{path}_{impl}', job) in results
                   for impl in (kvreport.REFERENCE,) + kvreport.CANDIDATES):
                cats.append(f'{path} {job}')
                names.append((path, job))
    nrounds = max(len(v) for v in results.values())
    ratios, lat = [], [(f'{kvreport.REFERENCE} 4K block', {})]
    for impl in kvreport.CANDIDATES:
        data = {}
        for cat, (path, job) in zip(cats, names):
            r = results.get((f'{path}_{kvreport.REFERENCE}', job), {})
            c = results.get((f'{path}_{impl}', job), {})
            if r and c:
                data[cat] = round_ratios(c, r)
        ratios.append((f'{impl} KV / {kvreport.REFERENCE} 4K block', data))
        lat.append((f'{impl} KV', {}))
    for label_impl, (_label, data) in zip((kvreport.REFERENCE,) + kvreport.CANDIDATES, lat):
        for cat, (path, job) in zip(cats, names):
            runs = results.get((f'{path}_{label_impl}', job))
            if runs:
                data[cat] = list(runs.values())
    return [
        ratio_plot(plt, os.path.join(directory, 'kv-ops-ratio.png'),
                   'kv: KV ops/s / 4 KiB block ops/s on null_blk, %s' % rounds_text(nrounds),
                   'ops/s ratio', cats, ratios),
        latency_plot(plt, os.path.join(directory, 'kv-latency.png'),
                     'kv: latency per operation, by path and job', 'latency', cats, lat),
    ]


def read_samples(directory):
    """{model name: [attempt]} from DIRECTORY/samples-N/NAME/ (the last
    end-to-end attempt of each timing model in run N), runs in order; an
    attempt: {'params': {key: value}, 'base': [[ns] per round], 'model':
    [[ns] per round]}, as selftests/lib_timing.sh (keep_samples) keeps it."""
    def run_number(path):
        m = re.search(r'samples-(\d+)$', path)
        return int(m.group(1)) if m else None

    found = {}
    runs = [p for p in glob.glob(os.path.join(directory, 'samples-*')) if run_number(p) is not None]
    for run in sorted(runs, key=run_number):
        for params_path in sorted(glob.glob(os.path.join(run, '*', 'params'))):
            d = os.path.dirname(params_path)
            params = {}
            with open(params_path) as f:
                for line in f:
                    key, _, value = line.rstrip('\n').partition(' ')
                    params[key] = value
            # An attempt the test could not finish (no model mean, say)
            # leaves a params file that is not usable: skip it.
            try:
                if float(params.get('model_ns') or 0) <= 0:
                    continue
                float(params.get('base_ns') or 'x')
                two_point(params)       # a malformed --two-point raises
                rounds = range(1, int(params.get('rounds', '0')) + 1)
                base = [timing_judge.load(os.path.join(d, 'base.%d' % r)) for r in rounds]
                model = [timing_judge.load(os.path.join(d, 'model.%d' % r)) for r in rounds]
            except (OSError, ValueError, IndexError):
                continue
            if any(base) and any(model):
                found.setdefault(params.get('name', os.path.basename(d)), []).append(
                    {'params': params, 'base': base, 'model': model})
    return found


def two_point(params):
    """The judge's --two-point LOW HIGH from PARAMS, or None."""
    args = params.get('args', '').split()
    if '--two-point' in args:
        i = args.index('--two-point')
        return float(args[i + 1]), float(args[i + 2])
    return None


def weighted_cdf(np, values, weights):
    """(µs, share at or below) of VALUES (ns) with WEIGHTS, at most 2000
    steps: enough for the eye, light for the renderer."""
    order = np.argsort(values)
    v = np.asarray(values, dtype=float)[order] / 1000.0
    c = np.cumsum(np.asarray(weights, dtype=float)[order])
    c /= c[-1]
    if len(v) > 2000:
        pick = np.searchsorted(c, np.linspace(0, 1, 2000)).clip(0, len(v) - 1)
        v, c = v[pick], c[pick]
    return v, c


def quantile(np, cdf, q):
    v, c = cdf
    return v[min(np.searchsorted(c, q), len(v) - 1)]


def timing_panel(np, ax, name, attempts):
    """One timing model: the distribution of the latencies measured on its
    device against the one it predicts, each attempt weighing the same;
    every run's own pair in thin lines when there are several."""
    pooled = {'measured': ([], []), 'predicted': ([], [])}
    figures = []
    for at in attempts:
        p = at['params']
        model_ns, base_ns, tp = float(p['model_ns']), float(p['base_ns']), two_point(p)
        base = sorted(x for r in at['base'] for x in r)
        model = sorted(x for r in at['model'] for x in r)
        # The judge's prediction: the baseline's latencies, each shifted by
        # what the model adds (one value, or two with their shares).
        shifts = timing_judge.model_shifts(model_ns, base_ns, tp)
        predicted = ([x + s for s, _w in shifts for x in base],
                     [w / len(base) for _s, w in shifts for _x in base])
        measured = (model, [1.0 / len(model)] * len(model))
        figure = timing_judge.median(model) - timing_judge.predicted_median(base, model_ns, base_ns, tp)
        figures.append(100.0 * figure / model_ns)
        for key, (v, w) in (('measured', measured), ('predicted', predicted)):
            pooled[key][0].extend(v)
            pooled[key][1].extend(w)
        if len(attempts) > 1:
            ax.plot(*weighted_cdf(np, *measured), color='C0', lw=0.6, alpha=0.3,
                    drawstyle='steps-post')
            ax.plot(*weighted_cdf(np, *predicted), color='C1', lw=0.6, alpha=0.3, ls='--',
                    drawstyle='steps-post')
    lo, hi = [], []
    for key, colour, ls, label in (
            ('measured', 'C0', '-', "measured on the model's device"),
            ('predicted', 'C1', '--', 'model: the baseline shifted by the model')):
        cdf = weighted_cdf(np, *pooled[key])
        med = quantile(np, cdf, 0.5)
        ax.plot(*cdf, color=colour, lw=2, ls=ls, drawstyle='steps-post',
                label='%s (median %.1f µs)' % (label, med))
        ax.plot([med], [0.5], 'o', color=colour)
        lo.append(quantile(np, cdf, 0.005))
        hi.append(quantile(np, cdf, 0.99))
    span = max(hi) - min(lo) or 1.0
    ax.set_xlim(min(lo) - 0.05 * span, max(hi) + 0.05 * span)
    ax.set_ylim(0, 1)
    ax.axhline(0.5, color='0.6', lw=0.8, ls=':')
    p = attempts[-1]['params']
    tp = two_point(p)
    modelled = ('%.1f or %.1f µs' % (tp[0] / 1000, tp[1] / 1000) if tp
                else '%.1f µs' % (float(p['model_ns']) / 1000))
    counts = {}
    for at in attempts:
        rc = at['params'].get('rc', '?')
        verdict = VERDICTS.get(rc, 'exit ' + rc)
        counts[verdict] = counts.get(verdict, 0) + 1
    ax.set_title('%s: model %s; %d run%s (%s)\nmedian measured - median model, per run: '
                 '%+.2f%% to %+.2f%% of %.1f µs (bound %s%% + the run\'s noise)' % (
                     name, modelled, len(attempts), '' if len(attempts) == 1 else 's',
                     ', '.join('%d %s' % (n, v) for v, n in sorted(counts.items())),
                     min(figures), max(figures), float(p['model_ns']) / 1000,
                     p.get('percent', '?')), fontsize=9)
    ax.set_xlabel('completion latency, µs (0.5th to 99th percentile shown)')
    ax.set_ylabel('share of commands at or below')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc='lower right')


def timing_plots(plt, directory):
    import numpy as np

    found = read_samples(directory)
    if not found:
        return []
    fig, axes = plt.subplots(1, len(found), figsize=(7.6 * len(found), 5.2), squeeze=False)
    for ax, (name, attempts) in zip(axes[0], found.items()):
        timing_panel(np, ax, name, attempts)
    fig.suptitle('timing: latency distribution, model against measured (QD1, the last attempt '
                 'of each run; thin lines: single runs)', fontsize=10)
    fig.tight_layout()
    path = os.path.join(directory, 'timing-latency-cdf.png')
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return [path]


def pyplot():
    """matplotlib's pyplot with the Agg backend (no display), or None.
    Debian's python3-matplotlib serves Debian's interpreter: when the
    python3 found first is another one (a virtual environment, say) without
    matplotlib, the script runs again under Debian's."""
    try:
        import matplotlib
    except ImportError:
        # A virtual environment's python3 may be a link to Debian's own,
        # and still not see Debian's packages: sys.prefix tells.
        other = os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) or \
            sys.prefix != sys.base_prefix
        if other and os.access(DEBIAN_PYTHON, os.X_OK) and \
                not os.environ.get('VSSD_PLOT_REEXEC'):
            sys.stdout.flush()
            env = dict(os.environ, VSSD_PLOT_REEXEC='1')
            os.execve(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] +
                      sys.argv[1:], env)
        return None
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ('tcp', 'emu', 'zns', 'kv', 'timing') or \
            (sys.argv[1] in ('tcp', 'emu', 'zns') and len(sys.argv) != 5):
        print('usage: ' + __doc__.rsplit('usage: ', 1)[1].rstrip(), file=sys.stderr)
        return 2
    name, directory = sys.argv[1:3]
    plt = pyplot()
    if plt is None:
        print('# plots: python3-matplotlib is not installed; table only')
        return 0
    if name == 'kv':
        paths = kv_plots(plt, directory)
    elif name == 'timing':
        paths = timing_plots(plt, directory)
    else:
        paths = fio_plots(plt, name, directory, sys.argv[3], sys.argv[4])
    if not paths:
        print('# plots: nothing to plot in %s' % directory)
    for path in paths:
        print('# plot: %s' % path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
