"""docker-py as a bench contender: reads a command per line, answers the milliseconds it took."""
import json
import sys
import time

import docker

client = docker.from_env()
for line in sys.stdin:
    command = json.loads(line)
    start = time.perf_counter()
    containers = client.containers.list(all=True, filters={"label": command["label"]})
    elapsed = (time.perf_counter() - start) * 1000
    print(json.dumps({"ms": elapsed, "count": len(containers)}), flush=True)
