"""Who calls the API in the tests, written once: the bearer tokens and the headers
that carry them.

Two sets of tokens exist, for two kinds of stack:

- ``TOKENS`` / ``auth(role)``: the local tokens every stack's settings grant by
  default (``relais.settings``: ``local-<role>-token``, and a colleague of the
  counsellor), used by ``tests.support.stack.running_stack``, the process stacks
  (chaos, fuzz, ops) and ``./dev up``;
- ``HARNESS_TOKENS`` / ``harness_auth(role)``: the tokens the API harness of
  ``tests/api`` grants on top of its stack (``test-<role>-token``, one per role, and
  a second counsellor), so its subjects are told apart from the stack's own.
"""

from relais.settings import LOCAL_COLLEAGUE_TOKEN, Role

TOKENS: dict[str, str] = {
    role: f"local-{role}-token" for role in ("counsellor", "supervisor", "integrator", "auditor")
}
# A colleague of the counsellor (a local token too): handovers and worklists need two.
TOKENS["colleague"] = LOCAL_COLLEAGUE_TOKEN

HARNESS_TOKENS: dict[Role, str] = {role: f"test-{role.value}-token" for role in Role}
SECOND_COUNSELLOR_TOKEN = "test-second-counsellor-token"


def bearer(token: str) -> dict[str, str]:
    """The header that presents ``token``."""
    return {"Authorization": f"Bearer {token}"}


def auth(role: str) -> dict[str, str]:
    """The header of a local token: ``role`` is counsellor, colleague, supervisor,
    integrator or auditor."""
    return bearer(TOKENS[role])


def harness_auth(role: Role | str) -> dict[str, str]:
    """The header of the API harness's token for ``role``."""
    return bearer(HARNESS_TOKENS[Role(role)])


def harness_subject(role: Role | str) -> str:
    """The subject the API harness grants ``role``'s token to."""
    return f"test-{Role(role).value}"


SECOND_COUNSELLOR = bearer(SECOND_COUNSELLOR_TOKEN)
