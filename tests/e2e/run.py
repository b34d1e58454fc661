#!/usr/bin/python3
"""Run the end-to-end tests: every function named test_* in
tests/e2e/test_*.py.  A test that takes an argument gets a fresh, started
Daemon (not started when decorated with @harness.nostart); one without
arguments gets nothing.

    tests/e2e/run.py [-k SUBSTRING] [-j JOBS] [-v]

Prints PASS/FAIL file::name per test (a failure with its traceback and the
tail of the daemon's stderr) and ends with "N passed, N failed".  Exit 0
only when every selected test passed and at least one ran.
"""

import argparse
import concurrent.futures
import importlib.util
import inspect
import os
import sys
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


def discover(pattern):
    tests = []
    for name in sorted(os.listdir(HERE)):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        spec = importlib.util.spec_from_file_location(name[:-3],
                                                      os.path.join(HERE, name))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        fns = [f for n, f in vars(mod).items()
               if n.startswith("test_") and inspect.isfunction(f)
               and f.__module__ == mod.__name__]
        fns.sort(key=lambda f: f.__code__.co_firstlineno)
        for f in fns:
            label = "%s::%s" % (name, f.__name__)
            if pattern is None or pattern in label:
                tests.append((label, f))
    return tests


def run_one(fn):
    """Run one test; returns (ok, report text, seconds)."""
    t0 = time.monotonic()
    if not inspect.signature(fn).parameters:
        try:
            fn()
            return True, "", time.monotonic() - t0
        except BaseException:
            return False, traceback.format_exc(), time.monotonic() - t0
    d = None
    try:
        with harness.Daemon(autostart=not getattr(fn, "nostart", False)) as d:
            try:
                fn(d)
                # A daemon left running must stop cleanly (exit 0, no
                # sanitizer report, no leaks at exit).
                if d.running():
                    d.stop()
                d.assert_clean()
                return True, "", time.monotonic() - t0
            except BaseException:
                report = traceback.format_exc()
                report += "--- hersteld stderr (tail)\n%s\n" % (
                    d.stderr_tail() or "(empty)")
                return False, report, time.monotonic() - t0
    except BaseException:
        report = traceback.format_exc()
        if d is not None:
            report += "--- hersteld stderr (tail)\n%s\n" % d.stderr_tail()
        return False, report, time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-k", dest="pattern", help="run tests whose file::name "
                    "contains this")
    ap.add_argument("-j", dest="jobs", type=int,
                    default=int(os.environ.get("E2E_JOBS", "2")),
                    help="tests to run at once (default $E2E_JOBS or 2)")
    ap.add_argument("-v", dest="verbose", action="store_true",
                    help="show each test's duration")
    args = ap.parse_args()

    for path in (harness.hersteld(), harness.herstelctl()):
        if not os.access(path, os.X_OK):
            print("FAIL setup: %s is not an executable (build it first)" % path)
            print("0 passed, 1 failed")
            return 1

    tests = discover(args.pattern)
    if not tests:
        print("no tests match %r" % args.pattern)
        print("0 passed, 0 failed")
        return 1

    lock = threading.Lock()
    passed = failed = 0
    t0 = time.monotonic()

    def report(label, ok, text, secs):
        nonlocal passed, failed
        with lock:
            timing = " (%.2fs)" % secs if args.verbose else ""
            if ok:
                passed += 1
                print("PASS %s%s" % (label, timing), flush=True)
            else:
                failed += 1
                print("FAIL %s%s\n%s" % (label, timing, text.rstrip("\n")),
                      flush=True)

    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        futures = {pool.submit(run_one, fn): label for label, fn in tests}
        for fut in concurrent.futures.as_completed(futures):
            report(futures[fut], *fut.result())

    if args.verbose:
        print("e2e: %.1f s with %d job(s)" % (time.monotonic() - t0, args.jobs))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
