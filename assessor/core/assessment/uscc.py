"""统一社会信用代码 (GB 32100—2015): 18 characters ending in a mod-31 check character."""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def uscc_problem(code: str) -> str | None:
    """None when `code` is a well-formed USCC, otherwise why not, in Chinese."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，当前为 {len(code)} 位"
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return (
            f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、S、V、Z 及小写字母）"
        )
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3—8 位应为行政区划码（数字）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第 18 位应为 {expected}，实际为 {code[17]}"
    return None
