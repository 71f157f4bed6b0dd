"""TensorFlow, imported once and quietly.

TensorFlow's C++ runtime prints start-up notices (oneDNN, CUDA drivers not found, CPU
instructions) straight to the process's stderr before its logging is set up, so
``TF_CPP_MIN_LOG_LEVEL`` cannot silence them. In a lesson they would show as red text
above the first plot and look like an error. The file descriptor is pointed at /dev/null
while TensorFlow loads and finds its devices, then restored.
"""

from __future__ import annotations

import contextlib
import logging
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@contextlib.contextmanager
def _silenced_fd(fd: int = 2):
    try:
        saved = os.dup(fd)
    except OSError:  # no such descriptor (embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


with _silenced_fd():
    import tensorflow as tf

    tf.config.list_physical_devices()
    tf.constant(0.0) + 1.0  # the first op initializes the devices, which logs too


class _RetraceNoticeFilter(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" advice.

    The engine builds one compiled function per network shape on purpose, and each of
    them shares the same Python source, which TensorFlow mistakes for accidental
    retracing. ``tunelab.training.trace_count()`` is the real measure.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


tf.get_logger().addFilter(_RetraceNoticeFilter())

__all__ = ["tf"]
