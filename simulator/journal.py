"""What the simulator must not forget across its own restart: a journal file.

A real platform remembers the notices it received while it reboots; so must the
simulator when ``./dev up`` restarts it after a crash, or Relais would see
references it never issued (404 on a poll), lose the decision it was waiting for,
or have a retried notice counted as new. ``--state-file`` names an append-only file
of JSON lines, one per change: a submission received (or received again under the
same key), the decision planned for it, the decision taken, its webhook delivered,
a target's live config. Each line is written and flushed before the answer goes
out, so a SIGKILL loses nothing that was answered.

At start the journal is read back: submissions, reference numbers and live configs
are restored, planned decisions are scheduled for the time left (at once if it has
passed), and decisions whose webhook was not delivered are sent again. Then the file
is rewritten with the current state only, so it stays as long as what is live.

The file holds what platforms hold (notice bodies, with the reported content's
location): it lives in the local data folder, readable by its owner only.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from simulator.config import Delivery, TargetConfig
from simulator.meta import journal as meta_journal
from simulator.state import SimulatorState, Submission

log = logging.getLogger("simulator.journal")


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    # ---- writing ---------------------------------------------------------------------

    def write(self, event: dict[str, Any]) -> None:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._file = os.fdopen(fd, "a", encoding="utf-8")
        self._file.write(json.dumps(event, separators=(",", ":"), default=str) + "\n")
        self._file.flush()  # in the kernel: survives the process being killed

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def submission(self, submission: Submission) -> None:
        self.write({"event": "submission", "submission": submission.model_dump(mode="json")})

    def posted(self, submission: Submission) -> None:
        self.write(
            {
                "event": "posted",
                "target": submission.target,
                "reference": submission.reference,
                "posts": submission.posts,
            }
        )

    def planned(
        self, submission: Submission, status: str, detail: str | None, at: datetime
    ) -> None:
        self.write(
            {
                "event": "planned",
                "target": submission.target,
                "reference": submission.reference,
                "status": status,
                "detail": detail,
                "at": at.isoformat(),
            }
        )

    def decided(self, submission: Submission) -> None:
        self.write(
            {
                "event": "decided",
                "target": submission.target,
                "reference": submission.reference,
                "status": submission.status,
                "detail": submission.detail,
                "decided_at": submission.decided_at.isoformat() if submission.decided_at else None,
            }
        )

    def delivered(self, submission: Submission) -> None:
        self.write(
            {"event": "delivered", "target": submission.target, "reference": submission.reference}
        )

    def config(self, slug: str, config: TargetConfig) -> None:
        self.write({"event": "config", "target": slug, "config": config.model_dump(mode="json")})

    def reset(self, reset_config: bool) -> None:
        self.write({"event": "reset", "config": reset_config})

    # ---- reading back ----------------------------------------------------------------

    def restore(self, state: SimulatorState) -> Restored:
        """Replay the journal into ``state``; what is still owed, to be resumed."""
        restored = Restored()
        if not self.path.exists():
            return restored
        with self.path.open(encoding="utf-8") as file:
            for number, line in enumerate(file, 1):
                if not line.strip():
                    continue
                try:
                    restored.apply(state, json.loads(line))
                except (ValueError, KeyError) as exc:  # a line cut by a crash: the rest stands
                    log.warning("journal line %d skipped: %s", number, type(exc).__name__)
        return restored

    def compact(self, state: SimulatorState, restored: Restored) -> None:
        """Rewrite the file as the current state only (atomically)."""
        self.close()
        temporary = self.path.with_suffix(self.path.suffix + ".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for slug, config in sorted(restored.configs.items()):
                out.write(json.dumps({"event": "config", "target": slug, "config": config}) + "\n")
            for target in state.targets.values():
                for submission in target.by_reference.values():
                    line = {"event": "submission", "submission": submission.model_dump(mode="json")}
                    out.write(json.dumps(line) + "\n")
                    plan = restored.planned.get((submission.target, submission.reference))
                    if plan is not None:
                        event = {"event": "planned", "target": submission.target}
                        event |= {"reference": submission.reference, **plan}
                        out.write(json.dumps(event) + "\n")
                    if (submission.target, submission.reference) in restored.delivered:
                        event = {"event": "delivered", "target": submission.target}
                        out.write(json.dumps(event | {"reference": submission.reference}) + "\n")
            for line in meta_journal.snapshot(state.meta):
                out.write(json.dumps(line) + "\n")
        os.replace(temporary, self.path)


class Restored:
    """The journal's content once replayed: plans not carried out yet, deliveries done."""

    def __init__(self) -> None:
        self.planned: dict[tuple[str, str], dict[str, Any]] = {}
        self.delivered: set[tuple[str, str]] = set()
        self.configs: dict[str, dict[str, Any]] = {}
        self.submissions = 0

    def apply(self, state: SimulatorState, event: dict[str, Any]) -> None:
        kind = event["event"]
        if kind.startswith(meta_journal.PREFIX):
            meta_journal.apply(state.meta, event)
            return
        if kind == "reset":
            state.meta.reset(bool(event.get("config")))
            self.planned.clear()
            self.delivered.clear()
            for target in state.targets.values():
                target.by_reference.clear()
                target.by_key.clear()
                if event.get("config"):
                    target.config = state.config.target_config(target.slug)
            if event.get("config"):
                self.configs.clear()
            return
        if kind == "config":
            self.configs[event["target"]] = event["config"]
            state.target(event["target"]).config = TargetConfig.model_validate(event["config"])
            return
        if kind == "submission":
            submission = Submission.model_validate(event["submission"])
            target = state.target(submission.target)
            target.by_reference[submission.reference] = submission
            target.by_key[(submission.kind, submission.idempotency_key)] = submission
            state.note_reference(submission.target, submission.reference)
            self.submissions += 1
            return
        key = (event["target"], event["reference"])
        found = state.find(*key)
        if found is None:
            return
        submission = found
        if kind == "posted":
            submission.posts = int(event["posts"])
        elif kind == "planned":
            self.planned[key] = {k: event[k] for k in ("status", "detail", "at")}
        elif kind == "decided":
            self.planned.pop(key, None)
            self.delivered.discard(key)
            submission.status = event["status"]
            submission.detail = event["detail"]
            decided_at = event.get("decided_at")
            submission.decided_at = datetime.fromisoformat(decided_at) if decided_at else None
        elif kind == "delivered":
            self.delivered.add(key)

    def owed_webhooks(self, state: SimulatorState) -> list[Submission]:
        """Decided submissions of webhook targets whose webhook never reached Relais."""
        owed = []
        for target in state.targets.values():
            if target.config.delivery is not Delivery.WEBHOOK:
                continue
            for submission in target.by_reference.values():
                key = (submission.target, submission.reference)
                if submission.decided_at is not None and key not in self.delivered:
                    owed.append(submission)
        return owed
