"""The HTTP listeners' sockets: TCP with Nagle's algorithm off.

With Nagle on, each response on a kept-alive connection waited for the
client's delayed ACK (~40 ms): a reused connection (every load balancer's,
every HTTP client pool's) answered 20 times slower than a new one.
"""

import socket

from app.bootstrap import Listener


async def _app(scope, receive, send) -> None:  # pragma: no cover - never called
    raise AssertionError("not served in this test")


def test_listens_on_a_tcp_socket_with_nagle_off() -> None:
    listener = Listener(_app, "127.0.0.1", 0)
    try:
        sock = listener._socket
        # asyncio disables Nagle on the connections only when the socket's
        # protocol says TCP; accepted connections also inherit TCP_NODELAY.
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        listener._socket.close()
