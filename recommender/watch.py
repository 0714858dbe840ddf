"""Reload a replica's index when another process publishes a new build into the shared index directory.

API replicas share one index directory (a volume); whichever rebuilds publishes by swapping the `current`
symlink. Each replica polls that link (one readlink, cheap) and reloads in the background, so no replica needs
a restart and no request waits for or fails on a reload.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from recommender.service import RecommenderService

log = logging.getLogger("stackwise.index")


class IndexWatcher:
    """A daemon thread that calls `service.reload_if_changed()` every `interval` seconds.

    A build that cannot be loaded (it does not fit the catalog in the store yet, or it was pruned while being
    read) is retried with a growing pause, up to `max_backoff` seconds, while the old index keeps serving.
    """

    def __init__(
        self,
        service: RecommenderService,
        interval: float,
        max_backoff: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if interval <= 0:
            raise ValueError(f"interval must be > 0 seconds, not {interval}")
        self.service = service
        self.interval = interval
        self.max_backoff = max_backoff
        self.clock = clock
        self.reloads = 0
        self.last_error: str | None = None
        self._failed_version: str | None = None
        self._failures = 0
        self._retry_at = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> bool:
        """One check; True when a new build was loaded."""
        version = self.service.index_store.version()
        if version is not None and version == self._failed_version and self.clock() < self._retry_at:
            return False
        try:
            changed = self.service.reload_if_changed()
        except Exception as exc:  # keep serving the old index; say why in the log and GET /v1/index
            self._failures = self._failures + 1 if version == self._failed_version else 1
            self._failed_version = version
            self._retry_at = self.clock() + min(self.max_backoff, self.interval * 2**self._failures)
            self.last_error = f"{version}: {exc.__class__.__name__}: {exc}"
            log.warning("index %s not loaded (still serving %s): %s", version, self._serving(), exc)
            return False
        self._failed_version, self._failures, self.last_error = None, 0, None
        if changed:
            self.reloads += 1
            log.info("index reloaded: now serving %s", self._serving())
        return changed

    def _serving(self) -> str:
        return self.service.version if self.service.loaded else "nothing"

    def start(self) -> IndexWatcher:
        self._thread = threading.Thread(target=self._run, name="index-watcher", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.poll()
