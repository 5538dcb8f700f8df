"""Does a reference rationale name the words of the level it scores, and only of that level?

A rationale teaches why a finding is worth this level: it quotes, in 「」, the words of the
scored level's criterion (or of the N/A condition) that decide it. Quoting another level's words,
or using them unquoted, teaches the trainee a different score from the one given.
"""

from __future__ import annotations

import re

from assessor.core.problems import Problem
from assessor.core.rubric.model import Indicator, ScoreLevel
from assessor.core.training.restatement import plain_text, restated_part
from assessor.core.training.sample import DossierEntry, SampleCentre

QUOTE = re.compile(r"「([^「」]+)」")
# Fewer characters than this are a word the levels share ("记录"), not a level's wording.
MIN_QUOTE_CHARS = 4


def rationale_problems(
    sample: SampleCentre, by_id: dict[str, Indicator], where: str
) -> list[Problem]:
    problems: list[Problem] = []
    for n, entry in enumerate(sample.dossier):
        ind = by_id.get(entry.indicator)
        if ind is None:
            continue  # reported by the dossier check
        for message in _entry_problems(entry, ind):
            problems.append(Problem(where, f"dossier[{n}].reference.rationale", message))
    return problems


def _entry_problems(entry: DossierEntry, ind: Indicator) -> list[str]:
    ref = entry.reference
    scored = _scored_level(ind, entry)
    if ref.na and not ind.na_allowed:
        return []  # reported by the level check
    if ref.na:
        own, own_name = ind.na_condition, "不适用条件"
    elif scored is None:
        return []  # a score that is no level is reported by the level check
    else:
        own, own_name = scored.criterion, _name(ind, scored)
    others = [lv for lv in ind.levels if lv is not scored]
    messages: list[str] = []
    quotes = [q for q in QUOTE.findall(ref.rationale) if len(plain_text(q)) >= MIN_QUOTE_CHARS]
    if not any(_within(q, own) for q in quotes):
        messages.append(f"理由没有引用{own_name}的原话；请用「」引出决定这一档的文字")
    for quote in quotes:
        if _within(quote, own):
            continue
        source = next((lv for lv in others if _within(quote, lv.criterion)), None)
        if source is not None:
            messages.append(f"理由引用了{_name(ind, source)}的「{quote}」，参考评分却是{own_name}")
        else:
            messages.append(f"理由中的「{quote}」不是{own_name}的原话")
    unquoted = QUOTE.sub("", ref.rationale)
    for level in others:
        borrowed = _borrowed(unquoted, level.criterion, own)
        if borrowed:
            messages.append(
                f"理由用了{_name(ind, level)}的说法“{borrowed}”，参考评分却是{own_name}"
            )
    return messages


def _scored_level(ind: Indicator, entry: DossierEntry) -> ScoreLevel | None:
    score = entry.reference.score
    if score is None:
        return None
    return next((lv for lv in ind.levels if lv.points == float(score)), None)


def _name(ind: Indicator, level: ScoreLevel) -> str:
    return f"第 {ind.levels.index(level) + 1} 档（{level.label}）"


def _within(quote: str, source: str) -> bool:
    return plain_text(quote) in plain_text(source)


def _borrowed(text: str, criterion: str, own: str) -> str | None:
    """A clause of `criterion` (or most of it) that `text` restates unquoted and the scored
    level's own words do not have; shorter shared words are the topic, not a level's wording."""
    part = restated_part(text, criterion)
    if part is not None and not _within(part, own):
        return part
    return None
