"""Make a package visible to ``importlib.metadata`` the way pip does, without pip:
a ``<name>-<version>.dist-info`` folder (METADATA + entry_points.txt) in a folder on
``sys.path``. That is exactly what an installed distribution looks like to
``entry_points()``; the context manager removes it again."""

import importlib
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

GROUP = "relais.partners"


@contextmanager
def installed_distribution(
    site: Path,
    name: str,
    version: str,
    entry_points: Mapping[str, str],
    code_paths: tuple[Path, ...] = (),
) -> Iterator[None]:
    dist_info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    lines = [f"[{GROUP}]", *(f"{key} = {value}" for key, value in entry_points.items())]
    (dist_info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    added = [str(path) for path in (site, *code_paths)]
    sys.path[:0] = added
    importlib.invalidate_caches()
    try:
        yield
    finally:
        for path in added:
            sys.path.remove(path)
        importlib.invalidate_caches()
