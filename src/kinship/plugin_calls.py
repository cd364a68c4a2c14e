"""Plugin code on a time limit: a hook that blocks cannot hold kinship up.

:class:`PluginHost` calls every hook implementation through :meth:`CallRunner.call`. The
call runs on a helper thread (a daemon) and the caller waits for it at most ``limit``
seconds. A call that finishes in time gives back its result or re-raises its exception on
the caller's thread, as if it had run there. A call that does not raises :class:`TooSlow`:
the caller goes on (the host disables the plugin for the rest of the run and says so once),
and the helper thread is *abandoned* — it finishes whenever the plugin returns, and being a
daemon it never keeps the process alive. So ``kinship add`` exits although a listener
blocks forever, and in the app the database thread waits for a stuck listener once, for at
most the limit.

Helper threads are pooled (an idle one is reused), so a bulk import that notifies 100,000
times does not start 100,000 threads. A hook called from inside another plugin call (a
listener whose write fires a notification) runs inline on that helper thread: it is already
under the outer call's limit.

The limit is ``KINSHIP_PLUGIN_TIME_LIMIT`` (seconds), else ``time_limit`` in the config
file's ``[plugins]`` table, else :data:`DEFAULT_LIMIT`; ``0`` runs hooks inline with no limit.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["DEFAULT_LIMIT", "ENV_TIME_LIMIT", "CallRunner", "TooSlow", "time_limit"]

#: Seconds a hook may take before its plugin is disabled for the run.
DEFAULT_LIMIT = 5.0
ENV_TIME_LIMIT = "KINSHIP_PLUGIN_TIME_LIMIT"

_inside = threading.local()


class TooSlow(Exception):
    """A plugin call did not finish within the limit (it goes on, abandoned)."""

    def __init__(self, limit: float) -> None:
        super().__init__(f"took longer than {limit:g} s")
        self.limit = limit


def time_limit(settings: Any = None, environ: Any = None) -> float:
    """The configured limit in seconds (``0``: none). A value that is not a number is
    ignored for the next source, so a typo never turns the limit off."""
    env = os.environ if environ is None else environ
    for value in (env.get(ENV_TIME_LIMIT), _from_settings(settings)):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            limit = float(value)
        except (TypeError, ValueError):
            continue
        if limit >= 0 and limit == limit:  # not NaN
            return limit
    return DEFAULT_LIMIT


def _from_settings(settings: Any) -> Any:
    raw = getattr(settings, "raw", None) or {}
    table = raw.get("plugins") if isinstance(raw, dict) else None
    return table.get("time_limit") if isinstance(table, dict) else None


class _Job:
    __slots__ = ("abandoned", "done", "error", "finished", "func", "lock", "result")

    def __init__(self, func: Callable[[], Any]) -> None:
        self.func = func
        self.result: Any = None
        self.error: BaseException | None = None
        #: Held until the call has finished (a bare lock hands over faster than an Event).
        self.done = threading.Lock()
        self.done.acquire()
        self.finished = False
        self.abandoned = False
        self.lock = threading.Lock()

    def run(self) -> None:
        try:
            self.result = self.func()
        except BaseException as exc:  # handed to the caller, who decides
            self.error = exc
        finally:
            with self.lock:
                self.finished = True
            self.done.release()


class _Helper(threading.Thread):
    def __init__(self, n: int) -> None:
        super().__init__(daemon=True, name=f"kinship-plugin-{n}")
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()

    def run(self) -> None:
        _inside.active = True
        while True:
            job = self.jobs.get()
            if job is None:
                return
            job.run()
            with job.lock:
                if job.abandoned:
                    return  # the caller gave up on us: never reused


class CallRunner:
    """Runs plugin calls on pooled daemon threads, waiting at most ``limit`` seconds."""

    def __init__(self, limit: float = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._idle: list[_Helper] = []
        self._lock = threading.Lock()
        self._started = 0
        #: Helper threads given up on (still running a plugin that did not return).
        self.abandoned = 0

    def call(self, func: Callable[[], Any]) -> Any:
        """``func()`` on a helper thread; its result, its exception, or :class:`TooSlow`."""
        if self.limit <= 0 or getattr(_inside, "active", False):
            return func()
        helper = self._take()
        job = _Job(func)
        helper.jobs.put(job)
        if not job.done.acquire(timeout=self.limit):
            with job.lock:
                job.abandoned = not job.finished
            if job.abandoned:
                self.abandoned += 1
                raise TooSlow(self.limit)
        with self._lock:
            self._idle.append(helper)
        if job.error is not None:
            raise job.error
        return job.result

    def _take(self) -> _Helper:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            self._started += 1
            helper = _Helper(self._started)
        helper.start()
        return helper
