"""The runtime's Prometheus metrics (``/metrics``), in a registry of its own (several runtimes in one test)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class Metrics:
    """Updates, turn and reply latency, outbox depth and age, give-ups, errors."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.updates = Counter("reportbot_updates", "Updates received, by channel and outcome", ["channel", "outcome"],
                               registry=r)
        self.turn = Histogram("reportbot_turn_seconds", "Time to process one update (its batch's commit included)",
                              buckets=_LATENCY, registry=r)
        self.reply = Histogram("reportbot_reply_seconds", "From an update's arrival to its first reply sent",
                               buckets=_LATENCY, registry=r)
        self.sends = Counter("reportbot_sends", "Send attempts, by channel and result", ["channel", "result"],
                             registry=r)
        self.give_ups = Counter("reportbot_give_ups", "Messages given up, by channel", ["channel"], registry=r)
        self.errors = Counter("reportbot_errors", "Errors, by kind", ["kind"], registry=r)
        self.outbox_depth = Gauge("reportbot_outbox_depth", "Messages waiting to be sent", registry=r)
        self.outbox_age = Gauge("reportbot_outbox_oldest_seconds", "Age of the oldest message waiting", registry=r)
        self.inbox_waiting = Gauge("reportbot_inbox_waiting", "Updates waiting to be processed", registry=r)
        self.batch = Histogram("reportbot_batch_updates", "Updates processed per commit",
                               buckets=(1, 2, 5, 10, 20, 50, 100, 200), registry=r)

    def render(self) -> bytes:
        """The text exposition format."""
        return bytes(generate_latest(self.registry))
