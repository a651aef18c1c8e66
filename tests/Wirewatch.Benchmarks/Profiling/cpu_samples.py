#!/usr/bin/env python3
"""Where a role's CPU goes, from a dotnet-trace sampled-thread-time trace converted to speedscope.

dotnet-trace's speedscope export ends every sampled stack with a pseudo-frame: CPU_TIME (the thread was running managed
code) or UNMANAGED_CODE_TIME (native: mostly blocked in a wait or a syscall). Only CPU_TIME samples are counted here, and
each is put in the category of the frame nearest the leaf that names one (so JSON under MassTransit is JSON); the last,
generic category (async machinery) only when no frame names another.

usage: cpu_samples.py ROLE.speedscope.json [--top N]
"""
import collections
import json
import sys

# (category, substrings of a frame name); first match from the leaf wins.
CATEGORIES = [
    ("thread pool: spinning and waiting for work", ("LowLevelLifoSemaphore", "LowLevelSpinWaiter", "PortableThreadPool+WorkerThread.WorkerThreadStart", "PortableThreadPool+GateThread")),
    ("GC, finalizers and runtime suspension (incl. the sampler's)", ("PollGC", "GC.RunFinalizers", "Gen2GcCallback", "SharedArrayPool`1[System.Char].Trim", "System.GC.")),
    ("locks (Monitor slow path)", ("Monitor.Enter_Slowpath", "Monitor.Exit_Slowpath")),
    ("JSON (System.Text.Json)", ("System.Text.Json!",)),
    ("telemetry (Activity tags, metrics, OpenTelemetry)", ("System.Diagnostics.DiagnosticSource!", "OpenTelemetry", "Wirewatch.Hosting.ConsumeTelemetryFilter", "MassTransit.Logging.", "MassTransit.Monitoring.")),
    ("logging", ("Microsoft.Extensions.Logging",)),
    ("SQLite (Microsoft.Data.Sqlite)", ("Microsoft.Data.Sqlite!", "SQLitePCL")),
    ("story matching (fingerprints, index)", ("Wirewatch.Cleaning.Stories.", "SqliteStoryStore")),
    ("stage work (clean, classify, match subscriptions, read sources)", ("Wirewatch.Cleaning.", "Wirewatch.Classification.", "Wirewatch.Alerting.", "Wirewatch.Fetching.", "AngleSharp")),
    ("bus (MassTransit, RabbitMQ.Client)", ("MassTransit", "RabbitMQ.Client")),
    ("sockets, pipes, async machinery", ("System.Net.Sockets", "System.IO.Pipelines", "System.Threading.", "System.Runtime.CompilerServices.")),
]


def categorize(stack_names):
    for candidates in (CATEGORIES[:-1], CATEGORIES[-1:]):
        for name in reversed(stack_names):
            for category, needles in candidates:
                if any(n in name for n in needles):
                    return category
    return "other"


def main():
    path = sys.argv[1]
    data = json.load(open(path))
    frames = [f["name"] for f in data["shared"]["frames"]]
    totals = collections.Counter()
    cpu = 0.0
    for profile in data["profiles"]:
        stack, last = [], None
        for event in profile["events"]:
            at = event["at"]
            if stack and last is not None and frames[stack[-1]] == "CPU_TIME":
                names = [frames[f] for f in stack[:-1]]
                totals[categorize(names)] += at - last
                cpu += at - last
            last = at
            if event["type"] == "O":
                stack.append(event["frame"])
            elif stack:
                stack.pop()
    print(f"{path}: {cpu / 1000:.1f} s of managed CPU samples")
    for category, ms in totals.most_common():
        print(f"  {ms / cpu * 100:5.1f}%  {category}")


if __name__ == "__main__":
    main()
