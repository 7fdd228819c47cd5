"""Platform and partner simulator: plays the trusted-flagger channels of platforms and the
handoff endpoints of partners over real HTTP, with failure modes set by a control API.
See docs/simulator.md."""

from simulator.app import create_app
from simulator.config import SimulatorConfig, TargetConfig

__all__ = ["SimulatorConfig", "TargetConfig", "create_app"]
