from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import ValidationError

from assessor.core.audit import GENESIS, AuditEntry, append, head, verify_chain
from assessor.core.canonical import canonical_bytes
from assessor.core.problems import problems_from_validation

AT = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)

steps = st.fixed_dictionaries(
    {
        "action": st.sampled_from(["score", "note", "na", "profile", "evidence", "finalise"]),
        "indicator": st.none() | st.text(min_size=1, max_size=6),
        "old": json_values,
        "new": json_values,
        "reason": st.text(max_size=8),
        "at": st.datetimes(
            min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
        ),
    }
)


def build(step_list: list[dict[str, Any]]) -> list[AuditEntry]:
    chain: list[AuditEntry] = []
    for step in step_list:
        chain.append(append(chain, **step))
    return chain


def tampered(entry: AuditEntry, field: str, replacement: Any) -> Any:
    """A value for `field` that differs from the entry's in canonical (hashed) form."""
    current = getattr(entry, field)
    match field:
        case "seq":
            return current + 1
        case "at":
            return current + timedelta(seconds=1)
        case "indicator":
            return "x" if current is None else current + "x"
        case "action" | "reason":
            return current + "x"
        case "prev" | "hash":
            return ("1" if current[0] == "0" else "0") + current[1:]
        case _:
            assume(canonical_bytes(replacement) != canonical_bytes(current))
            return replacement


@given(
    step_list=st.lists(steps, min_size=1, max_size=6),
    data=st.data(),
    field=st.sampled_from(list(AuditEntry.model_fields)),
    replacement=json_values,
)
def test_tampering_with_any_field_of_any_entry_is_detected(
    step_list: list[dict[str, Any]], data: st.DataObject, field: str, replacement: Any
) -> None:
    chain = build(step_list)
    assert verify_chain(chain) == []
    index = data.draw(st.integers(0, len(chain) - 1))
    chain[index] = chain[index].model_copy(
        update={field: tampered(chain[index], field, replacement)}
    )
    assert verify_chain(chain)


@given(step_list=st.lists(steps, min_size=1, max_size=5))
def test_chain_survives_a_json_round_trip(step_list: list[dict[str, Any]]) -> None:
    chain = build(step_list)
    reloaded = [AuditEntry.model_validate(e.model_dump(mode="json")) for e in chain]
    assert reloaded == chain
    assert verify_chain(reloaded) == []


def test_append_is_deterministic_given_the_time() -> None:
    first = append([], "score", "9.4.3", old=None, new=2, at=AT)
    again = append([], "score", "9.4.3", old=None, new=2, at=AT)
    later = append([], "score", "9.4.3", old=None, new=2, at=AT + timedelta(seconds=1))
    assert first == again
    assert first.hash != later.hash


def test_append_links_to_the_chain_without_changing_it() -> None:
    chain = [append([], "profile", None, old="", new="阳光托育", at=AT)]
    entry = append(chain, "note", "9.4.3", old="", new="查阅台账", at=AT)
    assert len(chain) == 1
    assert (entry.seq, entry.prev) == (2, chain[0].hash)
    assert chain[0].seq == 1 and chain[0].prev == GENESIS
    assert head([*chain, entry]) == entry.hash
    assert head([]) == GENESIS


def test_time_is_normalised_to_utc_and_must_have_a_zone() -> None:
    beijing = timezone(timedelta(hours=8))
    entry = append([], "score", at=datetime(2024, 5, 6, 17, 30, tzinfo=beijing))
    assert entry.at == AT and entry.at.tzinfo == UTC
    assert entry == append([], "score", at=AT)
    with pytest.raises(ValidationError) as caught:
        append([], "score", at=datetime(2024, 5, 6, 9, 30))
    (problem,) = problems_from_validation("审计记录", caught.value)
    assert problem.path == "at" and "时区" in problem.message


def test_removed_and_reordered_entries_are_reported_in_chinese() -> None:
    chain = build([{"action": "note", "new": n, "at": AT} for n in range(4)])
    assert verify_chain(chain[:1] + chain[2:]) == [
        "第 2 条审计记录：序号应为 2，实际为 3",
        "第 2 条审计记录：与上一条记录的链接断开（记录被删除、插入或改动）",
        "第 3 条审计记录：序号应为 3，实际为 4",
    ]
    assert verify_chain([chain[1], chain[0]])[0] == "第 1 条审计记录：序号应为 1，实际为 2"
