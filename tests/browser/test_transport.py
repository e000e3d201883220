"""What crosses the wire: the app's WebSocket is compressed.

A page's charts and tables travel over Streamlit's WebSocket (the Timeline at
10,000 articles: 2.95 MB of mostly JSON text). Compression is off in Streamlit
by default; .streamlit/config.toml turns it on for readers on a real network.
"""
import base64
import os
import socket
from urllib.parse import urlsplit


def upgrade_response(app_url: str, extensions: str) -> str:
    """The server's answer to a WebSocket handshake on /_stcore/stream, as text."""
    parts = urlsplit(app_url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\nOrigin: {app_url}\r\n"
        f"Sec-WebSocket-Extensions: {extensions}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.decode("latin-1").split("\r\n\r\n")[0]


def test_websocket_is_compressed_when_the_browser_offers_it(app_url):
    head = upgrade_response(app_url, "permessage-deflate; client_max_window_bits")
    assert head.startswith("HTTP/1.1 101"), head
    assert "permessage-deflate" in head.lower(), head


def test_websocket_is_plain_when_the_browser_does_not_offer_compression(app_url):
    head = upgrade_response(app_url, "x-unknown-extension")
    assert head.startswith("HTTP/1.1 101"), head
    assert "permessage-deflate" not in head.lower(), head
