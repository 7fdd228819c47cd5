"""Plugins found through the ``relais.partners`` entry points: loaded, and when
broken, reported by name (never silently skipped)."""

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from partners.loading import load_adapters, load_registry
from partners.problems import AdapterLoadError
from relais.settings import Settings
from tests.adapters.installing import installed_distribution

GOOD_PLUGIN = """
from partners.rest_channel import RestChannelConfig, RestHandoffChannel
from partners.spec import AdapterSpec
from domain.catalog import AdapterInfo
from domain.catalog import PartnerKind

def adapters():
    return [
        AdapterSpec(
            AdapterInfo(slug=SLUG, display_name="Plugin partner", kind=PartnerKind.OTHER),
            RestChannelConfig,
            handoff_channel=RestHandoffChannel,
            config={"base_url": BASE_URL},
        )
    ]
"""


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Iterator[Path]:
    code = tmp_path / "code"
    code.mkdir()
    yield code
    for name in [m for m in sys.modules if m.startswith("plugin_")]:
        del sys.modules[name]


def _module(code: Path, source: str) -> str:
    name = f"plugin_{uuid.uuid4().hex[:8]}"
    (code / f"{name}.py").write_text(source, encoding="utf-8")
    return name


def _report(environ: dict[str, str] | None = None) -> tuple[list[str], list[str], list[str]]:
    report = load_adapters(Settings(), None, environ=environ or {})
    slugs = [a.info.slug for a in report.adapters]
    return slugs, [str(p) for p in report.problems], report.notes


def test_a_plugins_adapters_are_registered_and_the_source_noted(
    tmp_path: Path, plugin_dir: Path
) -> None:
    module = _module(
        plugin_dir, GOOD_PLUGIN.replace("SLUG", '"ligue-est"').replace("BASE_URL", '"http://x"')
    )
    with installed_distribution(
        tmp_path / "site",
        "ligue-est-plugin",
        "1.2.0",
        {"ligue": f"{module}:adapters"},
        (plugin_dir,),
    ):
        slugs, problems, notes = _report()
        registry = load_registry(Settings())

    assert problems == []
    assert "ligue-est" in slugs and "tiktok" in slugs
    where = f"entry point 'ligue' ({module}:adapters) from ligue-est-plugin 1.2.0"
    assert f"{where}: ligue-est" in notes
    assert registry.get("ligue-est") is not None
    assert registry.catalog().partner("ligue-est") is not None
    assert registry.get("ligue-est").spec.source == where  # type: ignore[union-attr]


def test_a_plugin_that_fails_to_import_is_reported(tmp_path: Path, plugin_dir: Path) -> None:
    module = _module(plugin_dir, "import relais_missing_dependency\n")
    with installed_distribution(
        tmp_path / "site", "broken-plugin", "0.1", {"broken": f"{module}:adapters"}, (plugin_dir,)
    ):
        _, problems, _ = _report()
        with pytest.raises(AdapterLoadError) as stopped:
            load_registry(Settings())
        tolerated = load_registry(Settings(adapters_tolerate_errors=True))

    expected = (
        f"entry point 'broken' ({module}:adapters) from broken-plugin 0.1: failed to load: "
        "ModuleNotFoundError: No module named 'relais_missing_dependency'"
    )
    assert problems == [expected]
    assert expected in str(stopped.value)
    assert [str(p) for p in tolerated.problems] == [expected]
    assert tolerated.get("tiktok") is not None


def test_a_plugin_returning_something_else_is_reported(tmp_path: Path, plugin_dir: Path) -> None:
    module = _module(plugin_dir, "adapters = 42\n")
    with installed_distribution(
        tmp_path / "site", "odd-plugin", "0.1", {"odd": f"{module}:adapters"}, (plugin_dir,)
    ):
        _, problems, _ = _report()

    assert problems == [
        f"entry point 'odd' ({module}:adapters) from odd-plugin 0.1: failed to load: TypeError: "
        "expected an AdapterSpec, a list of them or a function returning them, got int"
    ]


def test_two_plugins_claiming_one_slug_and_a_bad_plugin_config_are_reported(
    tmp_path: Path, plugin_dir: Path
) -> None:
    source = GOOD_PLUGIN.replace("SLUG", '"ligue-est"')
    first = _module(plugin_dir, source.replace("BASE_URL", '"http://x"'))
    second = _module(plugin_dir, source.replace("BASE_URL", '"${LIGUE_EST_URL}"'))
    with (
        installed_distribution(
            tmp_path / "a", "plugin-a", "1", {"a": f"{first}:adapters"}, (plugin_dir,)
        ),
        installed_distribution(tmp_path / "b", "plugin-b", "1", {"b": f"{second}:adapters"}),
    ):
        _, problems, _ = _report()
    assert problems == [
        f"entry point 'b' ({second}:adapters) from plugin-b 1: adapter 'ligue-est': slug already "
        f"registered by entry point 'a' ({first}:adapters) from plugin-a 1"
    ]

    lone = _module(plugin_dir, source.replace("BASE_URL", '"${LIGUE_EST_URL}"'))
    with installed_distribution(
        tmp_path / "c", "plugin-c", "1", {"c": f"{lone}:adapters"}, (plugin_dir,)
    ):
        _, problems, _ = _report()
    assert problems == [
        f"entry point 'c' ({lone}:adapters) from plugin-c 1: adapter 'ligue-est': config.base_url:"
        " environment variable LIGUE_EST_URL is not set"
    ]
