"""Where the API gets its snapshot of registered platforms and partners.

The adapter registry (``partners.registry.AdapterRegistry``) satisfies
:class:`CatalogSource`; tests and tools can pass a :class:`StaticCatalog` instead.
"""

from typing import Protocol

from domain.catalog import PartnerCatalog


class CatalogSource(Protocol):
    def catalog(self) -> PartnerCatalog: ...


class StaticCatalog:
    """A fixed catalog, for tests and for running the API without adapters loaded."""

    def __init__(self, catalog: PartnerCatalog) -> None:
        self._catalog = catalog

    def catalog(self) -> PartnerCatalog:
        return self._catalog
