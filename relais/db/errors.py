"""Domain errors of the app database. The API maps them to 4xx; activities decide
whether they are retryable. Messages name ids only, never personal data."""


class DatabaseError(Exception):
    """Base of the errors a repository raises on purpose."""


class NotFound(DatabaseError):
    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class TaskAlreadyClaimed(DatabaseError):
    """Someone else holds the task: two counsellors must not work the same one."""

    def __init__(self, task_id: str, claimed_by: str) -> None:
        super().__init__(f"task {task_id!r} is already claimed by {claimed_by!r}")
        self.task_id = task_id
        self.claimed_by = claimed_by


class TaskAlreadyDone(DatabaseError):
    """The task was completed (by a person or by the workflow) before the claim."""

    def __init__(self, task_id: str) -> None:
        super().__init__(f"task {task_id!r} is already done")
        self.task_id = task_id
