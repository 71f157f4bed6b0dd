"""Settings strings: every control position of a panel in one short, shareable string.

The string is URL-safe base64 of a small JSON object (version, panel name, the index of
each control's value, hidden and locked controls). It is parsed, never evaluated or
unpickled, and checked strictly: a string from elsewhere gets a clear error.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

SETTINGS_VERSION = 1


def encode_settings(
    panel: str,
    positions: Mapping[str, int],
    *,
    hidden: Sequence[str] = (),
    locked: Sequence[str] = (),
) -> str:
    """The settings string of a panel's control positions.

    Example:
        >>> encode_settings("DropoutPanel", {"dropout": 3})
    """
    payload: dict[str, Any] = {"v": SETTINGS_VERSION, "panel": panel, "values": dict(positions)}
    if hidden:
        payload["hidden"] = list(hidden)
    if locked:
        payload["locked"] = list(locked)
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_settings(settings: str) -> dict:
    """Parse a settings string into ``{"panel", "values", "hidden"?, "locked"?}``.

    Example:
        >>> decode_settings(encode_settings("DropoutPanel", {"dropout": 3}))["values"]
    """
    if not isinstance(settings, str):
        raise TypeError(f"Expected `settings` to be a string. Received: {type(settings).__name__}")
    try:
        raw = base64.urlsafe_b64decode(settings + "=" * (-len(settings) % 4))
        payload = json.loads(raw.decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(
            f"Expected `settings` to be a string from `panel.settings`: {exc}"
        ) from None
    if not isinstance(payload, dict) or payload.get("v") != SETTINGS_VERSION:
        raise ValueError("Expected `settings` from this version of tunelab.")
    values = payload.get("values")
    if not isinstance(values, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        for k, v in values.items()
    ):
        raise ValueError("Expected `settings` to hold control positions as integers.")
    for key in ("hidden", "locked"):
        if not all(isinstance(x, str) for x in payload.get(key, [])):
            raise ValueError(f"Expected `{key}` in settings to be a list of names.")
    return payload


def values_from_positions(controls: Mapping[str, Any], positions: Mapping[str, int]) -> dict:
    """Control values for the positions a settings string records (checked)."""
    values = {}
    for field, index in positions.items():
        if field not in controls:
            raise ValueError(f"Settings name a control this panel lacks: {field!r}")
        choices = controls[field].choices
        if not 0 <= index < len(choices):
            raise ValueError(f"Settings position {index} is out of range for {field!r}")
        values[field] = choices[index]
    return values
