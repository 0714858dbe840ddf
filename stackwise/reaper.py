"""The supervisor's reaper: `python -m stackwise.reaper GRACE`, fed on stdin by the supervisor ("+PGID" when it
starts a server's process group, "-PGID" when that group is gone). End of input means the supervisor has ended,
whether it stopped cleanly or was killed with SIGKILL; the reaper then stops every group still alive (SIGTERM, up
to GRACE seconds, SIGKILL) and exits. It runs in its own session so that whatever kills the supervisor's process
group does not take it along."""

from __future__ import annotations

import signal
import sys

from stackwise.supervisor import GRACE_SECONDS, group_alive, stop_groups


def main(argv: list[str]) -> int:
    for signum in (signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    grace = float(argv[0]) if argv else GRACE_SECONDS
    groups: set[int] = set()
    for raw in sys.stdin.buffer:
        line = raw.strip()
        if line[:1] == b"+" and line[1:].isdigit():
            groups.add(int(line[1:]))
        elif line[:1] == b"-" and line[1:].isdigit():
            groups.discard(int(line[1:]))
    stop_groups([g for g in groups if group_alive(g)], grace)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
