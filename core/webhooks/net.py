"""Outbound webhook requests: short timeouts, no redirects, and no private network (SSRF).

The URL's host is resolved at delivery time and every address it resolves to is checked: a
private, loopback, link-local, multicast, reserved or otherwise non-global address is refused
unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is true. The connection then goes to the address that was
checked (not to a second lookup, which a rebinding DNS could answer differently); TLS still
verifies the certificate against the host name."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_RESPONSE_BYTES = 4096
USER_AGENT = "carservice-webhooks/1"


class Refused(Exception):
    """The URL may not be called (its address, its scheme)."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to; Refused when any address of the host is not allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve {host}: {exc}") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise OSError(f"cannot resolve {host}")
    if not allow_private:
        for address in addresses:
            if not address_allowed(address):
                raise Refused(
                    f"{host} resolves to {address}, a private, loopback or link-local address"
                    " (WEBHOOK_ALLOW_PRIVATE_NETWORKS is off)"
                )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(
        self, host: str, port: int, *, address: str, connect_timeout: float, timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._connect_timeout = connect_timeout

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self._connect_timeout)
        self.sock.settimeout(self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, *, address: str, connect_timeout: float, timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address
        self._connect_timeout = connect_timeout

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self._connect_timeout)
        raw.settimeout(self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def post(
    url: str,
    *,
    body: bytes,
    headers: dict[str, str],
    connect_timeout: float,
    timeout: float,
    allow_private: bool,
) -> Response:
    """POSTs `body`; raises Refused, OSError (network, timeouts) or http.client errors."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise Refused(f"not an http(s) URL: {url}")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(parts.hostname, port, allow_private=allow_private)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(
        parts.hostname, port, address=address, connect_timeout=connect_timeout, timeout=timeout
    )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
        )
        response = connection.getresponse()
        return Response(status=response.status, body=response.read(MAX_RESPONSE_BYTES))
    finally:
        connection.close()
