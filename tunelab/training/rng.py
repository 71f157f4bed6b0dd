"""Stateless random numbers keyed by (seed, counter), for the compiled engine.

Deterministic, independent of how many settings K train together (each member's draws
are keyed by its own seed, never by its position), and cheap under XLA: a few integer ops
per number and no RNG state to carry through the loop. Shuffles and dropout masks come
from here, and so does `tunelab.training.apply_dropout`, so a lesson can show the very
mask the engine used.
"""

from __future__ import annotations

from tunelab.training.backend import tf

__all__ = ["fmix", "hash_at", "hash_bits", "grid_index", "uniform", "uniform_at"]

_M1 = 0x85EBCA6B
_M2 = 0xC2B2AE35


def fmix(h: tf.Tensor) -> tf.Tensor:
    """MurmurHash3's 32-bit finalizer: a bijective mix of all input bits."""
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))
    h = h * tf.constant(_M1, tf.uint32)
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 13))
    h = h * tf.constant(_M2, tf.uint32)
    return tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))


def hash_at(seeds: tf.Tensor, a: tf.Tensor, b: int, index: tf.Tensor) -> tf.Tensor:
    """Uniform 32-bit integers of shape (K, *index.shape), keyed by seed, a, b and ``index``.

    ``index`` says which number of the stream each position gets, so a padded array can
    draw, at its real positions, exactly the numbers the unpadded array draws.

    Example:
        >>> hash_at(tf.constant([0, 1]), tf.constant(0), 7, tf.range(3, dtype=tf.uint32))
    """
    key = fmix(tf.cast(seeds, tf.uint32) * tf.constant(0x9E3779B9, tf.uint32) + 0x632BE5AB)
    key = fmix(tf.bitwise.bitwise_xor(key, tf.cast(a, tf.uint32)) + tf.constant(b, tf.uint32))
    index = tf.cast(index, tf.uint32)[None]
    for _ in range(len(index.shape) - 1):
        key = key[..., None]
    return fmix(tf.bitwise.bitwise_xor(index * tf.constant(0x27D4EB2F, tf.uint32), key))


def grid_index(rows: tf.Tensor, cols: int, width: tf.Tensor) -> tf.Tensor:
    """The stream index ``r · width + c`` of every position of a (rows, cols) array.

    With ``width`` the real width of a padded array, its real positions get the indices
    they have in the unpadded (rows, width) array, in row-major order.

    Example:
        >>> grid_index(tf.constant(2), 4, tf.constant(3))  # [[0, 1, 2, 3], [3, 4, 5, 6]]
    """
    r = tf.range(rows, dtype=tf.int32)[:, None]
    return tf.cast(
        r * tf.cast(width, tf.int32) + tf.range(cols, dtype=tf.int32)[None, :], tf.uint32
    )


def hash_bits(seeds: tf.Tensor, a: tf.Tensor, b: int, tail: tf.Tensor) -> tf.Tensor:
    """Uniform 32-bit integers of shape (K, *tail), keyed by each member's seed, a and b.

    Example:
        >>> hash_bits(tf.constant([0, 1]), tf.constant(0), 7, [3]).shape  # (2, 3)
    """
    tail = tf.convert_to_tensor(tail, tf.int32)
    index = tf.cast(tf.range(tf.reduce_prod(tail), dtype=tf.int32), tf.uint32)
    return hash_at(seeds, a, b, tf.reshape(index, tail))


def _to_unit(h: tf.Tensor) -> tf.Tensor:
    return tf.cast(tf.bitwise.right_shift(h, 8), tf.float32) * (1.0 / 16777216.0)


def uniform(seeds: tf.Tensor, a: tf.Tensor, b: int, tail: tf.Tensor) -> tf.Tensor:
    """Uniform [0, 1) floats with 24 random bits, shape (K, *tail).

    Example:
        >>> uniform(tf.constant([3]), tf.constant(0), 1, [4]).numpy()  # four numbers in [0, 1)
    """
    return _to_unit(hash_bits(seeds, a, b, tail))


def uniform_at(seeds: tf.Tensor, a: tf.Tensor, b: int, index: tf.Tensor) -> tf.Tensor:
    """`uniform`'s numbers at the stream positions ``index`` (see `hash_at`), (K, *shape).

    Example:
        >>> uniform_at(tf.constant([3]), tf.constant(0), 1, tf.range(4, dtype=tf.uint32))
    """
    return _to_unit(hash_at(seeds, a, b, index))
