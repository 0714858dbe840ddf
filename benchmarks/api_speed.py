"""HTTP speed of POST /v1/recommendations: starts `stackwise serve` on a free loopback port with the real model
and catalog, then measures p50/p99 latency and requests/s with 1 and 8 concurrent clients (bounded in count).

Target on 2 cores: p50 <= 40 ms with one client. The server's memo of query vectors is off, so every request
embeds its text as a new learner's first message would.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
from common import judged_goals, print_table, run_clients

from stackwise.devstack import free_port
from stackwise.supervisor import healthy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    args = parser.parse_args()
    goals = judged_goals(multilingual=True)  # learners write in ten languages
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "STACKWISE_DATA_DIR": str(Path(tmp) / "data"),
            "STACKWISE_RATE_LIMIT_PER_MINUTE": "0",
            "STACKWISE_QUERY_MEMO_SIZE": "0",
        }
        log = (Path(tmp) / "api.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "stackwise.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 600
            while not healthy(f"http://127.0.0.1:{port}/readyz"):
                if server.poll() is not None or time.monotonic() > deadline:
                    print((Path(tmp) / "api.log").read_text()[-2000:])
                    return 1
                time.sleep(1)
            url = f"http://127.0.0.1:{port}/v1/recommendations"
            run_clients(url, goals, 1, 10)  # warm up
            rows = []
            for clients in (1, 8):
                latencies, wall, failures = run_clients(url, goals, clients, args.requests)
                ms = np.asarray(latencies) * 1000
                rows.append(
                    [
                        clients,
                        len(latencies),
                        f"{np.percentile(ms, 50):.1f}",
                        f"{np.percentile(ms, 99):.1f}",
                        f"{len(latencies) / wall:.1f}",
                        failures,
                    ]
                )
            rss = psutil.Process(server.pid).memory_info().rss / 2**20  # after every request: the API's own memory
            print_table(
                f"POST /v1/recommendations over HTTP on localhost (2 cores); API process RSS {rss:.0f} MiB",
                ["clients", "requests", "p50 ms", "p99 ms", "requests/s", "failed"],
                rows,
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
