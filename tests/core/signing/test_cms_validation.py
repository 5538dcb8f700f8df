"""The envelope check judges a signer's certificate once per key and each file's signature
every time: its verdicts equal pyHanko's full validation of every file on its own."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime, timedelta

import pytest
from asn1crypto import cms
from cryptography import x509
from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

from assessor.core.signing.json_envelope import check_envelope, sign_payload
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.verification import validation_context
from tests.core.signing.pki import Pki


def _full_pyhanko(
    payload: bytes, cms_b64: str, roots: list[x509.Certificate], at: datetime
) -> tuple[bool, bool, bool]:
    """pyHanko's own verdict on one file, with nothing remembered between files."""
    signed_data = cms.ContentInfo.load(base64.b64decode(cms_b64))["content"]
    status = asyncio.run(
        async_validate_detached_cms(
            payload, signed_data, signer_validation_context=validation_context(roots, at)
        )
    )
    return status.intact, status.valid, status.trusted


def _moments(signer: SigningKey) -> dict[str, datetime]:
    cert = signer.chain[0]
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    return {
        "inside": start + (end - start) / 2,
        "inside, later": start + (end - start) / 3,
        "on the first second": start,
        "before": start - timedelta(days=1),
        "after": end + timedelta(days=1),
    }


def test_every_verdict_equals_pyhankos_full_validation(signer: SigningKey, pki: Pki) -> None:
    roots_sets = {"own CA": [pki.ca_cert], "another CA": [pki.other_ca_cert]}
    payloads = [b'{"a":1}', b'{"a":2}']
    seen = []
    # Twice over, so the second round is answered from what the first one remembered.
    for _round in range(2):
        for label, at in _moments(signer).items():
            for n, payload in enumerate(payloads):
                block = sign_payload(payload, signer, at)
                written = block.model_dump(mode="json")
                for roots_label, roots in roots_sets.items():
                    for checked in (payload, payload + b" "):
                        found = check_envelope(checked, block, written, roots)
                        intact, valid, trusted = _full_pyhanko(checked, block.cms, roots, at)
                        case = (label, n, roots_label, checked != payload)
                        seen.append((case, found.reasons))
                        assert (not found.reasons) == (intact and valid and trusted), case
                        if not (intact and valid):
                            assert found.reasons[0].code == "tampered", case
                        assert found.trusted == trusted, case
    codes = {case: reasons[0].code if reasons else "" for case, reasons in seen}
    assert codes[("inside", 0, "own CA", False)] == ""
    assert codes[("after", 0, "own CA", False)] == "cert_expired"
    assert codes[("before", 1, "own CA", False)] == "cert_not_yet_valid"
    assert codes[("inside, later", 1, "another CA", False)] == "untrusted"
    assert codes[("inside, later", 1, "own CA", True)] == "tampered"


def test_a_tampered_first_file_decides_nothing_for_the_next(signer: SigningKey, pki: Pki) -> None:
    at = _moments(signer)["inside"] + timedelta(seconds=7)
    block = sign_payload(b'{"b":1}', signer, at)
    written = block.model_dump(mode="json")
    first = check_envelope(b'{"b":2}', block, written, [pki.ca_cert])
    assert [r.code for r in first.reasons] == ["tampered"]
    assert check_envelope(b'{"b":1}', block, written, [pki.ca_cert]).reasons == ()


@pytest.mark.parametrize("at", ["after", "before"])
def test_outside_the_validity_after_a_file_inside_it(signer: SigningKey, pki: Pki, at: str) -> None:
    moments = _moments(signer)
    good = sign_payload(b'{"c":1}', signer, moments["inside"])
    assert (
        check_envelope(b'{"c":1}', good, good.model_dump(mode="json"), [pki.ca_cert]).reasons == ()
    )
    late = sign_payload(b'{"c":1}', signer, moments[at])
    found = check_envelope(b'{"c":1}', late, late.model_dump(mode="json"), [pki.ca_cert])
    assert [r.code for r in found.reasons] == [
        "cert_expired" if at == "after" else "cert_not_yet_valid"
    ]
