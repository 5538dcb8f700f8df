"""Where sample centres are found: the bundled ones in `assets/samples/`, and a trainer's own
in `<data folder>/training/samples/`. A sample is named by its id or by its file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assessor.core.problems import ProblemsError, UserError
from assessor.core.training.sample import bundled_sample_paths
from assessor.core.training.sealed import AnySample, load_any_sample


def sample_files(data_root: Path | None) -> list[Path]:
    """Bundled samples first, then the trainer's own."""
    own = sorted((data_root / "training" / "samples").glob("*.json")) if data_root else []
    return [*bundled_sample_paths(), *own]


@dataclass
class Catalogue:
    samples: list[AnySample] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # why a file is skipped, in Chinese


def all_samples(data_root: Path | None) -> Catalogue:
    """Every sample that loads; one broken file (a trainer's draft) never hides the others."""
    catalogue = Catalogue()
    for path in sample_files(data_root):
        try:
            sample = load_any_sample(path)
        except ProblemsError as exc:
            catalogue.broken.append(
                f"{path}：{exc.problems[0].message}（共 {len(exc.problems)} 个问题）"
            )
            continue
        # An id names one sample: a later file never stands in for a bundled test sample.
        if any(s.id == sample.id for s in catalogue.samples):
            catalogue.broken.append(f"{path}：样例编号 {sample.id} 已被前面的样例使用，已忽略")
            continue
        catalogue.samples.append(sample)
    return catalogue


def find_sample(name: str, data_root: Path | None) -> AnySample:
    """The sample with id `name`, or the sample file at path `name`."""
    path = Path(name)
    if path.suffix == ".json" and path.is_file():
        return load_any_sample(path)
    for sample in all_samples(data_root).samples:
        if sample.id == name:
            return sample
    raise UserError(f"找不到样例 {name}。用 assessor train list 查看所有样例的编号。")
