"""The job queue port: work handed to a worker by id, run later, possibly on another host."""

from __future__ import annotations

from typing import Protocol


class JobQueue(Protocol):
    """Hands a recorded job to a worker.

    Contract:
    - `enqueue` returns at once; the job (recorded beforehand by the caller, in its own table)
      is run later by a worker calling the use case with its id, in another thread or process;
    - jobs given the same `lock` run one at a time, in the order they were queued;
    - a job whose worker died (killed, host lost) is run again by a worker: the use case must
      start over cleanly, and leave a finished job as it is;
    - `live_progress` tells whether a job may write its progress in a short transaction of its
      own while its run's transaction is open (not on a database with one writer at a time:
      the progress is then written once, at the end).
    """

    live_progress: bool

    def enqueue(self, job_id: str, *, lock: str) -> None:
        """Queue the job `job_id`; jobs of the same `lock` run one after the other."""
        ...
