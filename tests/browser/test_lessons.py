"""Every lesson, run top to bottom in JupyterLab in a real (headless) Chromium.

For each notebook in ``notebooks/`` (found when the tests are collected, so new lessons
are picked up without editing this file) the test opens it, runs Run → Run All Cells
from the menu bar, waits for every cell to finish, and checks what a learner would see:

- no error output (a traceback), no widget that failed to display, and no request
  leaving 127.0.0.1 (they are refused, as in a classroom without network);
- every ipympl figure is drawn (a canvas of nonzero size that is not one flat colour);
- no panel shows its figure twice;
- every panel (found by its ``.tunelab-status`` line) answers the keyboard: its first
  slider moves one step and, within 5 s, the canvas pixels and the status line change
  (or, when the rounded status reads the same, the panel's Settings field does).

Cells are numbered from 1, markdown cells included, as in JupyterLab's status bar
("Cell 7/43"). A screenshot of each lesson is saved to
``test-artifacts/browser/<lesson>.png``, and one of the first panel of 00_start_here (of
the first lesson with a panel, while 00 has none) to ``test-artifacts/browser/readme.png``.
"""

from __future__ import annotations

import time
from pathlib import Path

import harness as bb
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
README_LESSON = "00_start_here"  # its first panel is the README candidate…
_README_TAKEN: list[Path] = []  # …or, while it has none, the first panel of a later lesson
RUN_TIMEOUT_MS = 120_000  # Run All of one lesson (each is designed to take ≤ 45 s)
SETTLE_TIMEOUT_MS = 30_000  # widgets and figures drawn after the last cell finished
MOVE_TIMEOUT_MS = 5_000  # slider key press → new pixels and a new status line
LATE_WATCH_MS = 15_000  # after a miss: how late was it? (diagnosis only, once per lesson)
README_MAX_WIDTH = 900

# Texts the front end shows when a widget cannot be displayed (ipywidgets 8 writes
# "Error displaying widget: model not found", or shows an error view whose text is
# "Click to show javascript error." when a widget's front-end module is missing).
WIDGET_FAILURES = (
    "Error displaying widget",
    "Model not found",
    "Failed to load model class",
    "Click to show javascript error",
    "Loading widget...",  # still loading once every cell has run and the page settled
)

# Marks every panel (the box holding a `.tunelab-status` line) and describes it.
PANELS_JS = """
(canvasSelector) => {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const statuses = [...document.querySelectorAll('.jp-Notebook .tunelab-status')];
  return statuses.map((status, i) => {
    const root = status.closest('.widget-html').closest('.widget-vbox, .widget-box');
    root.setAttribute('data-test-panel', String(i));
    const canvas = root.querySelector(canvasSelector);
    if (canvas) canvas.setAttribute('data-test-canvas', String(i));
    // Controls come first in the panel (a box before the figure); the epoch slider
    // comes after the figure and is not a control.
    const figure = root.querySelector('.jupyter-matplotlib');
    let slider = null;
    for (const handle of root.querySelectorAll('.widget-slider .noUi-handle')) {
      if (figure && (figure.compareDocumentPosition(handle) & Node.DOCUMENT_POSITION_FOLLOWING))
        break;
      const target = handle.closest('.noUi-target');
      if (!visible(handle) || target.hasAttribute('disabled')) continue;
      slider = handle;
      break;
    }
    if (slider) slider.setAttribute('data-test-slider', String(i));
    const cell = root.closest('.jp-Cell');
    return {
      index: i,
      cell: cell ? [...document.querySelectorAll('.jp-Notebook .jp-Cell')].indexOf(cell) + 1 : 0,
      status: status.textContent.trim(),
      statusClass: status.className,
      hasCanvas: !!canvas,
      hasSlider: !!slider,
      sliderLabel: slider ? (slider.closest('.widget-slider').querySelector('.widget-label')
                             || {}).textContent : null,
      value: slider ? Number(slider.getAttribute('aria-valuenow')) : null,
      max: slider ? Number(slider.getAttribute('aria-valuemax')) : null,
    };
  });
}
"""

# Every ipympl canvas in the notebook: its cell, whether it is inside a panel, its pixels.
FIGURES_JS = """
([canvasSelector, stateJs]) => {
  const state = eval(stateJs);
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  return [...document.querySelectorAll('.jp-Notebook ' + canvasSelector)].map((canvas) => ({
    cell: cells.indexOf(canvas.closest('.jp-Cell')) + 1,
    panel: (canvas.closest('[data-test-panel]') || {dataset: {}}).dataset.testPanel ?? null,
    ...state(canvas),
  }));
}
"""

# (cell number, failure text) for every output showing one of the failure texts.
WIDGET_FAILURES_JS = """
(texts) => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const found = [];
  cells.forEach((cell, i) => {
    const area = cell.querySelector('.jp-OutputArea');
    const text = area ? area.textContent.toLowerCase() : '';
    for (const t of texts) if (text.includes(t.toLowerCase())) found.push([i + 1, t]);
  });
  return found;
}
"""

ERRORS_JS = """
() => {
  const found = [];
  for (const out of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')) {
    const mime = out.getAttribute('data-mime-type') || '';
    const text = out.textContent || '';
    if (mime.includes('error') || (mime.includes('stderr') && text.includes('Traceback')))
      found.push(text.slice(0, 1500));
  }
  return found;
}
"""


def _lesson_id(path: Path) -> str:
    return path.stem


def _hide_side_panel(page) -> None:
    """Collapse the file browser so the notebook gets the width (for the screenshots)."""
    page.evaluate(
        """() => { const app = window.jupyterapp;
                   if (app && app.shell.leftCollapsed === false) app.shell.collapseLeft(); }"""
    )


def _settle(page, ms: int = 400) -> None:
    """Let a scrolled notebook paint (cells off screen are rendered lazily)."""
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    page.wait_for_timeout(ms)


def _scroll_to_top(page, element) -> None:
    """Scroll the notebook so that ``element`` starts at its top edge.

    The notebook lays cells out lazily: cells above get their real height only once
    painted, so one scroll can land short. Repeat until the element stays put.
    """
    for _ in range(6):
        element.evaluate("(el) => el.scrollIntoView({block: 'start'})")
        _settle(page, 300)
        offset = element.evaluate(
            """(el) => { const outer = el.closest('.jp-WindowedPanel-outer');
                         const top = outer ? outer.getBoundingClientRect().top : 0;
                         return el.getBoundingClientRect().top - top; }"""
        )
        if abs(offset) < 4:
            return


def _canvas_hash(page, index: int) -> int:
    return bb.canvas_state(page.locator(f'[data-test-canvas="{index}"]'))["hash"]


def _figures(page) -> list[dict]:
    return page.evaluate(FIGURES_JS, [bb.IPYMPL_CANVAS, bb.CANVAS_STATE_JS])


def _wait_drawn(page, timeout_ms: float) -> None:
    """Wait until no widget is still loading and every figure and status is drawn."""
    page.wait_for_function(
        """([canvasSelector, stateJs]) => {
          const state = eval(stateJs);
          const notebook = document.querySelector('.jp-Notebook');
          if (!notebook || notebook.textContent.includes('Loading widget...')) return false;
          const statuses = [...notebook.querySelectorAll('.tunelab-status')];
          if (statuses.some((s) => !s.textContent.trim() || s.classList.contains('busy')))
            return false;
          return [...notebook.querySelectorAll(canvasSelector)].every((c) => !state(c).blank);
        }""",
        arg=[bb.IPYMPL_CANVAS, bb.CANVAS_STATE_JS],
        timeout=timeout_ms,
        polling=250,
    )


def _screenshot_readme(page, panel: dict, path: Path) -> None:
    """A README candidate: one panel, clipped to its content (at most 900 px wide)."""
    element = page.locator(f'[data-test-panel="{panel["index"]}"]')
    viewport = page.viewport_size
    height = element.bounding_box()["height"]
    if height + 200 > viewport["height"]:  # room for the whole panel, for this one shot
        page.set_viewport_size({"width": viewport["width"], "height": int(height) + 200})
        _settle(page)  # JupyterLab lays itself out again
    try:
        _scroll_to_top(page, element)
        box = element.bounding_box()
        # The panel's box spans the whole output area; its content is narrower.
        right = element.evaluate(
            """(root) => Math.max(...[...root.querySelectorAll(
                 '.jupyter-matplotlib-figure, .widget-slider, .widget-toggle-buttons, '
                 + '.widget-dropdown, .widget-text, .widget-play, .widget-button')]
               .map((el) => el.getBoundingClientRect().right))"""
        )
        width = min(max(right - box["x"] + 8, 100), box["width"], README_MAX_WIDTH)
        page.screenshot(
            path=str(path),
            clip={"x": box["x"], "y": box["y"], "width": width, "height": box["height"]},
        )
    finally:
        page.set_viewport_size(viewport)
    _README_TAKEN.append(path)


def _move_first_slider(page, panel: dict, watch_ms: float) -> str | None:
    """Press an arrow key on a panel's first slider; describe what did not follow.

    The kernel must answer within `MOVE_TIMEOUT_MS`: new pixels on the canvas and a new
    status line. A status line may legitimately read the same for two neighbouring
    values (rounded numbers); then the panel's Settings field, which encodes every
    control position and is rewritten on each redraw, must show the new setting.
    """
    i = panel["index"]
    root = page.locator(f'[data-test-panel="{i}"]')
    status = root.locator(".tunelab-status")
    settings = root.locator(".widget-text input").last
    handle = page.locator(f'[data-test-slider="{i}"]')
    handle.scroll_into_view_if_needed()
    before_hash = _canvas_hash(page, i)
    before_status = status.text_content().strip()
    before_settings = settings.input_value() if settings.count() else None
    key = "ArrowLeft" if panel["value"] >= panel["max"] else "ArrowRight"
    handle.focus()
    page.keyboard.press(key)
    pressed = time.monotonic()
    moved = pixels = text = False
    times: dict[str, float] = {}
    now_status, now_class = before_status, ""
    # Past the limit, keep watching a while only to say how late the panel was.
    watch_ms = max(watch_ms, MOVE_TIMEOUT_MS)
    while time.monotonic() < pressed + watch_ms / 1000:
        moved = moved or float(handle.get_attribute("aria-valuenow")) != panel["value"]
        pixels = pixels or _canvas_hash(page, i) != before_hash
        now_status = status.text_content().strip()
        now_class = status.get_attribute("class") or ""
        settled = "busy" not in now_class.split()
        text = settled and (
            now_status != before_status
            or (before_settings is not None and settings.input_value() != before_settings)
        )
        for what, ok in (("canvas pixels", pixels), ("status line", text)):
            if ok:
                times.setdefault(what, 1000 * (time.monotonic() - pressed))
        if (moved and pixels and text) or "error" in now_class.split():
            break
        if not moved and time.monotonic() > pressed + MOVE_TIMEOUT_MS / 1000:
            break
        time.sleep(0.05)
    label = f"panel {i} (cell {panel['cell']}, slider {panel['sliderLabel']!r}, {key})"
    if not moved:
        return f"{label}: the slider did not move on {key}"
    if "error" in now_class.split():
        return f"{label}: the status shows an error: {now_status}"
    late = {
        what: times.get(what)
        for what in ("canvas pixels", "status line")
        if times.get(what, float("inf")) > MOVE_TIMEOUT_MS
    }
    if late:
        return (
            f"{label}: "
            + " and ".join(
                f"{what} changed only after {ms / 1000:.1f} s"
                if ms is not None
                else f"{what} did not change (watched {watch_ms / 1000:.0f} s)"
                for what, ms in late.items()
            )
            + f"; the limit is {MOVE_TIMEOUT_MS / 1000:.0f} s "
            f"(status before: {before_status!r}, after: {now_status!r})"
        )
    return None


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_lesson_id)
def test_lesson_in_browser(notebook: Path, lab_server, lab_page, artifacts_dir):
    page = lab_page
    bb.open_notebook(page, lab_server, notebook.name)
    _hide_side_panel(page)
    try:
        _check_lesson(page, notebook, artifacts_dir)
    finally:
        try:
            page.screenshot(path=str(artifacts_dir / f"{notebook.stem}.png"))
        except Exception as exc:  # never hide the test's own failure
            print(f"no screenshot of {notebook.name}: {exc}")


def _check_lesson(page, notebook: Path, artifacts_dir: Path) -> None:
    started = time.monotonic()
    bb.run_all_cells(page)
    try:
        skipped = bb.wait_run_finished(page, RUN_TIMEOUT_MS)
    except Exception:  # Playwright's TimeoutError: say which cells never finished
        pytest.fail(
            f"{notebook.name}: Run All did not finish within {RUN_TIMEOUT_MS / 1000:.0f} s; "
            f"cell prompts {bb.cell_prompts(page)}; errors so far: {page.evaluate(ERRORS_JS)}"
        )
    if skipped:
        errors = "\n---\n".join(page.evaluate(ERRORS_JS)) or "(no error output shown)"
        pytest.fail(
            f"{notebook.name}: Run All stopped early; cells {[i + 1 for i in skipped]} "
            f"never ran. Error output:\n{errors}"
        )
    bb.wait_kernel_idle(page, RUN_TIMEOUT_MS)
    run_seconds = time.monotonic() - started

    try:
        _wait_drawn(page, SETTLE_TIMEOUT_MS)
    except Exception:
        pass  # the checks below say precisely what is missing

    # Problems a learner would see right after Run All; the slider moves come after.
    problems: list[str] = []
    problems += [
        f"a widget failed to display in cell {cell}: {text!r}"
        for cell, text in page.evaluate(WIDGET_FAILURES_JS, list(WIDGET_FAILURES))
    ]
    problems += [f"error output:\n{text}" for text in page.evaluate(ERRORS_JS)]
    problems += [
        f"the page tried to fetch {url} (refused: no network)" for url in page.external_requests
    ]
    dialogs = page.locator(".jp-Dialog-content")
    if dialogs.count():
        problems.append(f"a dialog is open: {dialogs.first.inner_text()}")

    panels = page.evaluate(PANELS_JS, bb.IPYMPL_CANVAS)
    figures = _figures(page)
    for figure in figures:
        where = f"the figure in cell {figure['cell']}" + (
            f" (panel {figure['panel']})" if figure["panel"] is not None else ""
        )
        if not (figure["width"] and figure["height"] and figure["cssWidth"]):
            problems.append(f"{where} has no size: {figure}")
        elif figure["blank"]:
            problems.append(f"{where} is blank (nothing drawn)")

    for panel in panels:
        label = f"panel {panel['index']} (cell {panel['cell']})"
        if not panel["hasCanvas"]:
            problems.append(f"{label} has no ipympl canvas (is %matplotlib widget on?)")
            continue
        if "error" in panel["statusClass"].split() or "figures are static" in panel["status"]:
            problems.append(f"{label} status: {panel['status']}")
        mine = next(f for f in figures if f["panel"] == str(panel["index"]))
        # Two views of one ipympl figure show the same pixels: the panel's figure is also
        # displayed on its own (ipympl shows every figure created while matplotlib is
        # interactive at the end of the cell that created it).
        twins = [
            f"cell {f['cell']}"
            for f in figures
            if not mine["blank"]
            and f["panel"] is None
            and (f["hash"], f["width"], f["height"])
            == (mine["hash"], mine["width"], mine["height"])
        ]
        if twins:
            problems.append(
                f"{label}: its figure is shown a second time, outside the panel, in "
                f"{', '.join(twins)} (ipympl displays a figure created while matplotlib is "
                "interactive at the end of its cell; create the panel's figure under "
                "plt.ioff())"
            )

    if panels and notebook.stem == README_LESSON:
        _screenshot_readme(page, panels[0], artifacts_dir / "readme.png")
    elif panels and not _README_TAKEN:  # prefer a panel that shows a slider
        pick = next((p for p in panels if p["hasSlider"]), panels[0])
        _screenshot_readme(page, pick, artifacts_dir / "readme.png")

    broken = any(p.startswith(("a widget failed", "error output")) for p in problems)
    watch_ms = LATE_WATCH_MS
    for panel in panels:
        if broken or not panel["hasCanvas"] or not panel["hasSlider"]:
            continue  # toggles and dropdowns only: the canvas was checked above
        problem = _move_first_slider(page, panel, watch_ms)
        if problem:
            problems.append(problem)
            watch_ms = MOVE_TIMEOUT_MS  # one late-watch per lesson keeps failing runs short
    if panels:  # the screenshot shows the first panel
        _scroll_to_top(page, page.locator('[data-test-panel="0"]'))
    print(
        f"{notebook.name}: Run All {run_seconds:.1f} s, {len(panels)} panels, "
        f"{len(figures)} figures, {len(problems)} problems"
    )
    if problems and page.console_errors:
        problems.append(f"browser console errors (first 3): {page.console_errors[:3]}")
    assert not problems, f"{notebook.name}: {len(problems)} problem(s):\n- " + "\n- ".join(problems)
