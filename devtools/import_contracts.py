"""An import-linter contract the built-in ones cannot say: a package imports only what
it lists (and the standard library). ``domain`` imports pydantic and nothing else; the
workflows import ``domain``, ``temporalio`` and pydantic, nothing else of ours or of
anyone's. Registered in pyproject.toml (``[tool.importlinter] contract_types``), which
also makes the import graph include external packages, so this contract sees them.
"""

import sys
from typing import Any

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck
from importlinter.domain.helpers import module_expressions_to_modules


class ImportsOnlyContract(Contract):
    """Options: ``source_modules`` (packages held to the list) and ``allowed_modules``
    (top-level packages they may import besides themselves and the standard library).
    """

    type_name = "imports_only"

    source_modules = fields.SetField(subfield=fields.ModuleExpressionField())
    allowed_modules = fields.SetField(subfield=fields.StringField())

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        allowed: set[str] = set(self.allowed_modules)  # type: ignore[call-overload]
        sources = module_expressions_to_modules(graph, self.source_modules)  # type: ignore[arg-type]
        stray: list[dict[str, Any]] = []
        for source in sorted(sources, key=lambda module: module.name):
            for importer in sorted({source.name} | graph.find_descendants(source.name)):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    top = imported.split(".")[0]
                    if top == source.root_package_name or top in allowed:
                        continue
                    if top in sys.stdlib_module_names:
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    lines = tuple(detail["line_number"] for detail in details)
                    stray.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not stray, metadata={"stray": stray})

    def render_broken_contract(self, check: ContractCheck) -> None:
        allowed = ", ".join(sorted(self.allowed_modules))  # type: ignore[call-overload]
        for found in check.metadata["stray"]:
            lines = ", ".join(f"l.{line}" for line in found["lines"]) or "?"
            output.print_error(
                f"{found['importer']} imports {found['imported']} ({lines}): "
                f"only the standard library and {allowed} are allowed",
                bold=False,
            )
        output.new_line()
