"""graph/remote_http.py, the client eventkg's /sparql forwards queries with, against HTTP servers on loopback that
answer with fixed bytes: each way an answer can end, a kept-alive connection the server closed, what is not HTTP, a
request cancelled by its time limit. Forwarding through ``eventkg serve`` to Virtuoso and the Oxigraph server is
tested in tests/test_remote_store.py."""

from __future__ import annotations

import asyncio

import pytest

from graph.remote_http import Connections

REQUESTS: list[bytes] = []


async def _server(answers: list[bytes], *, close_after: bool = False):
    """A server that reads each request whole and writes the next of ``answers``; ``close_after`` closes the
    connection after each answer."""
    queue = list(answers)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while queue:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                                  if line.lower().startswith(b"content-length")))
                REQUESTS.append(head + await reader.readexactly(length))
                writer.write(queue.pop(0))
                await writer.drain()
                if close_after:
                    break
        except asyncio.IncompleteReadError:
            pass
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/sparql"


def _run(coroutine):
    return asyncio.run(coroutine)


def test_answers_end_by_length_by_chunks_or_by_closing():
    async def main():
        server, url = await _server([
            b"HTTP/1.1 200 OK\r\nServer: Test/1\r\nContent-Type: text/csv\r\nContent-Length: 4\r\n\r\na\r\n1",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"])
        connections = Connections(url)
        first = await connections.post(b"query=ASK%7B%7D", "text/csv")
        second = await connections.post(b"query=x", "text/csv")
        third = await connections.post(b"query=y", "text/csv")
        connections.close()
        server.close()
        return first, second, third

    first, second, third = _run(main())
    assert first == (200, "Test/1", "text/csv", b"a\r\n1")
    assert (second.status, second.body) == (200, b"abcde")
    assert third.body == b"until the end"
    assert REQUESTS[-3].startswith(b"POST /sparql HTTP/1.1\r\n") and REQUESTS[-3].endswith(b"\r\n\r\nquery=ASK%7B%7D")
    assert b"\r\nAccept: text/csv\r\n" in REQUESTS[-3]


def test_a_kept_alive_connection_the_server_closed_is_replaced():
    async def main():
        answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        server, url = await _server([answer] * 3, close_after=True)  # keep-alive promised, then closed
        connections = Connections(url)
        bodies = [(await connections.post(b"query=a", "text/csv")).body]
        bodies.append((await connections.post(b"query=b", "text/csv")).body)  # the close may not have arrived yet
        await asyncio.sleep(0.05)  # the close reaches the client while the connection waits
        bodies.append((await connections.post(b"query=c", "text/csv")).body)
        connections.close()
        server.close()
        return bodies

    assert _run(main()) == [b"ok"] * 3


def test_what_is_not_http_or_no_server_is_an_oserror():
    async def main():
        server, url = await _server([b"SSH-2.0-OpenSSH\r\n\r\n"])
        with pytest.raises(OSError):
            await Connections(url).post(b"query=a", "text/csv")
        server.close()
        await server.wait_closed()
        with pytest.raises(OSError):  # nothing listens there any more
            await Connections(url).post(b"query=a", "text/csv")

    _run(main())


def test_a_request_cancelled_by_its_time_limit_leaves_no_connection_to_reuse():
    async def main():
        started = asyncio.Event()

        async def slow(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            started.set()
            await asyncio.sleep(0.3)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nlate")
            await writer.drain()
            await asyncio.sleep(0.3)
            writer.close()

        server = await asyncio.start_server(slow, "127.0.0.1", 0)
        connections = Connections(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/sparql")
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.1):
                await connections.post(b"query=a", "text/csv")
        idle = len(connections._idle)
        server.close()
        return idle

    assert _run(main()) == 0


def test_requests_beyond_the_limit_wait_for_a_connection():
    async def main():
        open_now, most = 0, 0

        async def slow(reader, writer):
            nonlocal open_now, most
            open_now += 1
            most = max(most, open_now)
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    await reader.readexactly(int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0]))
                    await asyncio.sleep(0.05)
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                    await writer.drain()
            except asyncio.IncompleteReadError:
                pass
            finally:
                open_now -= 1
                writer.close()

        server = await asyncio.start_server(slow, "127.0.0.1", 0)
        connections = Connections(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/sparql", limit=2)
        answers = await asyncio.gather(*(connections.post(b"query=a", "text/csv") for _ in range(6)))
        connections.close()
        server.close()
        return [a.body for a in answers], most

    bodies, most = _run(main())
    assert bodies == [b"ok"] * 6 and most == 2
