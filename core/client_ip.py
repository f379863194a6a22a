"""The client's address: one decision for the throttles, the access log and the login lockout.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as it was
written by our own proxies: `TRUSTED_PROXIES` lists their addresses or networks (empty by
default: nothing is trusted and the client is the peer of the TCP connection). When the peer is a
trusted proxy, the header is read from the right (the hop our proxy appended) leftwards, past
every trusted address; the first address that is not ours is the client."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """`10.0.0.5`, `10.0.0.0/8`, `::1`: ValueError names a value that is neither."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or network") from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(values)


def _address(raw: str) -> Address | None:
    try:
        address = ipaddress.ip_address(raw.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # a dual-stack listener shows IPv4 peers as ::ffff:a.b.c.d
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip_from(meta: Mapping[str, Any], trusted: Iterable[str]) -> str:
    """The client address of a request's WSGI environ (`request.META`)."""
    peer_raw = str(meta.get("REMOTE_ADDR") or "")
    peer = _address(peer_raw)
    if peer is None:
        return peer_raw or "unknown"
    networks = _networks(tuple(trusted))
    if not _trusted(peer, networks):
        return str(peer)
    client = peer
    hops = str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    for hop in reversed([hop for hop in hops if hop.strip()]):
        address = _address(hop)
        if address is None:
            break  # not an address: stop at the last proxy of ours, who passed it on
        client = address
        if not _trusted(address, networks):
            break
    return str(client)


def client_ip(request: Any) -> str:
    """The client address of a Django or DRF request, by `settings.TRUSTED_PROXIES`."""
    return client_ip_from(request.META, getattr(settings, "TRUSTED_PROXIES", ()))
