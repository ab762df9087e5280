"""The sandbox of the processes that run user SPARQL: no network sockets, by a seccomp filter.

Oxigraph fetches ``SERVICE`` endpoints and ``LOAD`` sources itself, over HTTP, and pyoxigraph has no switch to turn
that off nor a parse tree to look at. So the processes that run user SPARQL cannot open a network socket at all:
:func:`deny_network` installs a seccomp filter (through libseccomp, ``pyseccomp``) under which ``socket()`` of any
family but ``AF_UNIX`` fails with ``EACCES`` (DNS look-ups included), and ``io_uring`` (which can open sockets
without that system call) is refused. Whatever the query text, however it hides ``SERVICE`` (comments, escapes,
nesting), no connection can be made; Oxigraph reports a failed fetch, which the runner turns into a 400 that names
no address and echoes nothing. A filter cannot be lifted, and a process's children inherit it.

Pipes and Unix sockets to the parent keep working; they are made before the filter anyway.
"""

from __future__ import annotations

import errno
import socket

import pyseccomp as seccomp

REFUSED = errno.EACCES  # what socket() returns in the sandbox


def deny_network() -> None:
    """From now on this process (and any child it starts) cannot open a network socket."""
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    rules.add_rule(seccomp.ERRNO(REFUSED), "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    rules.add_rule(seccomp.ERRNO(REFUSED), "io_uring_setup")
    rules.load()  # sets no_new_privs too, so an unprivileged process may load it
