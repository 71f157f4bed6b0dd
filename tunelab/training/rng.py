"""Stateless random numbers keyed by (seed, counter), for the compiled engine.

Deterministic, independent of how many settings K train together (each member's draws
are keyed by its own seed, never by its position), and cheap under XLA: a few integer ops
per number and no RNG state to carry through the loop. Shuffles and dropout masks come
from here, and so does `tunelab.training.apply_dropout`, so a lesson can show the very
mask the engine used.
"""

from __future__ import annotations

from tunelab.training.backend import tf

__all__ = ["fmix", "hash_bits", "uniform"]

_M1 = 0x85EBCA6B
_M2 = 0xC2B2AE35


def fmix(h: tf.Tensor) -> tf.Tensor:
    """MurmurHash3's 32-bit finalizer: a bijective mix of all input bits."""
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))
    h = h * tf.constant(_M1, tf.uint32)
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 13))
    h = h * tf.constant(_M2, tf.uint32)
    return tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))


def hash_bits(seeds: tf.Tensor, a: tf.Tensor, b: int, tail: tf.Tensor) -> tf.Tensor:
    """Uniform 32-bit integers of shape (K, *tail), keyed by each member's seed, a and b.

    Example:
        >>> hash_bits(tf.constant([0, 1]), tf.constant(0), 7, [3]).shape  # (2, 3)
    """
    key = fmix(tf.cast(seeds, tf.uint32) * tf.constant(0x9E3779B9, tf.uint32) + 0x632BE5AB)
    key = fmix(tf.bitwise.bitwise_xor(key, tf.cast(a, tf.uint32)) + tf.constant(b, tf.uint32))
    tail = tf.convert_to_tensor(tail, tf.int32)
    rank = tail.shape[0]
    index = tf.cast(tf.range(tf.reduce_prod(tail), dtype=tf.int32), tf.uint32)
    index = tf.reshape(index, tf.concat([[1], tail], 0))
    for _ in range(rank):
        key = key[..., None]
    return fmix(tf.bitwise.bitwise_xor(index * tf.constant(0x27D4EB2F, tf.uint32), key))


def uniform(seeds: tf.Tensor, a: tf.Tensor, b: int, tail: tf.Tensor) -> tf.Tensor:
    """Uniform [0, 1) floats with 24 random bits, shape (K, *tail).

    Example:
        >>> uniform(tf.constant([3]), tf.constant(0), 1, [4]).numpy()  # four numbers in [0, 1)
    """
    h = hash_bits(seeds, a, b, tail)
    return tf.cast(tf.bitwise.right_shift(h, 8), tf.float32) * (1.0 / 16777216.0)
