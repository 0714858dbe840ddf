"""Data Integrity proofs of Open Badges 3.0 credentials, verified offline.

`eddsa-rdfc-2022` (W3C vc-di-eddsa; `eddsa-2022` is its draft name) and the older `Ed25519Signature2020` sign the
same bytes: sha256 of the canonical N-Quads (RDFC-1.0, alias URDNA2015) of the proof options under the document's
`@context`, followed by sha256 of the canonical N-Quads of the document without its proofs. Canonical N-Quads need
every JSON-LD context the document names; those are read from files fetched at install time (the Makefile unpacks
npm packages into `.cache/jsonld`), and nothing is ever fetched while a badge is read. So a proof whose key or
contexts are not at hand is *not verified* (a warning), never called wrong: only a signature that was checked and
does not match is.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# (proof type, cryptosuite) pairs that sign canonical N-Quads with Ed25519 as described above.
SUITES = {
    ("DataIntegrityProof", "eddsa-rdfc-2022"),
    ("DataIntegrityProof", "eddsa-2022"),
    ("Ed25519Signature2020", None),
}
ED25519_MULTICODEC = b"\xed\x01"  # multicodec prefix of an Ed25519 public key in a Multikey (z6Mk...)
MAX_DEEP_HASHES = 2000  # RDFC-1.0 "Hash N-Degree Quads" runs allowed per canonicalisation
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class Outcome(StrEnum):
    VERIFIED = "verified"
    INVALID = "invalid"  # checked, and wrong: the credential is refused
    UNVERIFIED = "unverified"  # could not be checked offline: a warning, the credential still imports


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    message: str = ""  # what is wrong and how to fix it (invalid), or why it was not checked (unverified)


class Contexts(Protocol):
    """Where JSON-LD contexts come from; implementations must not touch the network."""

    def load(self, url: str) -> Any | None:
        """The context document published at `url`, or None when it is not held locally."""
        ...


@dataclass(frozen=True)
class LocalContexts:
    """Contexts in a folder with `index.json` mapping each context URL to a file beside it (see the Makefile)."""

    directory: Path

    def load(self, url: str) -> Any | None:
        name = _index(self.directory).get(url)
        if name is None:
            return None
        try:
            return json.loads(_read(self.directory / name))
        except (OSError, ValueError):
            return None


@functools.lru_cache(maxsize=8)
def _index(directory: Path) -> dict[str, str]:
    try:
        entries = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {url: e["file"] for url, e in entries.items() if isinstance(e, dict) and isinstance(e.get("file"), str)}


@functools.lru_cache(maxsize=64)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class NoContexts:
    """No context held (the caller passed none): a proof whose contexts are remote is reported as not verified."""

    def load(self, url: str) -> Any | None:
        return None


def base58btc(text: str) -> bytes | None:
    """Bytes of a base58btc string (multibase without its 'z'); None when a character is not base58."""
    number = 0
    for char in text:
        digit = _BASE58.find(char)
        if digit < 0:
            return None
        number = number * 58 + digit
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + raw


def ed25519_key(multikey: str) -> bytes | None:
    """The 32-byte Ed25519 public key of a Multikey `z6Mk...`; None when it is not one."""
    raw = base58btc(multikey[1:]) if multikey.startswith("z") and len(multikey) < 60 else None
    if raw is None or raw[:2] != ED25519_MULTICODEC or len(raw) != 34:
        return None
    return raw[2:]


def method_key(method: str) -> str | None:
    """The Multikey a verification method names by itself: `did:key:z6Mk...` (with or without a fragment) or a
    `#z6Mk...` fragment. A `did:web`, an https profile with `#key-1`, ... need their documents: None."""
    if method.startswith("did:key:"):
        key = method.removeprefix("did:key:").split("#", 1)[0]
    else:
        key = method.split("#", 1)[1] if "#" in method else ""
    return key if key.startswith("z6Mk") else None


@dataclass
class _OfflineLoader:
    """A pyld document loader over `Contexts`: unknown URLs fail, and are remembered for the message."""

    contexts: Contexts
    missing: list[str] = field(default_factory=list)

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        from pyld import jsonld

        document = self.contexts.load(url)
        if document is None:
            self.missing.append(url)
            raise jsonld.JsonLdError(
                f"context {url} is not available offline",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": document}


@functools.lru_cache(maxsize=8)
def _shared_cache(contexts: Hashable) -> Any:
    from cachetools import LRUCache

    return LRUCache(maxsize=100)


def _resolved_contexts(contexts: Contexts) -> Any:
    """pyld's cache of processed contexts, one per context store: its global cache would let a context another store
    holds stand in for one this store lacks."""
    from cachetools import LRUCache

    try:
        if isinstance(contexts, Hashable):
            return _shared_cache(contexts)
    except TypeError:
        pass
    return LRUCache(maxsize=100)  # a store that cannot be hashed gets a cache for this call only


class _TooMuchWork(Exception):
    pass


def _canonicaliser() -> Any:
    """RDFC-1.0 that gives up after MAX_DEEP_HASHES: blank nodes crafted to look alike make it exponential (the
    spec's "poison graphs"); a real credential needs few or none."""
    from pyld.canon import URDNA2015

    class Bounded(URDNA2015):
        calls = 0

        def hash_n_degree_quads(self, id_: Any, issuer: Any) -> Any:
            self.calls += 1
            if self.calls > MAX_DEEP_HASHES:
                raise _TooMuchWork
            return super().hash_n_degree_quads(id_, issuer)

    return Bounded()


def _canonical(data: Mapping[str, Any], loader: _OfflineLoader, dropped: list[str]) -> bytes:
    from pyld import jsonld
    from pyld.context_resolver import ContextResolver

    processor = jsonld.JsonLdProcessor(on_property_dropped=lambda key: dropped.append(str(key)))
    options = {
        "base": "",
        "documentLoader": loader,
        "contextResolver": ContextResolver(_resolved_contexts(loader.contexts), loader),
        "extractAllScripts": True,
        "processingMode": "json-ld-1.1",
        "produceGeneralizedRdf": False,
    }
    dataset = processor.to_rdf(dict(data), options)
    return str(_canonicaliser().main(dataset, {"format": "application/n-quads"})).encode("utf-8")


def verify(document: Mapping[str, Any], proof: Mapping[str, Any], contexts: Contexts) -> Verdict:
    """Check one proof of `document` (a credential with its `proof`), offline."""
    kind, suite = proof.get("type"), proof.get("cryptosuite")
    if not (isinstance(kind, str) and isinstance(suite, str | None)) or (kind, suite) not in SUITES:
        name = f"{kind} {suite}" if suite else str(kind)
        return Verdict(
            Outcome.UNVERIFIED, f"{name} proofs are not checked (only eddsa-rdfc-2022, Ed25519Signature2020)"
        )
    value = proof.get("proofValue")
    signature = None
    if isinstance(value, str) and value.startswith("z") and len(value) < 100:  # 64 bytes: 87-88 characters
        signature = base58btc(value[1:])
    if signature is None or len(signature) != 64:
        return Verdict(
            Outcome.INVALID,
            "must be a 64-byte Ed25519 signature in multibase base58btc (z...); copy the issuer's file again",
        )
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        return Verdict(Outcome.UNVERIFIED, "it names no verificationMethod, so no key to check it with")
    multikey = method_key(method)
    key = ed25519_key(multikey) if multikey else None
    if key is None:
        return Verdict(
            Outcome.UNVERIFIED,
            f"key {method} cannot be read offline (only Ed25519 did:key and #z6Mk... Multikey ids carry their key)",
        )
    if "@context" not in document:
        return Verdict(Outcome.UNVERIFIED, "the credential has no @context to read it as JSON-LD")
    from pyld import jsonld

    loader = _OfflineLoader(contexts)
    config = {k: v for k, v in proof.items() if k != "proofValue"} | {"@context": document["@context"]}
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    dropped: list[str] = []
    try:
        signed = hashlib.sha256(_canonical(config, loader, [])).digest()
        signed += hashlib.sha256(_canonical(unsigned, loader, dropped)).digest()
    except _TooMuchWork:
        return Verdict(Outcome.UNVERIFIED, "its blank nodes are too alike to canonicalise in reasonable time")
    except jsonld.JsonLdError as exc:
        if loader.missing:
            return Verdict(Outcome.UNVERIFIED, f"context {loader.missing[0]} is not available offline")
        return Verdict(
            Outcome.UNVERIFIED, f"the credential cannot be read as JSON-LD ({exc.args[0] if exc.args else exc})"
        )
    if dropped:
        names = ", ".join(sorted(set(dropped)))
        return Verdict(
            Outcome.INVALID,
            f"does not cover {names}: not defined by the credential's @context, so they could be changed unnoticed "
            "(Data Integrity's JSON-LD safe mode); the issuer must define them in a context or leave them out",
        )
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, signed)
    except InvalidSignature:
        return Verdict(
            Outcome.INVALID,
            f"the signature does not match the credential for key {multikey}: the credential or its proof was changed "
            "after signing; import the issuer's original file",
        )
    return Verdict(Outcome.VERIFIED)
