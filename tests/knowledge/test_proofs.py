"""Data Integrity proofs: credentials this test signs itself with a fresh Ed25519 key verify, one changed character
refuses them at the proofValue, and what cannot be checked offline is a warning that still imports.

The documents use small stand-in contexts held in memory (`_Contexts`), so these tests need neither the network nor
the contexts `make install` fetches from npm; tests/knowledge/test_openbadges_real_files.py checks real credentials
against those."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from knowledge.formats import openbadges, proofs
from knowledge.validation import Severity

VC2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Stand-ins for the published contexts: every term maps into one test vocabulary, ids and types as JSON-LD keywords.
STAND_IN = {"@context": {"@vocab": "https://stackwise.example/test#", "id": "@id", "type": "@type"}}
STRICT = {"@context": {"id": "@id", "type": "@type", "name": "https://stackwise.example/test#name"}}
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class _Contexts:
    """A context store in memory: the URLs it was given, nothing else."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.documents = documents
        self.asked: list[str] = []

    def load(self, url: str) -> Any | None:
        self.asked.append(url)
        return self.documents.get(url)


CONTEXTS = _Contexts({VC2: STAND_IN, OB3: STAND_IN})


def _b58(data: bytes) -> str:
    number, text = int.from_bytes(data, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        text = B58[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def _multikey(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + _b58(b"\xed\x01" + raw)


def _nquads(data: dict[str, Any], contexts: _Contexts) -> bytes:
    def loader(url: str, options: Any = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": contexts.documents[url]}

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    return str(jsonld.normalize(data, options)).encode()


def _sign(
    doc: dict[str, Any], key: Ed25519PrivateKey, kind: str = "DataIntegrityProof", contexts: _Contexts = CONTEXTS
) -> dict[str, Any]:
    """The credential with a proof made as vc-di-eddsa says: Ed25519 over sha256(config) + sha256(document)."""
    multikey = _multikey(key)
    proof = {
        "type": kind,
        **({"cryptosuite": "eddsa-rdfc-2022"} if kind == "DataIntegrityProof" else {}),
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": f"did:key:{multikey}#{multikey}",
        "proofPurpose": "assertionMethod",
    }
    config = {"@context": doc["@context"], **proof}
    data = hashlib.sha256(_nquads(config, contexts)).digest() + hashlib.sha256(_nquads(doc, contexts)).digest()
    return {**doc, "proof": [{**proof, "proofValue": "z" + _b58(key.sign(data))}]}


def _credential(**extra: Any) -> dict[str, Any]:
    return {
        "@context": [VC2, OB3],
        "id": "urn:uuid:7d1f7c1e-0000-4000-8000-000000000002",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://uni.example.edu/issuer", "type": ["Profile"], "name": "Example University"},
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://uni.example.edu/achievements/data-101",
                "type": ["Achievement"],
                "name": "Data 101",
                "description": "Tidy messy tables before analysis.",
                "criteria": {"narrative": "- Find duplicate rows in a table\n- Fix dates written by hand"},
            },
        },
        **extra,
    }


def _credentials(parsed: Any) -> int:
    return sum(r.kind == "credential" for r in parsed.records)


def _parse(doc: dict[str, Any], contexts: proofs.Contexts = CONTEXTS) -> Any:
    return openbadges.parse(json.dumps(doc, indent=1), "badge.json", contexts=contexts)


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.mark.parametrize("kind", ["DataIntegrityProof", "Ed25519Signature2020"])
def test_a_signed_credential_verifies_and_imports(key: Ed25519PrivateKey, kind: str) -> None:
    doc = _sign(_credential(), key, kind)
    assert proofs.verify(doc, doc["proof"][0], CONTEXTS) == proofs.Verdict(proofs.Outcome.VERIFIED)
    parsed = _parse(doc)
    assert _credentials(parsed) == 1
    assert not [i for i in parsed.issues if "proof" in (i.pointer or "")], [str(i) for i in parsed.issues]


def _one_character_changed(text: str, at: int) -> str:
    return text[:at] + ("2" if text[at] != "2" else "3") + text[at + 1 :]


@pytest.mark.parametrize("where", ["document", "proofValue"])
def test_one_changed_character_is_refused_at_the_proof_value(key: Ed25519PrivateKey, where: str) -> None:
    doc = _sign(_credential(), key)
    if where == "document":
        doc["credentialSubject"]["achievement"]["name"] = "Data 102"
    else:
        doc["proof"][0]["proofValue"] = _one_character_changed(doc["proof"][0]["proofValue"], 20)
    parsed = _parse(doc)
    assert not parsed.records
    (error,) = [i for i in parsed.issues if i.severity is Severity.ERROR]
    assert error.pointer == "/proof/0/proofValue" and error.line, str(error)
    assert "does not match" in error.message and "original file" in error.message


def test_a_proof_value_that_is_no_signature_is_refused(key: Ed25519PrivateKey) -> None:
    doc = _sign(_credential(), key)
    doc["proof"][0]["proofValue"] = "uAAAA"  # multibase base64url, not base58btc
    (error,) = [i for i in _parse(doc).issues if i.severity is Severity.ERROR]
    assert error.pointer == "/proof/0/proofValue" and "base58btc" in error.message


def _warnings(parsed: Any) -> list[str]:
    return [i.message for i in parsed.issues if i.severity is Severity.WARNING and i.pointer == "/proof/0"]


def _did_web(doc: dict[str, Any]) -> None:
    doc["proof"][0]["verificationMethod"] = "did:web:uni.example.edu#key-1"


def _unpublished_context(doc: dict[str, Any]) -> None:
    doc["@context"] = [*doc["@context"], "https://issuer.example/never-published/v1"]


def _other_suite(doc: dict[str, Any]) -> None:
    doc["proof"][0]["cryptosuite"] = "ecdsa-sd-2023"


@pytest.mark.parametrize(
    ("change", "warning"),
    [
        (
            _did_web,
            "proof not verified: key did:web:uni.example.edu#key-1 cannot be read offline (only Ed25519 did:key and "
            "#z6Mk... Multikey ids carry their key)",
        ),
        (
            _unpublished_context,
            "proof not verified: context https://issuer.example/never-published/v1 is not available offline",
        ),
        (
            _other_suite,
            "proof not verified: DataIntegrityProof ecdsa-sd-2023 proofs are not checked (only eddsa-rdfc-2022, "
            "Ed25519Signature2020)",
        ),
    ],
    ids=["key behind a DID document", "context not held locally", "other cryptosuite"],
)
def test_a_proof_that_cannot_be_checked_offline_is_a_warning_and_imports(
    key: Ed25519PrivateKey, change: Callable[[dict[str, Any]], None], warning: str
) -> None:
    doc = _sign(_credential(), key)
    change(doc)
    parsed = _parse(doc)
    assert _credentials(parsed) == 1
    assert _warnings(parsed) == [warning]


def test_properties_the_contexts_do_not_define_are_refused(key: Ed25519PrivateKey) -> None:
    """JSON-LD drops undefined terms before signing, so the signature could not cover them (safe mode)."""
    strict = _Contexts({"https://issuer.example/strict/v1": STRICT})
    doc = {"@context": "https://issuer.example/strict/v1", "type": "Thing", "name": "Data 101", "price": 0}
    signed = _sign(doc, key, contexts=strict)
    verdict = proofs.verify(signed, signed["proof"][0], strict)
    assert verdict.outcome is proofs.Outcome.INVALID and "does not cover price" in verdict.message


def test_contexts_come_from_the_folder_index_and_nothing_else(tmp_path: Path) -> None:
    (tmp_path / "vc2.jsonld").write_text(json.dumps(STAND_IN))
    (tmp_path / "index.json").write_text(json.dumps({VC2: {"file": "vc2.jsonld", "package": "test@1"}}))
    assert proofs.LocalContexts(tmp_path).load(VC2) == STAND_IN
    assert proofs.LocalContexts(tmp_path).load(OB3) is None
    assert proofs.LocalContexts(tmp_path / "absent").load(VC2) is None


@pytest.mark.parametrize(
    ("method", "key"),
    [
        (
            "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        ),
        (
            "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi#z6MkjZRZv3",
            "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        ),
        (
            "https://issuer.example/keys#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        ),
        ("https://issuer.example/keys#key-1", None),
        ("did:key:zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms", None),  # P-256: not an Ed25519 key
    ],
)
def test_keys_named_by_the_verification_method(method: str, key: str | None) -> None:
    assert proofs.method_key(method) == key
    if key:
        assert len(proofs.ed25519_key(key) or b"") == 32


def test_blank_nodes_too_alike_to_canonicalise_are_a_warning(
    key: Ed25519PrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Look-alike blank nodes make RDFC-1.0 exponential; past a bound the proof is left unverified, not hung on."""
    doc = _sign(_credential(evidence=[{"name": "same"}, {"name": "same"}]), key)
    assert proofs.verify(doc, doc["proof"][0], CONTEXTS).outcome is proofs.Outcome.VERIFIED
    monkeypatch.setattr(proofs, "MAX_DEEP_HASHES", 0)
    verdict = proofs.verify(doc, doc["proof"][0], CONTEXTS)
    assert verdict == proofs.Verdict(
        proofs.Outcome.UNVERIFIED, "its blank nodes are too alike to canonicalise in reasonable time"
    )
