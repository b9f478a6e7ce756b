#!/usr/bin/env python3
"""End-to-end latency of the walking skeleton: POST a job to job-intake, poll until it is SUCCEEDED.

Each job is a real process (`true`) placed by gpu-scheduler on the local stack; the time covers the outbox relay,
Kafka, the scheduler's placement and execution, the events back and job-intake's read model.

Usage: bin/spillway up && python3 bench/submit-to-succeeded.py [jobs] [intake URL]
"""
import json
import statistics
import sys
import time
import urllib.request

JOBS = int(sys.argv[1]) if len(sys.argv) > 1 else 30
INTAKE = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8080"


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(INTAKE + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def one(index):
    start = time.perf_counter()
    job = call("POST", "/api/v1/jobs", {"name": f"bench-{index}", "project": "default", "command": ["true"],
                                        "gpu": 0.5})
    while True:
        state = call("GET", "/api/v1/jobs/" + job["id"])["state"]
        if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
            break
        time.sleep(0.01)
    if state != "SUCCEEDED":
        raise SystemExit(f"job {job['id']} ended {state}")
    return (time.perf_counter() - start) * 1000


one(-1)  # warm-up: first requests pay for JIT and connection set-up
latencies = sorted(one(i) for i in range(JOBS))
p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
print(f"{JOBS} jobs, one at a time, POST -> SUCCEEDED: median {statistics.median(latencies):.0f} ms, "
      f"p95 {p95:.0f} ms, min {latencies[0]:.0f} ms, max {latencies[-1]:.0f} ms")
