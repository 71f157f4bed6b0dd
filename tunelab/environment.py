"""`check_install()`: is this Python ready for the lessons?

Example:
    >>> import tunelab as tl
    >>> tl.check_install()  # prints one line per requirement
"""

from __future__ import annotations

from importlib import metadata

# (distribution, minimum version, why the lessons need it)
REQUIREMENTS = (
    ("tensorflow", "2.16", "the training engine"),
    ("keras", "3.0", "layers, optimizers and schedules"),
    ("numpy", "1.26", "arrays"),
    ("matplotlib", "3.8", "plots"),
    ("ipywidgets", "8.1", "sliders"),
    ("ipympl", "0.9.4", "live figures in JupyterLab"),
    ("scikit-learn", "1.8", "reference models and search"),
)

# Distributions that install the same import; Linux x86_64 installs TensorFlow's CPU build.
ALTERNATIVES = {"tensorflow": ("tensorflow", "tensorflow-cpu")}


def _installed_version(name: str) -> str | None:
    for distribution in ALTERNATIVES.get(name, (name,)):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    return None


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_install(verbose: bool = True) -> dict[str, bool]:
    """Check every package the lessons need against its minimum version.

    Args:
        verbose: print one line per package ("ok" or what to do).

    Returns:
        ``{package: ok}``.

    Example:
        >>> ok = check_install(verbose=False)
        >>> all(ok.values())
    """
    status = {}
    for name, minimum, purpose in REQUIREMENTS:
        installed = _installed_version(name)
        ok = installed is not None and _version_tuple(installed) >= _version_tuple(minimum)
        status[name] = ok
        if verbose:
            verdict = "ok" if ok else f"needs >= {minimum} (found {installed}); run `make lab`"
            print(f"{name:>12} >= {minimum:<6} for {purpose}: {verdict}")
    return status
