"""Reading Prometheus' text format back in the tests, and the checks every metrics
test makes: the named metrics are there, no label holds personal data or an id."""

from collections.abc import Iterable
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


def samples(text: str) -> list[Sample]:
    return [
        Sample(s.name, dict(s.labels), s.value)
        for family in text_string_to_metric_families(text)
        for s in family.samples
    ]


def value(found: list[Sample], name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    matching = [
        s for s in found if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    assert matching, f"no sample {name}{labels}; names seen: {sorted({s.name for s in found})}"
    return sum(s.value for s in matching)


def assert_no_label_holds(found: list[Sample], forbidden: Iterable[str]) -> None:
    """No label value contains any of ``forbidden`` (case ids, names, phone numbers,
    URLs): one series per case would be personal data and a cardinality bomb."""
    needles = [n for n in forbidden if n]
    for sample in found:
        for key, label in sample.labels.items():
            for needle in needles:
                assert needle not in label, f"{sample.name}{{{key}={label!r}}} holds {needle!r}"
