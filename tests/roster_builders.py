"""Generated rosters: valid USCCs in a handful of districts, written as .xlsx or .csv."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from openpyxl import Workbook

from assessor.core.assessment.uscc import check_character

DISTRICTS = tuple(f"3201{n:02d}" for n in (2, 4, 5, 6, 11, 13, 14, 15, 16, 17))
HEADER = ("机构名称", "统一社会信用代码", "行政区划代码", "地址", "机构性质", "托位数", "备案日期")
OPERATORS = ("公办", "民办非营利", "民办营利", "用人单位办", "幼儿园托班")


def uscc(district: str, number: int) -> str:
    first17 = f"91{district}{number:09d}"
    return first17 + check_character(first17)


def roster_rows(count: int, districts: tuple[str, ...] = DISTRICTS, seed: int = 7) -> list[list]:
    """`count` centres spread unevenly over `districts` (the first districts are larger)."""
    rng = random.Random(seed)
    weights = [len(districts) - i + 2 for i in range(len(districts))]
    rows = []
    for number in range(count):
        district = rng.choices(districts, weights)[0]
        rows.append(
            [
                f"第{number + 1}托育中心",
                uscc(district, number + 1),
                district,
                f"幸福路 {number + 1} 号",
                OPERATORS[number % len(OPERATORS)],
                20 + number % 100,
                f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}",
            ]
        )
    return rows


def write_xlsx(path: Path, rows: list[list], *, sheet: str = "名册", header=HEADER) -> Path:
    book = Workbook()
    page = book.active
    page.title = sheet
    page.append(list(header))
    for row in rows:
        page.append(row)
    book.save(path)
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8-sig", header=HEADER) -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path
