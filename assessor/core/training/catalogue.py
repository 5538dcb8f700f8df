"""Where sample centres are found: the bundled ones in `assets/samples/`, and a trainer's own
in `<data folder>/training/samples/`. A sample is named by its id or by its file."""

from __future__ import annotations

from pathlib import Path

from assessor.core.paths import assets_dir
from assessor.core.problems import UserError
from assessor.core.training.rule import RULE_FILE
from assessor.core.training.sample import SampleCentre, load_sample


def sample_folders(data_root: Path | None) -> list[Path]:
    folders = [assets_dir() / "samples"]
    if data_root is not None:
        folders.append(data_root / "training" / "samples")
    return folders


def sample_files(data_root: Path | None) -> list[Path]:
    return [
        path
        for folder in sample_folders(data_root)
        for path in sorted(folder.glob("*.json"))
        if path.name != RULE_FILE
    ]


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
