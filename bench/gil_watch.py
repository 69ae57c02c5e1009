"""Where a process holds the interpreter's lock too long for a quote to get in.

A watcher thread asks to run every millisecond. When it gets to run much later than it asked
(a *stall*), something held the lock all that time: a long call into C (``json.loads`` of a
big answer, a sort, ``json.dumps`` of a plan) that does not let other threads in. The watcher
then samples where every other thread is, which is the Python line that made that call (or
the next one), and counts stalls per place::

    with GilWatch(threshold=0.02) as watch:
        ...
    print(watch.report())

The numbers are a diagnosis, not a measurement of the service: the watcher itself costs a
little CPU, and a busy machine stalls it too (that shows as places in idle threads).
"""

from __future__ import annotations

import math
import sys
import threading
import time
import traceback
from collections import Counter, defaultdict
from types import FrameType, TracebackType


class GilWatch:
    """Counts stalls longer than ``threshold`` seconds and where the other threads were."""

    def __init__(self, threshold: float = 0.02, interval: float = 0.001, depth: int = 3):
        self.threshold = threshold
        self.interval = interval
        self.depth = depth
        self.stalls: Counter[str] = Counter()
        self.longest: dict[str, float] = defaultdict(float)
        self.waits: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="gil-watch", daemon=True)

    def __enter__(self) -> GilWatch:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        me = threading.get_ident()
        names = {}
        while not self._stop.is_set():
            asked = time.perf_counter()
            time.sleep(self.interval)
            late = time.perf_counter() - asked - self.interval
            self.waits.append(late)
            if late < self.threshold:
                continue
            if len(names) != threading.active_count():
                names = {thread.ident: thread.name for thread in threading.enumerate()}
            for ident, frame in sys._current_frames().items():
                if ident == me or _idle(frame):
                    continue
                place = f"[{names.get(ident, ident)}] " + _where(frame, self.depth)
                self.stalls[place] += 1
                self.longest[place] = max(self.longest[place], late)

    def report(self, top: int = 8) -> str:
        waits = sorted(self.waits)
        if not waits:
            return "no samples"
        lines = [f"watcher woke {len(waits)} times: late p50 {waits[len(waits) // 2] * 1e3:.1f}"
                 f" ms, p99 {waits[math.ceil(len(waits) * 0.99) - 1] * 1e3:.1f} ms, max "
                 f"{waits[-1] * 1e3:.1f} ms; {sum(1 for w in waits if w >= self.threshold)} "
                 f"stalls over {self.threshold * 1e3:.0f} ms, where the other threads were:"]
        for place, count in self.stalls.most_common(top):
            lines.append(f"  {count:5d} x (max {self.longest[place] * 1e3:6.1f} ms) {place}")
        return "\n".join(lines)


def _where(frame: FrameType, depth: int) -> str:
    stack = traceback.extract_stack(frame)[-depth:]
    return " < ".join(f"{entry.filename.rsplit('/', 2)[-1]}:{entry.lineno} {entry.name}"
                      for entry in reversed(stack))


def _idle(frame: FrameType) -> bool:
    """A thread waiting on a lock, a socket or a sleep holds nothing."""
    code = frame.f_code
    return code.co_name in {"wait", "select", "poll", "_wait_for_tstate_lock", "accept",
                            "readinto", "recv_into", "get", "sleep", "acquire", "_worker",
                            "handle_read", "loop", "serve_forever"} and \
        "gil_watch" not in code.co_filename
