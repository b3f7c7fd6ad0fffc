"""Where tasks run: local worker processes, or a Dask distributed cluster. The batch loop
sees the same four calls either way, so results, failures and progress match."""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import time
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol
from urllib.parse import urlsplit

from broadcaster.batch.worker import Outcome, Task, run_task, start_local_worker
from broadcaster.errors import BatchError

CONNECT_S = 5
"""How long to try to reach a Dask scheduler, and to wait for its first worker."""
DASK_POLL_S = 0.02
"""How often the state of Dask futures is looked at."""
LOCAL = "local"
"""``--scheduler local``: start a LocalCluster on this machine."""
SCHEMES = ("tcp", "tls", "ws", "wss")
"""The transports a Dask scheduler address may name (``tcp`` when it names none)."""
ENCRYPTED = ("tls", "wss")
"""Transports that need Dask's TLS configuration."""


class Lost(BatchError):
    """The cluster went away mid-batch: what ran there is lost, nothing more can start."""


class Runner(Protocol):
    """Runs tasks somewhere and hands back futures."""

    capacity: int
    """How many tasks can run at once."""

    def submit(self, task: Task) -> Any: ...

    def wait(self, futures: list, timeout: float) -> set:
        """Those of ``futures`` done within ``timeout`` seconds (waits for at least one)."""
        ...

    def outcome(self, future: Any) -> Outcome:
        """A done future's outcome; raises Lost if the cluster is gone."""
        ...

    def close(self) -> None: ...


def open_runner(scheduler: str | None, jobs: int) -> Runner:
    """Local worker processes, or a Dask cluster when ``scheduler`` names one."""
    return DaskRunner(scheduler, jobs) if scheduler else LocalRunner(jobs)


def check_scheduler(address: str) -> str:
    """``address`` if it is ``local`` or a scheduler address (``[SCHEME://]HOST:PORT``);
    raises BatchError. Checked before any client exists: distributed's own parse error
    comes from a half-made Client, whose ``__del__`` then prints a traceback."""
    if address == LOCAL:
        return address
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in SCHEMES or not parts.hostname or port is None or parts.path:
        raise BatchError(
            f"{address!r} is not a Dask scheduler address",
            "give tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786), or local to start one here",
        )
    return address


def _died(exc: BaseException) -> Outcome:
    return Outcome(None, f"the worker process died ({type(exc).__name__}: {exc})", 0, 0, 0)


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

    def outcome(self, future: concurrent.futures.Future) -> Outcome:
        try:
            return future.result()
        except Exception as exc:  # a worker killed (its pool is then renewed)
            return _died(exc)

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
        # The client logs its reconnection attempts, with tracebacks, on stderr (dask's
        # logging config gives distributed.client a level of its own); a lost scheduler
        # is reported once, as an error (Lost).
        for name in [n for n in logging.root.manager.loggerDict if n.startswith("distributed")]:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        self._cluster = _local_cluster(jobs) if address == LOCAL else None
        self.address = self._cluster.scheduler_address if self._cluster else address
        try:
            self._client = _connect(distributed, self.address)
        except BatchError:
            self._close_cluster()
            raise
        self.capacity = max(1, sum(self._client.nthreads().values()))

    def submit(self, task: Task) -> Any:
        try:
            return self._client.submit(run_task, task, pure=False)
        except Exception:
            if self._running():
                raise
            raise self._lost() from None

    def wait(self, futures: list, timeout: float) -> set:
        # Polled: distributed.wait needs a process-wide default client, and two scheduled
        # jobs may each have their own.
        deadline = time.monotonic() + timeout
        while True:
            done = {future for future in futures if future.done()}
            # A future is cancelled only when the client gives up on a lost scheduler.
            if any(f.cancelled() for f in done) or self._client.status in ("closing", "closed"):
                raise self._lost()
            if done or time.monotonic() >= deadline:
                return done
            time.sleep(DASK_POLL_S)

    def outcome(self, future: Any) -> Outcome:
        try:
            return future.result()
        except Exception as exc:
            # run_task never raises: an error is a worker that died (KilledWorker); any
            # other failure is the result not reaching us, the scheduler going away.
            if future.status == "error" and self._running():
                return _died(exc)
            raise self._lost() from None

    def _running(self) -> bool:
        return self._client.status == "running"

    def _lost(self) -> Lost:
        return Lost(
            f"lost the Dask scheduler at {self.address} mid-batch",
            "what was rendered is kept; run again to render the rest",
        )

    def close(self) -> None:
        self._client.close()
        self._close_cluster()

    def _close_cluster(self) -> None:
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
    tls = distributed.Security().get_connection_args("client")["ssl_context"]
    if address.partition("://")[0] in ENCRYPTED and tls is None:
        # Checked here: the Client would raise a TypeError, then print a traceback from
        # its __del__ (the half-made client times out closing).
        raise BatchError(
            f"{address} is encrypted, and Dask has no TLS configuration on this machine",
            "set distributed.comm.tls in Dask's configuration, or use tcp://",
        )
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
