"""Blocks network access for every Python process that has this folder on PYTHONPATH.

`make test` puts it there, so the test run, nbval's kernels and the browser tests'
JupyterLab kernels all inherit it: a lesson that tried to download data or weights would
fail loudly instead of passing on a machine that happens to be online. Loopback and Unix
sockets stay open (Jupyter talks to its kernels over them).
"""

import ipaddress
import socket

_MESSAGE = "network access is blocked while testing tunelab (tests/offline/sitecustomize.py)"


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex
_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self, address):
    if not _is_local(address):
        raise OSError(_MESSAGE + f": connect to {address!r}")
    return _connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_local(address):
        raise OSError(_MESSAGE + f": connect to {address!r}")
    return _connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost") and not _is_local((host,)):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise OSError(_MESSAGE + f": name lookup of {host!r}") from None
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = _guarded_connect
socket.socket.connect_ex = _guarded_connect_ex
socket.getaddrinfo = _guarded_getaddrinfo
