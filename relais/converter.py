"""The one data converter shared by the API and the worker.

Pydantic models travel as JSON. The encryption codec (per-case keys) plugs in here,
so every client and worker gets it at once.
"""

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter


def data_converter() -> DataConverter:
    return pydantic_data_converter
