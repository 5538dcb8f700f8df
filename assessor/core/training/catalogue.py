"""Where sample centres are found: the bundled ones in `assets/samples/`, and a trainer's own
in `<data folder>/training/samples/`. A sample is named by its id or by its file."""

from __future__ import annotations

from pathlib import Path

from assessor.core.problems import UserError
from assessor.core.training.sample import SampleCentre, bundled_sample_paths, load_sample


def sample_files(data_root: Path | None) -> list[Path]:
    """Bundled samples first, then the trainer's own."""
    own = sorted((data_root / "training" / "samples").glob("*.json")) if data_root else []
    return [*bundled_sample_paths(), *own]


def all_samples(data_root: Path | None) -> list[SampleCentre]:
    """Every sample, bundled first; a file that does not load stops with its problems."""
    return [load_sample(path) for path in sample_files(data_root)]


def find_sample(name: str, data_root: Path | None) -> SampleCentre:
    """The sample with id `name`, or the sample file at path `name`."""
    path = Path(name)
    if path.suffix == ".json" and path.is_file():
        return load_sample(path)
    for candidate in sample_files(data_root):
        sample = load_sample(candidate)
        if sample.id == name:
            return sample
    raise UserError(f"找不到样例 {name}。用 assessor train list 查看所有样例的编号。")
