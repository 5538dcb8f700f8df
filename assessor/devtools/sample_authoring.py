"""Assembling the bundled sample centres from the text tables they are written in.

Each sample is written as two files in `sample_sources/`: `ID.head.json` (everything but the
rubric reference and the dossier) and `ID.txt`, one dossier entry per line:

    4.1.1|6|what the assessor finds on the day|why this level
    4.1.5|NA|…|…

Lines that are blank or start with `#` are skipped. The rubric reference is taken from the
rubric the samples are built against, so re-pinning every sample to a new rubric version is one
run of this module (`python -m assessor.devtools.sample_authoring [--rubric FILE]`).

Practice samples are written in `sample_sources/` and assembled into `assets/samples/`. Test
samples' references must never ship in the open: their sources live in a source checkout's
`tests/data/samples-plain/sources/`, are assembled into `tests/data/samples-plain/`, and
`python -m assessor.devtools.seal_samples` seals them into `assets/samples/`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from assessor.core.document.new import rubric_ref
from assessor.core.paths import samples_dir
from assessor.core.problems import Problem, ProblemsError, problems_from_validation
from assessor.core.rubric.registry import default_rubric
from assessor.core.rubric.validate import LoadedRubric, load_rubric
from assessor.core.storage.atomic import atomic_write_bytes
from assessor.core.training.sample import SampleCentre, sample_json

SOURCES = Path(__file__).resolve().parent / "sample_sources"
TEST_SOURCES = Path(__file__).resolve().parents[2] / "tests" / "data" / "samples-plain" / "sources"
_FIELDS = 4


def read_table(path: Path) -> list[dict[str, object]]:
    """Dossier entries as sample JSON, or a ProblemsError naming the lines that are malformed."""
    entries: list[dict[str, object]] = []
    problems: list[Problem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("|")]
        if len(fields) != _FIELDS:
            problems.append(
                Problem(str(path), f"第 {number} 行", f"应有 {_FIELDS} 栏，实为 {len(fields)} 栏")
            )
            continue
        indicator, level, found, rationale = fields
        reference: dict[str, object] = {"rationale": rationale}
        if level.upper() == "NA":
            reference["na"] = True
        else:
            reference["score"] = level
        entries.append({"indicator": indicator, "found": found, "reference": reference})
    if problems:
        raise ProblemsError(problems)
    return entries


def assemble(sample_id: str, rubric: LoadedRubric, sources: Path = SOURCES) -> SampleCentre:
    head_path = sources / f"{sample_id}.head.json"
    head = json.loads(head_path.read_text(encoding="utf-8"))
    data = {
        **head,
        "rubric": rubric_ref(rubric).model_dump(mode="json"),
        "dossier": read_table(sources / f"{sample_id}.txt"),
    }
    try:
        return SampleCentre.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError(problems_from_validation(str(head_path), exc)) from exc


def source_ids(sources: Path = SOURCES) -> list[str]:
    return sorted(p.name.removesuffix(".head.json") for p in sources.glob("*.head.json"))


def build_all(rubric: LoadedRubric, out: Path, sources: Path = SOURCES) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sample_id in source_ids(sources):
        path = out / f"{sample_id}.json"
        atomic_write_bytes(path, sample_json(assemble(sample_id, rubric, sources)))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build assets/samples/*.json from the sources.")
    parser.add_argument("--rubric", type=Path, help="rubric file (default: the bundled one)")
    parser.add_argument("--out", type=Path, default=None, help="folder (default: assets/samples)")
    args = parser.parse_args(argv)
    try:
        rubric = load_rubric(args.rubric) if args.rubric else default_rubric()
        out = args.out or samples_dir()
        out.mkdir(parents=True, exist_ok=True)
        for path in build_all(rubric, out):
            print(path)
        if TEST_SOURCES.is_dir():
            for path in build_all(rubric, TEST_SOURCES.parent, TEST_SOURCES):
                print(path)
            print("now seal the test samples: python -m assessor.devtools.seal_samples")
    except ProblemsError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
