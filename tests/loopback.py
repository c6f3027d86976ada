"""Tiny HTTP/1.1 servers on loopback addresses for fetcher tests.

Each server runs in the test's own event loop, answers one request per connection
("Connection: close"), records what it saw, and lets a handler write raw bytes so tests can
misbehave on purpose (slow drip, hang, truncated bodies, bombs).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    at: float  # time.monotonic() when the request head was complete
    host: str  # the address the server listens on


Handler = Callable[[Seen, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class Reply:
    """A canned response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait before answering (keeps the request in flight)


async def send(
    writer: asyncio.StreamWriter,
    status: int = 200,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    *,
    content_length: bool = True,
) -> None:
    """Write a complete response."""
    head = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}", "Connection: close"]
    names = {k.lower() for k in (headers or {})}
    for key, value in (headers or {}).items():
        head.append(f"{key}: {value}")
    if content_length and "content-length" not in names:
        head.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()


def routes(table: Mapping[str, Reply | Handler], default: Reply | None = None) -> Handler:
    """Return a handler serving ``table`` by path (with its query, else without); 404 elsewhere."""
    fallback = default or Reply(404, b"not here")

    async def handle(seen: Seen, writer: asyncio.StreamWriter) -> None:
        entry = table.get(seen.path) or table.get(seen.path.split("?", 1)[0], fallback)
        if isinstance(entry, Reply):
            if entry.delay_s:
                await asyncio.sleep(entry.delay_s)
            await send(writer, entry.status, entry.body, entry.headers)
        else:
            await entry(seen, writer)

    return handle


class Server:
    """An HTTP server on ``host`` (any 127.0.0.0/8 address) and a free port."""

    def __init__(
        self,
        handler: Handler | Mapping[str, Reply | Handler],
        host: str = "127.0.0.1",
        *,
        ssl_context: ssl.SSLContext | None = None,
        port: int = 0,
    ) -> None:
        self.handler = handler if callable(handler) else routes(handler)
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.requests: list[Seen] = []
        self.connections = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def origin(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.origin + path

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    async def __aenter__(self) -> Server:
        self._server = await asyncio.start_server(
            self._serve, self.host, self.port, ssl=self.ssl_context
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, OSError):
            await _close(writer)
            self._tasks.discard(task)
            return
        lines = head.decode("latin-1").split("\r\n")
        method, path, _version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        seen = Seen(method, path, headers, time.monotonic(), self.host)
        self.requests.append(seen)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self.handler(seen, writer)
        except (ConnectionError, OSError, asyncio.CancelledError):
            pass
        finally:
            self.in_flight -= 1
            await _close(writer)
            self._tasks.discard(task)


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError, OSError, TimeoutError, ssl.SSLError):
        await asyncio.wait_for(writer.wait_closed(), 1.0)


def static_resolver(table: Mapping[str, list[str]]) -> Callable[[str, int], Awaitable[list[str]]]:
    """Return a resolver answering from ``table``; unknown names fail like DNS does."""
    import socket

    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, f"unknown test name {host}")
        return list(table[host])

    return resolve


_REASONS = {
    200: "OK",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    307: "Temporary Redirect",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


@dataclass
class TLSFiles:
    """A throwaway CA, a leaf certificate it signed, and a self-signed certificate."""

    ca: str  # PEM path of the CA certificate
    leaf_cert: str
    leaf_key: str
    selfsigned_cert: str
    selfsigned_key: str

    def server_context(self, *, trusted: bool, sni_seen: list[str | None]) -> ssl.SSLContext:
        """Return a server context (CA-signed or self-signed) that records each SNI name."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if trusted:
            context.load_cert_chain(self.leaf_cert, self.leaf_key)
        else:
            context.load_cert_chain(self.selfsigned_cert, self.selfsigned_key)
        context.sni_callback = lambda _sock, name, _ctx: sni_seen.append(name)
        return context

    def client_context(self) -> ssl.SSLContext:
        """Return a verifying client context that trusts only the throwaway CA."""
        return ssl.create_default_context(cafile=self.ca)


def make_tls_files(directory: str, name: str) -> TLSFiles:
    """Write certificates for ``name`` into ``directory`` (needs the cryptography package)."""
    import datetime
    from pathlib import Path

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    out = Path(directory)

    def key_and_pem(stem: str) -> tuple[ec.EllipticCurvePrivateKey, str]:
        key = ec.generate_private_key(ec.SECP256R1())
        path = out / f"{stem}.key"
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return key, str(path)

    def build(
        subject: str,
        key: ec.EllipticCurvePrivateKey,
        issuer: str,
        signer: ec.EllipticCurvePrivateKey,
        ca: bool,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if ca:
            builder = builder.add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            ).add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        else:
            builder = (
                builder.add_extension(
                    x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
                )
                .add_extension(
                    x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                    critical=False,
                )
                .add_extension(
                    x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
                    critical=False,
                )
            )
        return builder.sign(signer, hashes.SHA256())

    def write(stem: str, cert: x509.Certificate) -> str:
        path = out / f"{stem}.pem"
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return str(path)

    ca_key, _ = key_and_pem("ca")
    ca_cert = build("newsmon test CA", ca_key, "newsmon test CA", ca_key, ca=True)
    leaf_key, leaf_key_path = key_and_pem("leaf")
    leaf = build(name, leaf_key, "newsmon test CA", ca_key, ca=False)
    self_key, self_key_path = key_and_pem("self")
    selfsigned = build(name, self_key, name, self_key, ca=False)
    return TLSFiles(
        ca=write("ca", ca_cert),
        leaf_cert=write("leaf", leaf),
        leaf_key=leaf_key_path,
        selfsigned_cert=write("self", selfsigned),
        selfsigned_key=self_key_path,
    )
