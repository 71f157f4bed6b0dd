"""`python -m tunelab.bench`: speed and memory, one JSON line per figure.

Every timing is a median over repeated runs, and the comparison with the usual way of
doing it (a Keras model and ``model.fit`` per slider move) is measured side by side in
the same process, so the ratio holds on whatever machine runs it.

Example:
    $ python -m tunelab.bench            # full run (about two minutes)
    $ python -m tunelab.bench --quick    # fewer repeats
    $ python -m tunelab.bench --classroom   # N students' kernels on one machine
    $ make bench BENCH_ARGS="--browser --before ../before"   # in Chromium, and older code

What a learner sees in a real browser (key press to new canvas pixels, frames on screen
during a drag, first visits of the playground's dropdowns, compilations in a scripted
playground session) is measured by the checkout's browser harness, which `make bench` runs
next and ``--browser --harness PATH`` starts: it needs the repository's offline guard and a
Chromium, so it is not part of the installed package (`make bench` passes its path).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import tunelab as tl
from tunelab.training import clear_cache, trace_count

REFERENCE = tl.TrainConfig(
    hidden=(16, 16),
    activation="relu",
    optimizer="adam",
    learning_rate=0.03,
    epochs=300,
    batch_size=None,
    l2=1e-3,
    dropout=0.2,
    seed=0,
)


def reference_data() -> tl.Dataset:
    return tl.load_dataset("moons", n_samples=800, noise=0.3, val_fraction=0.5, seed=0)


# The targets of issue 13 and the no-regression limits, printed beside each figure.
TARGETS = {
    "reference_train_ms": "<= 15",
    "speedup_vs_model_fit": ">= 150",
    "sweep_24_over_one_run": "<= 8",
    "rss_growth_300_trains_mb": "<= 50",
    "traces_added_by_300_trains": "0",
    "panel_move_uncached_ms": "<= 120",
    "panel_move_cached_ms": "<= 25",
    "soak_rss_growth_mb": "<= 80",
    "soak_open_figures_added": "0",
    "soak_traces_added": "0",
}


def emit(name: str, value: float, unit: str, **extra) -> dict:
    """Print one figure as a JSON line, with its target from `TARGETS` unless given.

    Example:
        >>> emit("reference_train_ms", 14.2, "ms", runs=9)  # ... "target": "<= 15"}
    """
    if name in TARGETS:
        extra.setdefault("target", TARGETS[name])
    row = {"name": name, "value": round(float(value), 3), "unit": unit, **extra}
    print(json.dumps(row), flush=True)
    return row


def rss_mb() -> float:
    """Current resident memory in MB (Linux /proc; peak RSS elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_ms(fn: Callable[[], object], repeats: int, *, fresh: bool = True) -> list[float]:
    times = []
    for _ in range(repeats):
        if fresh:
            clear_cache()
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return times


def keras_fit_once(data: tl.Dataset, config: tl.TrainConfig) -> float:
    """The way most tutorials retrain on every slider move: a new model and model.fit."""
    import keras

    keras.utils.set_random_seed(config.seed)
    layers = [keras.Input((data.x_train.shape[1],))]
    for width in config.hidden:
        layers.append(
            keras.layers.Dense(
                width, config.activation, kernel_regularizer=keras.regularizers.L2(config.l2)
            )
        )
        layers.append(keras.layers.Dropout(config.dropout))
    layers.append(keras.layers.Dense(1, "sigmoid"))
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(config.learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        data.x_train,
        data.y_train,
        epochs=config.epochs,
        batch_size=len(data.y_train),
        validation_data=(data.x_val, data.y_val),
        verbose=0,
    )
    return float(history.history["val_loss"][-1])


def bench_engine(repeats: int, keras_repeats: int) -> None:
    data = reference_data()
    start = time.perf_counter()
    tl.train(data, REFERENCE)
    emit("first_train_including_compile_ms", 1000 * (time.perf_counter() - start), "ms")

    ours = median_ms(lambda: tl.train(data, REFERENCE), repeats)
    ours_ms = statistics.median(ours)
    emit("reference_train_ms", ours_ms, "ms", runs=len(ours))

    keras_fit_once(data, REFERENCE)  # warm-up: Keras traces its own train step once
    theirs = median_ms(lambda: keras_fit_once(data, REFERENCE), keras_repeats)
    theirs_ms = statistics.median(theirs)
    emit("keras_model_fit_ms", theirs_ms, "ms", runs=len(theirs))
    emit("speedup_vs_model_fit", theirs_ms / ours_ms, "x")

    cached = median_ms(lambda: tl.train(data, REFERENCE), repeats, fresh=False)
    emit("cached_train_ms", statistics.median(cached), "ms", runs=len(cached))

    axes = {"l2": [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2], "dropout": [0.0, 0.1, 0.3, 0.5]}
    tl.sweep(data, REFERENCE, **axes)
    sweep_times = median_ms(lambda: tl.sweep(data, REFERENCE, **axes), repeats)
    sweep_ms = statistics.median(sweep_times)
    emit("sweep_24_settings_ms", sweep_ms, "ms", runs=len(sweep_times))
    emit("sweep_24_over_one_run", sweep_ms / ours_ms, "x")

    result = tl.train(data, REFERENCE)
    g = np.linspace(-3, 3, 200, dtype=np.float32)
    grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
    predict = median_ms(lambda: result.predict(grid), repeats, fresh=False)
    emit("predict_200x200_grid_ms", statistics.median(predict), "ms", runs=len(predict))

    gc.collect()
    traces_before, rss_before = trace_count(), rss_mb()
    for i in range(300):
        config = dataclasses.replace(
            REFERENCE, l2=1e-4 * (1 + i % 50), dropout=0.05 * (i % 10), seed=i // 50
        )
        tl.train(data, config)
    gc.collect()
    emit("rss_growth_300_trains_mb", rss_mb() - rss_before, "MB")
    emit("traces_added_by_300_trains", trace_count() - traces_before, "count")


def bench_panel(moves: int) -> None:
    """The dropout panel: time from a slider's value change to ``draw_idle``.

    The panel runs on the ipympl canvas, as in a lesson. Before the browser has shown it,
    ``draw_idle`` asks the browser to fetch a new image and the kernel renders it when
    asked; that full render is measured separately (``panel_render_ms``). Once shown, a
    move blits and sends its frame at once (``panel_move_shown_cached_ms``).
    """
    import matplotlib.pyplot as plt

    plt.switch_backend("module://ipympl.backend_nbagg")
    from tunelab.widgets import DropoutPanel

    rates = DropoutPanel.RATES
    uncached = DropoutPanel(precompute=False)
    times = []
    for i in range(moves):
        clear_cache()
        uncached.widgets["dropout"].index = (i + 1) % len(rates)
        times.append(uncached.last_latency_ms)
    emit("panel_move_uncached_ms", statistics.median(times), "ms", moves=moves)
    cached = DropoutPanel()
    times = []
    for i in range(moves):
        cached.widgets["dropout"].index = (i + 1) % len(rates)
        times.append(cached.last_latency_ms)
    emit("panel_move_cached_ms", statistics.median(times), "ms", moves=moves)
    renders = []
    for _ in range(moves):
        start = time.perf_counter()
        cached.figure.canvas.draw()
        renders.append(1000 * (time.perf_counter() - start))
    emit("panel_render_ms", statistics.median(renders), "ms", moves=moves)
    # Once the browser has shown the figure (its first message asks for an image), a move
    # draws and sends its frame itself, blitted over the cached background while the frame
    # holds: this is the kernel's whole share of a cached move, PNG encoding included.
    cached.shown_in_browser = True
    times = []
    for i in range(moves):
        start = time.perf_counter()
        cached.widgets["dropout"].index = (i + 1) % len(rates)
        times.append(1000 * (time.perf_counter() - start))
    emit("panel_move_shown_cached_ms", statistics.median(times), "ms", moves=moves,
         blits=cached.drawer.blits, full_draws=cached.drawer.full_draws)  # fmt: skip
    plt.close("all")


def bench_soak(moves: int = 1000, warmup: int = 100) -> None:
    """Memory soak: slider moves spread over three panels, as in a long class session."""
    import matplotlib.pyplot as plt

    plt.switch_backend("module://ipympl.backend_nbagg")
    from tunelab.widgets import DropoutPanel, RegularizationPanel, TrainingPanel

    panels = [DropoutPanel(), RegularizationPanel(), TrainingPanel()]
    sliders = [(p, field, len(p.controls[field].choices)) for p in panels for field in p.widgets]

    def move(i: int) -> None:
        panel, field, count = sliders[i % len(sliders)]
        panel.widgets[field].index = (i // len(sliders)) % count

    # Warm-up: every position of every control once, so each network shape has compiled.
    for panel, field, count in sliders:
        for index in range(count):
            panel.widgets[field].index = index
    for i in range(warmup):
        move(i)
    gc.collect()
    rss, figures, traces = rss_mb(), len(plt.get_fignums()), trace_count()
    clear_cache()  # so the measured moves train again instead of only reading the cache
    start = time.perf_counter()
    for i in range(warmup, warmup + moves):
        move(i)
    seconds = time.perf_counter() - start
    gc.collect()
    emit("soak_rss_growth_mb", rss_mb() - rss, "MB", moves=moves)
    emit("soak_open_figures_added", len(plt.get_fignums()) - figures, "count")
    emit("soak_traces_added", trace_count() - traces, "count")
    emit("soak_mean_move_ms", 1000 * seconds / moves, "ms", moves=moves)
    plt.close("all")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument(
        "--classroom", action="store_true", help="N kernels running a lesson and slider moves"
    )
    parser.add_argument("--students", default="1,2,4,8", help="with --classroom: the Ns")
    parser.add_argument("--moves", type=int, default=20, help="with --classroom: per student")
    parser.add_argument("--lesson", default="06_dropout.ipynb", help="with --classroom")
    parser.add_argument("--notebooks", default="notebooks", help="with --classroom: lessons")
    parser.add_argument(
        "--browser", action="store_true", help="only the browser bench (a checkout's harness)"
    )
    parser.add_argument("--before", help="with --browser: also measure this older checkout")
    parser.add_argument("--code-root", help="with --browser: measure this checkout's tunelab")
    parser.add_argument("--sections", help="with --browser: which measurements")
    parser.add_argument("--harness", help="with --browser: the checkout's harness.py")
    args = parser.parse_args(argv)
    if args.browser:
        return bench_browser(args)
    if args.classroom:
        from tunelab.classroom_bench import bench_classroom

        emit("python", 0, "", version=sys.version.split()[0], tensorflow=_tf_version())
        sizes = [int(n) for n in args.students.split(",")]
        bench_classroom(sizes, Path(args.notebooks), args.lesson, args.moves, emit)
        return 0
    repeats, keras_repeats = (5, 1) if args.quick else (9, 5)
    emit("python", 0, "", version=sys.version.split()[0], tensorflow=_tf_version())
    bench_engine(repeats, keras_repeats)
    bench_panel(20)
    bench_soak(300 if args.quick else 1000)
    return 0


def bench_browser(args: argparse.Namespace) -> int:
    """Run the repository's browser bench in its own process, its rows on our stdout."""
    harness = Path(args.harness) if args.harness else None
    if harness is None or not harness.is_file():
        reason = f"no harness at {harness} (run it from a checkout: make bench passes it)"
        emit("browser_bench_skipped", 0, "", reason=reason)
        return 0
    command = [sys.executable, str(harness)]
    command += ["--quick"] if args.quick else []
    for flag, value in (("--before", args.before), ("--code-root", args.code_root)):
        command += [flag, value] if value else []
    command += ["--sections", args.sections] if args.sections else []
    return subprocess.call(command)


def _tf_version() -> str:
    from tunelab.training.backend import tf

    return tf.__version__


if __name__ == "__main__":
    raise SystemExit(main())
