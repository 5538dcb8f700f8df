"""What an indicator or a check parameter group rests on, in words and by kind."""

from __future__ import annotations

from enum import StrEnum

from assessor.core.rubric.model import (
    PROJECT_BASIS_LABEL,
    Basis,
    BasisRef,
    DocumentKind,
    Indicator,
    Rubric,
)


class Grounding(StrEnum):
    """The strongest ground an indicator has: a national (or local) rule, the known text of
    the standard itself, or only the project's own drafting."""

    rule = "rule"
    standard = "standard"
    project = "project"
    unstated = "unstated"  # format 1 files carry no basis


GROUNDING_LABELS: dict[Grounding, str] = {
    Grounding.rule: "依据国家或地方规定",
    Grounding.standard: "依据标准已知文本",
    Grounding.project: "本项目拟定",
    Grounding.unstated: "未注明依据",
}


def grounding(rubric: Rubric, indicator: Indicator) -> Grounding:
    if indicator.basis is None:
        return Grounding.unstated
    kinds = {doc.id: doc.kind for doc in rubric.documents}
    cited = {kinds.get(ref.document) for ref in indicator.basis.refs}
    if cited & {DocumentKind.national, DocumentKind.local}:
        return Grounding.rule
    if DocumentKind.standard in cited:
        return Grounding.standard
    return Grounding.project


def _ref_text(rubric: Rubric, ref: BasisRef, book_marks: bool) -> str:
    doc = next((d for d in rubric.documents if d.id == ref.document), None)
    if doc is None:  # validation refuses unknown ids; a bare model may still hold one
        return ref.document
    # A report's title names the document it reports on in 《》 already.
    title = doc.title if "《" in doc.title or not book_marks else f"《{doc.title}》"
    if doc.number and doc.number not in doc.title:
        title += f"（{doc.number}）"
    section = ref.section.strip()
    if section:
        title += section if section.startswith("第") else f" {section}"
    return title + ("" if doc.verified else "［未核对原文］")


def basis_sources(rubric: Rubric, basis: Basis, book_marks: bool = True) -> list[str]:
    """Each document cited, in words, then 本项目拟定 where the project drafted. Without
    `book_marks` titles go bare, for one title a line where the line says what it is."""
    parts = [_ref_text(rubric, ref, book_marks) for ref in basis.refs]
    if basis.project:
        parts.append(PROJECT_BASIS_LABEL)
    return parts


def describe_basis(rubric: Rubric, basis: Basis | None) -> str:
    """One line in Chinese: the documents cited, 本项目拟定 where the project drafted, the note."""
    if basis is None:
        return "未注明"
    text = "；".join(basis_sources(rubric, basis))
    return f"{text}。{basis.note.strip()}" if basis.note.strip() else text
