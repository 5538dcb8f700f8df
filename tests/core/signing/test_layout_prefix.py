"""The CMS layout check compares slices against a prefix kept per chain: it must say exactly
what rebuilding the whole SignedData (`assemble_cms`) and comparing says, for real signatures
and for every change to the parts the signature does not cover."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from asn1crypto import algos, cms, core

from assessor.core.signing.json_envelope import _decode_cms, sign_payload
from assessor.core.signing.keys import SigningKey
from assessor.core.signing.verification import assemble_cms, in_assembled_layout, to_asn1

Mutation = Callable[[cms.ContentInfo, SigningKey, SigningKey], None]


def _signed(signer: SigningKey, payload: bytes) -> bytes:
    block = sign_payload(payload, signer, datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    return base64.b64decode(block.cms)


def _set_certificates(info: cms.ContentInfo, certificates: list[object]) -> None:
    info["content"]["certificates"] = certificates


def _reverse(info: cms.ContentInfo, signer: SigningKey, _: SigningKey) -> None:
    """Marker: the swap is made in the bytes (asn1crypto writes a SET OF sorted)."""


def _extra(info: cms.ContentInfo, signer: SigningKey, other: SigningKey) -> None:
    _set_certificates(info, [to_asn1(c) for c in [*signer.chain, other.chain[0]]])


def _dropped(info: cms.ContentInfo, signer: SigningKey, _: SigningKey) -> None:
    _set_certificates(info, [to_asn1(signer.chain[0])])


def _other_chain(info: cms.ContentInfo, _: SigningKey, other: SigningKey) -> None:
    _set_certificates(info, [to_asn1(c) for c in other.chain])


_SHA256_WITH_NULL = bytes.fromhex("300d06096086480165030402010500")


def _digest_params(info: cms.ContentInfo, *_: SigningKey) -> None:
    """Marker: the NULL parameters of the first SHA-256 become an empty OCTET STRING."""


def _signature_params(info: cms.ContentInfo, *_: SigningKey) -> None:
    signer_info = info["content"]["signer_infos"][0]
    algorithm = signer_info["signature_algorithm"]["algorithm"].native
    signer_info["signature_algorithm"] = algos.SignedDigestAlgorithm(
        {"algorithm": algorithm, "parameters": core.Integer(0)}
    )


def _unsigned_attribute(info: cms.ContentInfo, *_: SigningKey) -> None:
    info["content"]["signer_infos"][0]["unsigned_attrs"] = [
        {
            "type": "signing_time",
            "values": [cms.Time({"utc_time": datetime(2026, 1, 1, tzinfo=UTC)})],
        }
    ]


def _second_digest_algorithm(info: cms.ContentInfo, *_: SigningKey) -> None:
    info["content"]["digest_algorithms"] = [
        algos.DigestAlgorithm({"algorithm": "sha256"}),
        algos.DigestAlgorithm({"algorithm": "sha512"}),
    ]


def _version(info: cms.ContentInfo, *_: SigningKey) -> None:
    info["content"]["version"] = "v3"


@pytest.mark.parametrize(
    "mutate",
    [
        _reverse,
        _extra,
        _dropped,
        _other_chain,
        _digest_params,
        _signature_params,
        _unsigned_attribute,
        _second_digest_algorithm,
        _version,
    ],
)
def test_every_change_to_the_unsigned_parts_is_refused_as_assemble_cms_refuses_it(
    signer: SigningKey, trainer: SigningKey, mutate: Mutation
) -> None:
    for payload in (b"first", b"second file of the same signer"):
        der = _signed(signer, payload)
        info = cms.ContentInfo.load(der)
        assert in_assembled_layout(der, signer.chain, info["content"]["signer_infos"][0])
        if mutate is _reverse:
            first, second = (to_asn1(c).dump() for c in signer.chain[:2])
            changed = der.replace(first + second, second + first)
        elif mutate is _digest_params:
            changed = der.replace(_SHA256_WITH_NULL, _SHA256_WITH_NULL[:-2] + b"\x04\x00", 1)
        else:
            mutate(info, signer, trainer)
            changed = info.dump(force=True)
        assert changed != der
        parsed = cms.ContentInfo.load(changed)
        signer_info = parsed["content"]["signer_infos"][0]
        assert assemble_cms(signer.chain, signer_info) != changed
        assert not in_assembled_layout(changed, signer.chain, signer_info)


def test_trailing_or_cut_bytes_and_a_foreign_chain_are_refused(
    signer: SigningKey, trainer: SigningKey
) -> None:
    der = _signed(signer, b"payload")
    signer_info = cms.ContentInfo.load(der)["content"]["signer_infos"][0]
    assert in_assembled_layout(der, signer.chain, signer_info)
    assert not in_assembled_layout(der + b"\x00", signer.chain, signer_info)
    assert not in_assembled_layout(der[:-1], signer.chain, signer_info)
    assert not in_assembled_layout(der, trainer.chain, signer_info)
    assert not in_assembled_layout(der, list(reversed(signer.chain)), signer_info)


def test_many_signatures_of_two_signers_agree_with_rebuilding(
    signer: SigningKey, trainer: SigningKey
) -> None:
    for n in range(12):
        for key in (signer, trainer):
            der = _signed(key, f"file {n}".encode())
            signer_info = cms.ContentInfo.load(der)["content"]["signer_infos"][0]
            assert assemble_cms(key.chain, signer_info) == der
            assert in_assembled_layout(der, key.chain, signer_info)


def test_the_envelope_refuses_a_reordered_certificate_set(signer: SigningKey) -> None:
    block = sign_payload(b"payload", signer, datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    _decode_cms(block)
    first, second = (to_asn1(c).dump() for c in signer.chain[:2])
    der = base64.b64decode(block.cms).replace(first + second, second + first)
    changed = block.model_copy(update={"cms": base64.b64encode(der).decode("ascii")})
    with pytest.raises(ValueError, match="layout"):
        _decode_cms(changed)
