"""torch.profiler on a build without Kineto: `profile` records the `record_function` ranges a program marks (name,
wall-clock span, call count) with PyTorch's schedule/step/on_trace_ready protocol, `key_averages().table()` and
`export_chrome_trace`; per-operator events and device activities are not recorded (`kineto_available()` is False)."""
from __future__ import annotations

import enum
import functools
import json
import os
import threading
import time
from warnings import warn

__all__ = ["profile", "schedule", "supported_activities", "tensorboard_trace_handler", "ProfilerAction",
           "ProfilerActivity", "kineto_available", "DeviceType", "record_function"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    XPU = 1
    MTIA = 2
    CUDA = 3
    HPU = 4
    PrivateUse1 = 5


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3
    DEVICE_STOPPED = 4


class DeviceType(enum.Enum):
    CPU = 0
    CUDA = 1


def kineto_available():
    return False


def supported_activities():
    return {ProfilerActivity.CPU}


def schedule(*, wait, warmup, active, repeat=0, skip_first=0, skip_first_wait=0):
    """PyTorch's step schedule: skip_first, then cycles of wait/warmup/active steps, `repeat` times (0: forever)."""
    def schedule_fn(step):
        if step < 0:
            raise AssertionError(f"Step must be non-negative. Got {step}.")
        if step < skip_first:
            return ProfilerAction.NONE
        step -= skip_first
        if skip_first_wait != 0:
            step += wait
        num_steps = wait + warmup + active
        if repeat > 0 and step / num_steps >= repeat:
            return ProfilerAction.NONE
        mod_step = step % num_steps
        if mod_step < wait:
            return ProfilerAction.NONE
        if mod_step < wait + warmup:
            return ProfilerAction.WARMUP
        return ProfilerAction.RECORD if mod_step < num_steps - 1 else ProfilerAction.RECORD_AND_SAVE

    if wait < 0 or warmup < 0 or active <= 0 or repeat < 0 or skip_first < 0:
        raise AssertionError(
            f"Invalid profiler schedule arguments. Got wait={wait} (need >= 0), warmup={warmup} (need >= 0), "
            f"active={active} (need > 0), repeat={repeat} (need >= 0), skip_first={skip_first} (need >= 0).")
    if warmup == 0:
        warn("Profiler won't be using warmup, this can skew profiler results", stacklevel=2)
    return schedule_fn


def _default_schedule_fn(_):
    return ProfilerAction.RECORD


_active = threading.local()


class FunctionEvent:
    def __init__(self, name, start_us, end_us, thread):
        self.name, self.key = name, name
        self.time_range = (start_us, end_us)
        self.thread = thread
        self.cpu_time_total = end_us - start_us
        self.count = 1

    def __repr__(self):
        return f"<FunctionEvent name={self.name} cpu_time_total={self.cpu_time_total:.3f}us>"


class EventList(list):
    def key_averages(self):
        return _key_averages(self)

    def table(self, sort_by=None, row_limit=100, **kwargs):
        return _table(_key_averages(self), sort_by, row_limit)

    def export_chrome_trace(self, path):
        trace = [{"name": e.name, "ph": "X", "ts": e.time_range[0], "dur": e.cpu_time_total, "pid": os.getpid(),
                  "tid": e.thread, "cat": "user_annotation"} for e in self]
        with open(path, "w") as f:
            json.dump({"traceEvents": trace}, f)


class FunctionEventAvg:
    def __init__(self, key):
        self.key, self.count, self.cpu_time_total = key, 0, 0.0

    @property
    def cpu_time(self):
        return self.cpu_time_total / self.count if self.count else 0.0

    def __repr__(self):
        return f"<FunctionEventAvg key={self.key} count={self.count} cpu_time_total={self.cpu_time_total:.3f}us>"


def _key_averages(events):
    avgs = {}
    for e in events:
        a = avgs.setdefault(e.key, FunctionEventAvg(e.key))
        a.count += 1
        a.cpu_time_total += e.cpu_time_total
    out = EventList(avgs.values())
    out.table = lambda sort_by=None, row_limit=100, **kw: _table(out, sort_by, row_limit)
    return out


def _table(avgs, sort_by, row_limit):
    rows = sorted(avgs, key=lambda a: -a.cpu_time_total) if sort_by else list(avgs)
    rows = rows[:row_limit] if row_limit and row_limit > 0 else rows
    width = max([len("Name")] + [len(a.key) for a in rows]) + 2
    line = "-" * (width + 40)
    head = f"{'Name':<{width}}{'CPU total':>14}{'CPU time avg':>14}{'# of Calls':>12}"
    body = [f"{a.key:<{width}}{a.cpu_time_total:>12.3f}us{a.cpu_time:>12.3f}us{a.count:>12d}" for a in rows]
    total = sum(a.cpu_time_total for a in avgs)
    return "\n".join([line, head, line, *body, line, f"Self CPU time total: {total:.3f}us", ""])


class record_function:
    """Marks a named range (context manager or decorator); the active profiler records it."""

    def __init__(self, name, args=None):
        self.name, self.args = name, args

    def __enter__(self):
        self._start = time.perf_counter_ns() / 1e3
        return self

    def __exit__(self, *exc):
        prof = getattr(_active, "profiler", None)
        if prof is not None and prof._recording:
            prof._events.append(FunctionEvent(self.name, self._start, time.perf_counter_ns() / 1e3,
                                              threading.get_ident()))
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with record_function(self.name, self.args):
                return fn(*args, **kwargs)
        return wrapped


class profile:
    """PyTorch's profiler protocol: start/stop (or `with`), `step()` advancing the schedule, `on_trace_ready(prof)`
    at the end of each active cycle, `events()`, `key_averages()`, `export_chrome_trace()`."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None,
                 custom_trace_id_callback=None):
        self.activities = set(activities) if activities else supported_activities()
        self.schedule = schedule or _default_schedule_fn
        self.on_trace_ready = on_trace_ready
        self.record_shapes, self.profile_memory, self.with_stack = record_shapes, profile_memory, with_stack
        self.with_flops, self.with_modules = with_flops, with_modules
        self.step_num = 0
        self._events = EventList()
        self._recording = False
        self.current_action = self.schedule(self.step_num)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        self._previous = getattr(_active, "profiler", None)
        _active.profiler = self
        self._enter_action(self.current_action)

    def stop(self):
        if self._recording and self.on_trace_ready is not None:
            self.on_trace_ready(self)
        self._recording = False
        _active.profiler = self._previous

    def step(self):
        prev = self.current_action
        self.step_num += 1
        self.current_action = self.schedule(self.step_num)
        if prev == ProfilerAction.RECORD_AND_SAVE and self.on_trace_ready is not None:
            self.on_trace_ready(self)
        if prev == ProfilerAction.RECORD_AND_SAVE or (prev in (ProfilerAction.NONE, ProfilerAction.WARMUP) and
                                                      self.current_action in (ProfilerAction.RECORD,
                                                                              ProfilerAction.RECORD_AND_SAVE)):
            self._events = EventList()
        self._enter_action(self.current_action)

    def _enter_action(self, action):
        self._recording = action in (ProfilerAction.RECORD, ProfilerAction.RECORD_AND_SAVE)

    def events(self):
        return self._events

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0, group_by_overload_name=False):
        return _key_averages(self._events)

    def export_chrome_trace(self, path):
        self._events.export_chrome_trace(path)


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """An on_trace_ready callback writing each cycle's trace as <worker>.<time>.pt.trace.json under dir_name."""
    import socket

    def handler_fn(prof):
        os.makedirs(dir_name, exist_ok=True)
        name = worker_name or f"{socket.gethostname()}_{os.getpid()}"
        path = os.path.join(dir_name, f"{name}.{time.time_ns() // 1000000}.pt.trace.json")
        prof.export_chrome_trace(path)
    return handler_fn
