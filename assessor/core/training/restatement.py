"""Does a dossier entry restate a level's criterion instead of describing what was found?

A dossier that copies the criterion gives the answer away: the trainee matches words instead
of judging evidence. Texts are compared after dropping punctuation and spaces, so that a copy
with changed commas is still a copy.
"""

from __future__ import annotations

import re
import unicodedata

# A criterion shorter than this is a label ("达标"), not a sentence worth protecting.
MIN_CRITERION_CHARS = 8
# A clause of the criterion this long, copied whole, is a copy and not an observation.
MIN_CLAUSE_CHARS = 12
# Share of the criterion's three-character sequences that a restatement reuses. Only for
# criteria long enough that sharing their nouns is not enough to reach it: a short criterion
# ("未参加负责人岗位培训") shares most of its words with any honest note on the same topic.
MOSTLY = 0.5
MIN_MOSTLY_CHARS = 24

_CLAUSE_BREAKS = re.compile(r"[，,；;。：:、（）()“”\"]")


def plain_text(text: str) -> str:
    """Letters, digits and CJK characters only, full-width forms folded to ASCII."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch.isalnum())


def _trigrams(text: str) -> set[str]:
    return {text[i : i + 3] for i in range(len(text) - 2)}


def restated_part(found: str, criterion: str) -> str | None:
    """The part of `criterion` that `found` restates (the whole criterion when it is copied
    verbatim or mostly), or None when `found` reads as its own description."""
    crit, text = plain_text(criterion), plain_text(found)
    if len(crit) < MIN_CRITERION_CHARS:
        return None
    if crit in text:
        return criterion
    grams = _trigrams(crit)
    if len(crit) >= MIN_MOSTLY_CHARS and len(grams & _trigrams(text)) / len(grams) >= MOSTLY:
        return criterion
    for clause in _CLAUSE_BREAKS.split(criterion):
        plain = plain_text(clause)
        if len(plain) >= MIN_CLAUSE_CHARS and plain in text:
            return clause.strip()
    return None
