"""Where tasks run: local worker processes, or a Dask distributed cluster. The batch loop
sees the same three calls either way, so results, failures and progress match."""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import time
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from broadcaster.batch.worker import Task, run_task, start_local_worker
from broadcaster.errors import BatchError

CONNECT_S = 5
"""How long to try to reach a Dask scheduler, and to wait for its first worker."""
DASK_POLL_S = 0.02
"""How often the state of Dask futures is looked at."""
LOCAL = "local"
"""``--scheduler local``: start a LocalCluster on this machine."""


class Runner(Protocol):
    """Runs tasks somewhere and hands back futures."""

    capacity: int
    """How many tasks can run at once."""

    def submit(self, task: Task) -> Any: ...

    def wait(self, futures: list, timeout: float) -> set:
        """Those of ``futures`` done within ``timeout`` seconds (waits for at least one)."""
        ...

    def close(self) -> None: ...


def open_runner(scheduler: str | None, jobs: int) -> Runner:
    """Local worker processes, or a Dask cluster when ``scheduler`` names one."""
    return DaskRunner(scheduler, jobs) if scheduler else LocalRunner(jobs)


class LocalRunner:
    """``jobs`` spawned worker processes, each with its own engine."""

    def __init__(self, jobs: int) -> None:
        self.capacity = jobs
        self._pool = self._new_pool()

    def _new_pool(self) -> concurrent.futures.ProcessPoolExecutor:
        return concurrent.futures.ProcessPoolExecutor(
            self.capacity,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_local_worker,
        )

    def submit(self, task: Task) -> concurrent.futures.Future:
        try:
            return self._pool.submit(run_task, task)
        except BrokenProcessPool:
            # A worker died (its tasks are reported as failed); the rest go to a new pool.
            self._pool.shutdown(wait=False)
            self._pool = self._new_pool()
            return self._pool.submit(run_task, task)

    def wait(self, futures: list, timeout: float) -> set:
        return concurrent.futures.wait(
            futures, timeout, return_when=concurrent.futures.FIRST_COMPLETED
        ).done

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """A Dask distributed cluster: one at ``address``, or a LocalCluster (``local``)."""

    def __init__(self, address: str, jobs: int) -> None:
        try:
            import distributed
        except ImportError:
            raise BatchError(
                "running on a Dask cluster needs the cluster extra",
                "pip install 'broadcaster[cluster]'",
            ) from None
        self._cluster = _local_cluster(jobs) if address == LOCAL else None
        where = self._cluster.scheduler_address if self._cluster else address
        self._client = _connect(distributed, where)
        self.capacity = max(1, sum(self._client.nthreads().values()))

    def submit(self, task: Task) -> Any:
        return self._client.submit(run_task, task, pure=False)

    def wait(self, futures: list, timeout: float) -> set:
        # Polled: distributed.wait needs a process-wide default client, and two scheduled
        # jobs may each have their own.
        deadline = time.monotonic() + timeout
        while True:
            done = {future for future in futures if future.done()}
            if done or time.monotonic() >= deadline:
                return done
            time.sleep(DASK_POLL_S)

    def close(self) -> None:
        self._client.close()
        if self._cluster:
            self._cluster.close()


def _local_cluster(jobs: int) -> Any:
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=jobs,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        # Its HTTP server (health, metrics) starts even without a dashboard: on a free
        # loopback port, not 8787, which another cluster may hold.
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    )


def _connect(distributed: Any, address: str) -> Any:
    """A client of the scheduler at ``address`` with at least one worker, within seconds."""
    try:
        client = distributed.Client(address, timeout=f"{CONNECT_S}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchError(
            f"cannot reach the Dask scheduler at {address} within {CONNECT_S} s: {exc}",
            "start it with `dask scheduler` or check --scheduler",
        ) from None
    try:
        client.wait_for_workers(1, timeout=CONNECT_S)
    except TimeoutError:
        client.close()
        raise BatchError(
            f"the Dask scheduler at {address} has no workers",
            "start some with `dask worker ADDRESS --nthreads 1`",
        ) from None
    return client
