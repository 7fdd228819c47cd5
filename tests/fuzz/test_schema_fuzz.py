"""Schemathesis against the API's own OpenAPI schema, with valid tokens: whatever
it generates (valid and invalid bodies, parameters, headers), the API never
answers 5xx and every answer matches the schema (status documented or not, the
body of a documented one fits). Bounded and seeded, so CI runs the same examples."""

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from tests.chaos.processes import ProcessStack
from tests.fuzz.conftest import TOKENS

EXAMPLES = 20


def token_for(method: str, path: str) -> str:
    """The role a real caller of this route has, so the fuzzing gets past auth."""
    if path.startswith("/adapters"):
        return TOKENS["integrator"]
    if path.startswith("/audit"):
        return TOKENS["auditor"]
    if method.upper() != "GET" and path.startswith(("/cases", "/callbacks", "/tasks")):
        return TOKENS["counsellor"]
    return TOKENS["supervisor"]


def test_api_never_fails_and_keeps_to_its_schema(fuzz_stack: ProcessStack) -> None:
    """Every operation of the schema, ``EXAMPLES`` generated cases each."""
    api_schema = schemathesis.openapi.from_url(f"{fuzz_stack.api_url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def fuzz(case: Any) -> None:
            headers = {"Authorization": f"Bearer {token_for(case.method, case.path)}"}
            checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
            case.call_and_validate(
                base_url=fuzz_stack.api_url, headers=headers, checks=checks, timeout=30
            )

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # collect all, report together
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert operations > 20, "the schema lists fewer operations than the API has"
    assert not failures, "\n\n".join(failures)
