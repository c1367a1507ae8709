"""Fetch feed bodies over http(s) or from disk: conditional GET, size cap, per-host limits."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import urlsplit
from urllib.request import url2pathname

import aiohttp

_LOGGER = logging.getLogger(__name__)

_CHUNK = 64 * 1024
USER_AGENT = "catalyst-bot/0.1 (+https://github.com/catalyst-bot)"
# Idle keep-alive connections kept open: enough for the per-host limit of a one-host farm.
_KEEPALIVE_SECONDS = 75.0

FetchStatus = Literal["changed", "not_modified", "unchanged", "failed"]


@dataclass(frozen=True)
class FetchResult:
    """The outcome of one fetch.

    ``changed`` carries the body; ``not_modified`` is an HTTP 304; ``unchanged`` is a 200 whose
    body hashes to ``previous_hash`` (the body is dropped, skip the parse); ``failed`` carries
    a readable ``error``. Validators (``etag``, ``last_modified``) are the ones to send next time.
    """

    status: FetchStatus
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    error: str | None = None
    http_status: int | None = None


class HostPolicy(Protocol):
    """Rules a host imposes on its clients (e.g. SEC fair access): a shared pace and required headers."""

    headers: dict[str, str]

    def applies_to(self, host: str) -> bool: ...

    def slot(self) -> contextlib.AbstractAsyncContextManager[None]: ...


class _TooLarge(Exception):
    """The body exceeds the size cap."""


def body_hash(body: bytes) -> str:
    """The hash stored per feed to recognise an unchanged body."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def poll_session() -> aiohttp.ClientSession:
    """The session feeds are fetched with: the User-Agent set once, no connection cap of its own
    (the dispatcher bounds polls in flight, the fetcher each host), DNS answers cached."""
    connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=300, keepalive_timeout=_KEEPALIVE_SECONDS)
    return aiohttp.ClientSession(connector=connector, headers={"User-Agent": USER_AGENT})


class Fetcher:
    """Fetches feed URLs; never raises for network, HTTP or filesystem problems.

    The session is injected (its connector bounds total connections); this class adds a
    per-host semaphore, a timeout per fetch (not counting the wait for the semaphore) and a cap
    on the body size enforced while streaming.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        timeout: float = 20.0,
        max_bytes: int = 5_000_000,
        per_host: int = 4,
        allow_file: bool = True,
        user_agent: str = USER_AGENT,
        policies: Sequence[HostPolicy] = (),
    ) -> None:
        self._session = session
        self._timeout = timeout
        self._client_timeout = aiohttp.ClientTimeout(total=timeout)
        # Sent with every request unless the session already does (see `poll_session`).
        self._base_headers = {} if "User-Agent" in session.headers else {"User-Agent": user_agent}
        self._max_bytes = max_bytes
        self._per_host = per_host
        self._allow_file = allow_file
        self._host_limits: dict[str, asyncio.Semaphore] = {}
        self._policies = tuple(policies)
        self._host_waits = 0

    def take_host_waits(self) -> int:
        """How many fetches found their host's limit full since the last call."""
        waits, self._host_waits = self._host_waits, 0
        return waits

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        previous_hash: str | None = None,
    ) -> FetchResult:
        """Fetch ``url``, sending the validators from the previous successful fetch."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            return _failed(f"invalid URL {url!r}: {exc}")
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            if not parts.hostname:
                return _failed(f"invalid URL {url!r}: no host")
            policy = next((p for p in self._policies if p.applies_to(parts.hostname)), None)
            limit = self._host_limit(parts.hostname)
            if limit.locked():
                self._host_waits += 1
            async with limit:
                # waiting for the host's pace is not part of the timeout
                async with policy.slot() if policy else contextlib.nullcontext():
                    return await self._fetch_http(url, etag, last_modified, previous_hash, policy)
        if scheme == "file" or len(scheme) <= 1:  # "" is a plain path, "c" a Windows drive
            if not self._allow_file:
                return _failed(f"reading local files is disabled: {url!r}")
            path = Path(url2pathname(parts.path)) if scheme == "file" else Path(url)
            return await asyncio.to_thread(self._read_file, path, previous_hash)
        return _failed(f"unsupported URL scheme {scheme!r} in {url!r} (use http, https or file)")

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        key = host.lower()
        limit = self._host_limits.get(key)
        if limit is None:
            limit = self._host_limits[key] = asyncio.Semaphore(self._per_host)
        return limit

    async def _fetch_http(
        self,
        url: str,
        etag: str | None,
        last_modified: str | None,
        previous_hash: str | None,
        policy: HostPolicy | None,
    ) -> FetchResult:
        headers = self._base_headers
        if etag or last_modified or policy:
            headers = {**headers, **(policy.headers if policy else {})}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
        try:
            async with self._session.get(url, headers=headers or None, timeout=self._client_timeout) as response:
                return await self._read_response(response, etag, last_modified, previous_hash)
        except TimeoutError:
            return _failed(f"timed out after {self._timeout:g}s")
        except _TooLarge:
            return _failed(f"body larger than {self._max_bytes} bytes")
        except aiohttp.ClientConnectorError as exc:
            return _failed(_describe_connect_error(exc))
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return _failed(f"{type(exc).__name__}: {exc}".rstrip(": "))

    async def _read_response(
        self,
        response: aiohttp.ClientResponse,
        etag: str | None,
        last_modified: str | None,
        previous_hash: str | None,
    ) -> FetchResult:
        status = response.status
        if status == 304:
            return FetchResult(
                "not_modified",
                etag=response.headers.get("ETag", etag),
                last_modified=response.headers.get("Last-Modified", last_modified),
                body_hash=previous_hash,
                http_status=status,
            )
        if not 200 <= status < 300:
            return _failed(f"HTTP {status}", http_status=status)
        body = await self._read_capped(response)
        return _result_for_body(
            body,
            previous_hash,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            http_status=status,
        )

    async def _read_capped(self, response: aiohttp.ClientResponse) -> bytes:
        if (response.content_length or 0) > self._max_bytes:
            response.close()
            raise _TooLarge
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > self._max_bytes:
                response.close()
                raise _TooLarge
            chunks.append(chunk)
        return b"".join(chunks)

    def _read_file(self, path: Path, previous_hash: str | None) -> FetchResult:
        try:
            with path.open("rb") as handle:
                body = handle.read(self._max_bytes + 1)
        except OSError as exc:
            return _failed(f"cannot read {path}: {exc.strerror or exc}")
        if len(body) > self._max_bytes:
            return _failed(f"body larger than {self._max_bytes} bytes")
        return _result_for_body(body, previous_hash)


def _result_for_body(body: bytes, previous_hash: str | None, **fields) -> FetchResult:
    digest = body_hash(body)
    if digest == previous_hash:
        return FetchResult("unchanged", body_hash=digest, **fields)
    return FetchResult("changed", body=body, body_hash=digest, **fields)


def _failed(error: str, *, http_status: int | None = None) -> FetchResult:
    _LOGGER.debug("fetch failed: %s", error)
    return FetchResult("failed", error=error, http_status=http_status)


def _describe_connect_error(exc: aiohttp.ClientConnectorError) -> str:
    where = f"{exc.host}:{exc.port}"
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return f"cannot resolve host {exc.host}"
    if isinstance(exc, aiohttp.ClientSSLError):
        return f"TLS error connecting to {where}: {exc}"
    if isinstance(exc.os_error, ConnectionRefusedError):
        return f"connection refused by {where}"
    return f"cannot connect to {where}: {exc.os_error.strerror or exc}"
