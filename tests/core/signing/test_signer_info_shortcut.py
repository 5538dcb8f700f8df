"""The per-file check after a signer's first full validation (`signer_info_check`): taken for an
ordinary later file, and never fooled where a shortcut could be: a SignerInfo made with another
certificate of the same subject, a swapped signing-certificate attribute, a signing time outside
the certificate's validity. Every verdict equals pyHanko's full validation of that file alone."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import SimpleSigner
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

from assessor.core.signing import cms_validation
from assessor.core.signing.json_envelope import (
    SignatureBlock,
    _block,
    check_envelope,
    sign_payload,
)
from assessor.core.signing.keys import SigningKey, issue_assessor, load_ca, load_signer
from assessor.core.signing.signer_info_check import KnownSigner, check_signer_info
from assessor.core.signing.verification import assemble_cms, to_asn1, validation_context
from tests.core.signing.pki import CA_PASSPHRASE, KEY_PASSPHRASE, Pki


@pytest.fixture(scope="module")
def twin(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> SigningKey:
    """Another key and certificate with the very same subject (name and id) from the same CA."""
    path = tmp_path_factory.mktemp("twin") / "zhang-twin.p12"
    ca = load_ca(pki.ca_dir, CA_PASSPHRASE)
    issue_assessor(ca, path, name="张三", assessor_id="T-001", passphrase=KEY_PASSPHRASE)
    return load_signer(path, KEY_PASSPHRASE)


@pytest.fixture
def full_validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bytes]]:
    """Payloads pyHanko fully validated during the test."""
    seen: list[bytes] = []
    full = cms_validation._full

    def counted(payload: bytes, *args: object) -> object:
        seen.append(payload)
        return full(payload, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(cms_validation, "_full", counted)
    yield seen


def _pyhanko_alone(payload: bytes, block: SignatureBlock, root: x509.Certificate) -> bool:
    """pyHanko's own verdict (intact, valid and trusted) on one file, nothing remembered."""
    signed_data = cms.ContentInfo.load(base64.b64decode(block.cms))["content"]
    context = validation_context([root], block.signed_at)
    try:
        status = asyncio.run(
            async_validate_detached_cms(payload, signed_data, signer_validation_context=context)
        )
    except SignatureValidationError:  # e.g. no certificate matches the signed attributes
        return False
    return bool(status.intact and status.valid and status.trusted)


def _middle(key: SigningKey, seconds: int) -> datetime:
    cert = key.chain[0]
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    return start + (end - start) / 2 + timedelta(seconds=seconds)


def _check(payload: bytes, block: SignatureBlock, pki: Pki) -> list[str]:
    found = check_envelope(payload, block, block.model_dump(mode="json"), [pki.ca_cert])
    assert (not found.reasons) == _pyhanko_alone(payload, block, pki.ca_cert)
    return [r.code for r in found.reasons]


def _mixed(cert_of: SigningKey, key_of: SigningKey) -> SigningKey:
    """A pyHanko signer that names `cert_of`'s certificate and signs with `key_of`'s key."""
    mixed = SimpleSigner(
        signing_cert=cert_of.signer.signing_cert,
        signing_key=key_of.signer.signing_key,
        cert_registry=cert_of.signer.cert_registry,
    )
    return dataclasses.replace(cert_of, signer=mixed)


def test_a_later_file_of_a_signer_takes_the_shortcut(
    signer: SigningKey, pki: Pki, full_validations: list[bytes]
) -> None:
    first = sign_payload(b'{"s":1}', signer, _middle(signer, 11))
    later = sign_payload(b'{"s":2}', signer, _middle(signer, 12))
    assert _check(b'{"s":1}', first, pki) == []
    assert _check(b'{"s":2}', later, pki) == []
    assert _check(b'{"s":3}', later, pki) == ["tampered"]
    assert b'{"s":2}' not in full_validations and b'{"s":3}' not in full_validations


def test_the_key_of_a_same_subject_certificate_does_not_pass(
    signer: SigningKey, twin: SigningKey, pki: Pki, full_validations: list[bytes]
) -> None:
    """Signed attributes naming the first signer's certificate, signed with the twin's key:
    the shortcut verifies with the memo's certificate's public key and refuses it."""
    assert twin.chain[0].subject == signer.chain[0].subject
    assert twin.chain[0] != signer.chain[0]
    assert _check(b'{"t":1}', sign_payload(b'{"t":1}', signer, _middle(signer, 21)), pki) == []
    try:
        forged = sign_payload(b'{"t":2}', _mixed(signer, twin), _middle(signer, 22))
    except SigningError:  # a pyHanko that refuses to sign with a mismatched key: nothing to test
        pytest.skip("pyHanko refuses a key that does not match the certificate")
    assert _check(b'{"t":2}', forged, pki) == ["tampered"]
    assert b'{"t":2}' not in full_validations  # decided by the shortcut itself


def test_a_file_of_the_same_subject_certificate_is_validated_in_full(
    signer: SigningKey, twin: SigningKey, pki: Pki, full_validations: list[bytes]
) -> None:
    assert _check(b'{"u":1}', sign_payload(b'{"u":1}', signer, _middle(signer, 31)), pki) == []
    other = sign_payload(b'{"u":2}', twin, _middle(signer, 32))
    found = check_envelope(b'{"u":2}', other, other.model_dump(mode="json"), [pki.ca_cert])
    assert found.reasons == () and found.chain[0] == twin.chain[0]
    assert b'{"u":2}' in full_validations  # another certificate: its own full validation


def test_a_swapped_signing_certificate_attribute(
    signer: SigningKey, twin: SigningKey, pki: Pki
) -> None:
    """The first signer's key over attributes naming the twin's certificate, in a CMS that
    names the first signer: the per-file check declines it, pyHanko's full path refuses it."""
    assert _check(b'{"v":1}', sign_payload(b'{"v":1}', signer, _middle(signer, 41)), pki) == []
    try:
        swapped = sign_payload(b'{"v":2}', _mixed(twin, signer), _middle(signer, 42))
    except SigningError:
        pytest.skip("pyHanko refuses a key that does not match the certificate")
    swapped = _with_chain(swapped, signer)
    assert _check(b'{"v":2}', swapped, pki) != []
    info = cms.ContentInfo.load(base64.b64decode(swapped.cms))["content"]["signer_infos"][0]
    known = KnownSigner.of(to_asn1(signer.chain[0]))
    assert check_signer_info(b'{"v":2}', info, "data", known, _middle(signer, 42)) is None


def _with_chain(block: SignatureBlock, key: SigningKey) -> SignatureBlock:
    """`block` with its CMS rebuilt around `key`'s chain (sid and certificates), as a forger
    would, and the readable fields to match."""
    info = cms.ContentInfo.load(base64.b64decode(block.cms))["content"]["signer_infos"][0]
    der = assemble_cms(key.chain, info)
    return _block(key.chain, block.signed_at, base64.b64encode(der).decode("ascii"))


def test_a_signing_time_outside_the_validity(signer: SigningKey, pki: Pki) -> None:
    cert = signer.chain[0]
    info_of = sign_payload(b'{"w":1}', signer, _middle(signer, 51))
    assert _check(b'{"w":1}', info_of, pki) == []
    info = cms.ContentInfo.load(base64.b64decode(info_of.cms))["content"]["signer_infos"][0]
    known = KnownSigner.of(to_asn1(cert))
    assert check_signer_info(b'{"w":1}', info, "data", known, _middle(signer, 51)) == (True, True)
    for outside in (
        cert.not_valid_before_utc - timedelta(seconds=1),
        cert.not_valid_after_utc + timedelta(seconds=1),
    ):
        assert check_signer_info(b'{"w":1}', info, "data", known, outside) is None
    # pyHanko tolerates a second at either edge; a day is outside for both.
    for outside, code in (
        (cert.not_valid_before_utc - timedelta(days=1), "cert_not_yet_valid"),
        (cert.not_valid_after_utc + timedelta(days=1), "cert_expired"),
    ):
        assert _check(b'{"w":2}', sign_payload(b'{"w":2}', signer, outside), pki) == [code]


def test_known_signer_facts(signer: SigningKey) -> None:
    cert = signer.chain[0]
    known = KnownSigner.of(to_asn1(cert))
    assert known.certificate_sha256 == hashlib.sha256(cert.public_bytes(Encoding.DER)).digest()
    assert known.serial == cert.serial_number
    assert (known.not_before, known.not_after) == (
        cert.not_valid_before_utc,
        cert.not_valid_after_utc,
    )
