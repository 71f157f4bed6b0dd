"""Size classes and the padded layout of a network, so that few shapes are ever compiled.

A learner's click on a new network, feature set or training size must not wait for XLA,
so the compiled loop (`tunelab.training.compiled`) runs a padded copy whose shape is a
*size class*: hidden layers padded to a width and depth class, input features padded with
zero columns, the training and validation sets padded with zero-weight rows. The padding
never changes the arithmetic of the real network:

- padded inputs are zero and padded units are masked to zero after their activation, so
  they add exact zeros to every sum and their weights get a zero gradient; padded
  weights start at zero (L1 and L2 have zero gradient there, weight decay keeps zero,
  every optimizer rule maps a zero gradient and zero state to a zero step);
- a layer past the real depth passes its input through unchanged (every hidden layer of
  a class has the same width, so the real network's last hidden layer feeds the output
  layer directly);
- padded rows have weight zero in the loss and are left out of every metric.

Initial weights are drawn for the real shape and embedded in zeros (`Layout.embed`); the
trained weights are read back out (`Layout.extract`). ``PADDING = False`` makes every
class the real shape: the unpadded computation the tests compare the padded one against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DEPTH_CLASSES",
    "PADDING",
    "WIDTH_CLASSES",
    "Layout",
    "depth_class",
    "feature_class",
    "rows_class",
    "size_class",
    "width_class",
]

#: Whether the engine pads to size classes (tests set it to False for the reference).
PADDING = True
#: From 8: a layer of 4 units costs a few milliseconds more in the class of 8 (a 1×4
#: network's 300 epochs: about 9.5 → 15 ms), and a click between 1×4 and 1×8 then finds
#: its function compiled instead of waiting about two seconds for XLA.
WIDTH_CLASSES = (8, 16, 32, 64, 128, 256, 512, 1024)
DEPTH_CLASSES = (1, 2, 4, 8)


def _smallest_at_least(n: int, classes: Sequence[int]) -> int:
    return next(c for c in classes if c >= n)


def width_class(width: int) -> int:
    """The padded width of a hidden layer ``width`` units wide: 8, 16, 32, …, 1024.

    Example:
        >>> width_class(5), width_class(16)
        (8, 16)
    """
    return _smallest_at_least(width, WIDTH_CLASSES)


def depth_class(depth: int) -> int:
    """The padded number of hidden layers: 1, 2, 4 or 8 (0, a linear model, stays 0).

    Example:
        >>> depth_class(3)
        4
    """
    return 0 if depth == 0 else _smallest_at_least(depth, DEPTH_CLASSES)


def feature_class(n: int) -> int:
    """The padded number of input features: 4, 8, 16, … (a power of two, at least 4).

    Two to four features share one class: a click from x₁, x₂ to three or four features
    (squares, product, sines) finds its function compiled. The layer from four inputs is
    still a fused broadcast multiply (`tunelab.training.compiled`); the reference run
    with 2 inputs padded to 4 was measured about 4 % slower (27.5 → 28.7 ms median).

    Example:
        >>> feature_class(2), feature_class(7)
        (4, 8)
    """
    return max(4, 1 << (n - 1).bit_length())


def rows_class(n: int) -> int:
    """The padded number of examples: 8 or more, eight classes per doubling (≤ 12 % waste).

    Example:
        >>> rows_class(400), rows_class(512)
        (416, 512)
    """
    if n <= 8:
        return 8
    step = 1 << max(0, (n - 1).bit_length() - 4)
    return math.ceil(n / step) * step


def size_class(n: int) -> int:
    """How many settings a sweep of ``n`` runs as: the smallest 2^k or 3·2^k ≥ n.

    That is 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, …

    Example:
        >>> size_class(24), size_class(25)
        (24, 32)
    """
    size = 1 << (n - 1).bit_length()
    three_quarters = 3 * size // 4
    return three_quarters if three_quarters >= n and size >= 4 else size


@dataclass(frozen=True)
class Layout:
    """Where a real network sits inside its padded copy.

    Args:
        n_in, hidden, n_out: the real network: input features, hidden widths, outputs.
        in_pad: padded input features.
        widths: padded hidden widths, one per padded layer.
        always_on: how many leading padded layers are real for every network of the class
            (the rest switch between a real layer and a pass-through at run time).

    Example:
        >>> Layout.of(2, (5, 16, 2), 1).widths
        (16, 16, 16, 16)
    """

    n_in: int
    hidden: tuple[int, ...]
    n_out: int
    in_pad: int
    widths: tuple[int, ...]
    always_on: int

    @classmethod
    def of(cls, n_in: int, hidden: tuple[int, ...], n_out: int, pad: bool = True) -> Layout:
        """The layout of the size class of this network (the real shape if not ``pad``)."""
        if not pad:
            return cls(n_in, hidden, n_out, n_in, tuple(hidden), len(hidden))
        depth = depth_class(len(hidden))
        width = width_class(max(hidden)) if hidden else 0
        smaller = [c for c in (0, *DEPTH_CLASSES) if c < depth]
        always_on = max(smaller) + 1 if depth else 0
        return cls(n_in, hidden, n_out, feature_class(n_in), (width,) * depth, always_on)

    def class_key(self) -> tuple:
        """What of the layout a compiled function depends on (the real shape is not)."""
        return (self.in_pad, self.widths, self.always_on, self.n_out)

    def real_shapes(self) -> list[tuple[int, int]]:
        """(fan_in, fan_out) of every real dense layer, input to output."""
        sizes = (self.n_in, *self.hidden, self.n_out)
        return list(zip(sizes[:-1], sizes[1:], strict=True))

    def padded_shapes(self) -> list[tuple[int, int]]:
        """(fan_in, fan_out) of every padded dense layer, input to output."""
        sizes = (self.in_pad, *self.widths, self.n_out)
        return list(zip(sizes[:-1], sizes[1:], strict=True))

    def _slot(self, layer: int) -> int:
        """The padded layer that holds real layer ``layer`` (the output layer is last)."""
        return layer if layer < len(self.hidden) else len(self.widths)

    def embed(self, weights: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Real ``(W1, b1, …)`` (any leading axes) placed in zero-filled padded arrays."""
        lead = weights[0].shape[:-2]
        out = []
        for fan_in, fan_out in self.padded_shapes():
            out += [np.zeros((*lead, fan_in, fan_out), np.float32)]
            out += [np.zeros((*lead, fan_out), np.float32)]
        for layer, (fan_in, fan_out) in enumerate(self.real_shapes()):
            slot = self._slot(layer)
            out[2 * slot][..., :fan_in, :fan_out] = weights[2 * layer]
            out[2 * slot + 1][..., :fan_out] = weights[2 * layer + 1]
        return out

    def extract(self, padded: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The real ``(W1, b1, …)`` read out of padded arrays (any leading axes)."""
        out = []
        for layer, (fan_in, fan_out) in enumerate(self.real_shapes()):
            slot = self._slot(layer)
            out += [padded[2 * slot][..., :fan_in, :fan_out], padded[2 * slot + 1][..., :fan_out]]
        return out

    def extract_flat(self, flat: np.ndarray) -> np.ndarray:
        """Real weights, flattened, from padded weights flattened on the last axis."""
        lead, pieces, offset = flat.shape[:-1], [], 0
        for fan_in, fan_out in self.padded_shapes():
            for shape in ((fan_in, fan_out), (fan_out,)):
                size = math.prod(shape)
                pieces.append(flat[..., offset : offset + size].reshape(*lead, *shape))
                offset += size
        real = self.extract(pieces)
        return np.concatenate([w.reshape(*lead, -1) for w in real], axis=-1)

    def unit_masks(self) -> list[np.ndarray]:
        """Per padded hidden layer, 1 for real units and 0 for padding."""
        masks = []
        for layer, width in enumerate(self.widths):
            mask = np.zeros(width, np.float32)
            mask[: self.hidden[layer] if layer < len(self.hidden) else 0] = 1
            masks.append(mask)
        return masks

    def layer_on(self) -> np.ndarray:
        """Per padded hidden layer, whether it is a real layer (else a pass-through)."""
        return np.arange(len(self.widths)) < len(self.hidden)

    def real_widths(self) -> np.ndarray:
        """Per padded hidden layer, the real width (dropout's random numbers follow it)."""
        widths = list(self.hidden) + [0] * (len(self.widths) - len(self.hidden))
        return np.array(widths, np.int32)

    def kernel_masks(self) -> list[np.ndarray]:
        """Per padded kernel, 1 where it holds a real weight and 0 where padding."""
        masks = [np.zeros(shape, np.float32) for shape in self.padded_shapes()]
        for layer, (fan_in, fan_out) in enumerate(self.real_shapes()):
            masks[self._slot(layer)][:fan_in, :fan_out] = 1
        return masks
