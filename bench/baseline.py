"""The bare-Temporal baseline: a workflow with two trivial activities, on its own
worker process, against the same dev server as Relais in the same run.

    python -m bench.baseline --address 127.0.0.1:7233 --task-queue bare

runs its worker until SIGTERM; :func:`bare_worker` starts one from a benchmark.
"""

import argparse
import asyncio
import signal
import sys
from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from bench.bare_workflow import (
    BareChatWorkflow,
    BareQueueWorkflow,
    BareWorkflow,
    first_step,
    second_step,
)
from tests.chaos.processes import PYTHON, Process, child_env


async def serve(address: str, task_queue: str) -> None:
    client = await Client.connect(address)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[BareWorkflow, BareQueueWorkflow, BareChatWorkflow],
        activities=[first_step, second_step],
    ):
        print("bare worker started", flush=True)
        await stop.wait()


async def bare_worker(address: str, task_queue: str, folder: Path) -> Process:
    """A bare worker in its own process (as Relais' worker is), ready to poll."""
    worker = Process(
        "bare-worker",
        [PYTHON, "-m", "bench.baseline", "--address", address, "--task-queue", task_queue],
        child_env(),
        folder / "bare-worker.log",
    )
    worker.start()
    await worker.wait_until(lambda: "bare worker started" in worker.output(), "bare worker")
    return worker


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.address, args.task_queue))


if __name__ == "__main__":
    main(sys.argv[1:])
