"""The sandbox of the processes that run user SPARQL: no network sockets, by a seccomp filter.

Oxigraph fetches ``SERVICE`` endpoints and ``LOAD`` sources itself, over HTTP, and pyoxigraph has no switch to turn
that off nor a parse tree to look at. So the processes that run user SPARQL cannot open a network socket at all:
:func:`deny_network` installs a seccomp filter (through libseccomp, ``pyseccomp``) under which ``socket()`` of any
family but ``AF_UNIX`` fails with ``EACCES`` (DNS look-ups included), and ``io_uring`` (which can open sockets
without that system call) is refused. Whatever the query text, however it hides ``SERVICE`` (comments, escapes,
nesting), no connection can be made; Oxigraph reports a failed fetch, which the runner turns into a 400 that names
no address and echoes nothing. A filter cannot be lifted, and a process's children inherit it.

Pipes and Unix sockets to the parent keep working; they are made before the filter anyway.

The workers are started through this module, ``python -m graph.sparql.sandbox MODULE ARGS...``: it installs the
filter and then becomes ``python -m MODULE ARGS...`` (``execv``: the same process, which keeps the filter), so the
worker runs sandboxed from its first instruction without carrying pyseccomp and what it loads (1.3 MiB of a
worker's 35). A worker checks that it is sandboxed all the same (:func:`ensure`).
"""

from __future__ import annotations

import errno
import os
import socket
import sys

REFUSED = errno.EACCES  # what socket() returns in the sandbox


def deny_network() -> None:
    """From now on this process (and any child it starts) cannot open a network socket."""
    import pyseccomp as seccomp  # here: a worker started through this module never loads it

    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    rules.add_rule(seccomp.ERRNO(REFUSED), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    rules.add_rule(seccomp.ERRNO(REFUSED), "io_uring_setup")
    rules.load()  # sets no_new_privs too, so an unprivileged process may load it


def ensure() -> None:
    """This process cannot open a network socket: it was started sandboxed, or the filter goes on now."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except OSError as err:
        if err.errno == REFUSED:
            return
    deny_network()


if __name__ == "__main__":  # python -m graph.sparql.sandbox MODULE ARGS...: MODULE run in the sandbox
    deny_network()
    os.execv(sys.executable, [sys.executable, "-m", *sys.argv[1:]])
