"""What an operator watches: Prometheus metrics and the health check, served over HTTP on a
local port (METRICS_PORT) in polling and webhook mode alike.

- `Metrics` keeps its own CollectorRegistry, so several apps in one process (tests, the
  sandbox) never share or clash over counters.
- `UpdateMetricsMiddleware` wraps each update: its type, how long it took from entering
  the dispatcher to the end of its handler, and whether it failed; it also binds the
  update id to every log line written meanwhile.
- `TelegramCalls` notes when the Bot API last answered.
- Counters kept by the delivery worker and the SLA timers are read when scraped; the
  outbox and open tickets are counted in the database then too.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramAPIError, TelegramServerError, TelegramUnauthorizedError
from aiogram.methods import Response, TelegramMethod
from aiogram.types import TelegramObject, Update
from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.logs import log_context
from domain.enums import Priority
from storage import Database
from storage.monitoring import MonitoringQueries

if TYPE_CHECKING:
    from bot.workers.delivery import DeliveryWorker
    from bot.workers.timers import DeskScheduler

log = logging.getLogger(__name__)

# Fine below 100 ms, where the goal (p99 under 50 ms) and most updates are.
LATENCY_BUCKETS = (
    0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05,
    0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
)  # fmt: skip
# Telegram is taken as unreachable when its last answer is older than this and a call
# failed since.
TELEGRAM_SILENCE_SECONDS = 60.0


class _WorkerCounters(Collector):
    """The delivery worker's and the SLA timers' own tallies, read at each scrape."""

    def __init__(self) -> None:
        self.delivery: DeliveryWorker | None = None
        self.timers: DeskScheduler | None = None

    def collect(self) -> Iterator[Metric]:
        deliveries = CounterMetricFamily(
            "frontdesk_deliveries", "Outbox messages by outcome", labels=["outcome"]
        )
        if self.delivery is not None:
            deliveries.add_metric(["sent"], self.delivery.delivered)
            deliveries.add_metric(["retried"], self.delivery.retried)
            deliveries.add_metric(["failed"], self.delivery.failed)
        yield deliveries
        sla = CounterMetricFamily(
            "frontdesk_sla_events", "SLA warnings and breaches recorded", labels=["kind"]
        )
        if self.timers is not None:
            sla.add_metric(["warning"], self.timers.stats.warnings)
            sla.add_metric(["breach"], self.timers.stats.breaches)
        yield sla


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "frontdesk_updates", "Updates handled, by type", ["type"], registry=self.registry
        )
        self.errors = Counter(
            "frontdesk_update_errors",
            "Updates whose handling failed, by type",
            ["type"],
            registry=self.registry,
        )
        self.handling = Histogram(
            "frontdesk_update_handling_seconds",
            "From an update entering the dispatcher to the end of its handler",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "frontdesk_outbox_depth", "Messages waiting in the outbox", registry=self.registry
        )
        self.outbox_oldest_age = Gauge(
            "frontdesk_outbox_oldest_age_seconds",
            "Age of the oldest message waiting in the outbox (0: none)",
            registry=self.registry,
        )
        self.open_tickets = Gauge(
            "frontdesk_open_tickets",
            "Tickets not closed or cancelled, by priority",
            ["priority"],
            registry=self.registry,
        )
        self.leader = Gauge(
            "frontdesk_leader",
            "1 while this process leads (timers, outbox delivery, polling), 0 as a standby",
            registry=self.registry,
        )
        self.deflections = Gauge(
            "frontdesk_self_help_deflections",
            "Problems solved by a knowledge-base article without a ticket, since the start",
            registry=self.registry,
        )
        self.workers = _WorkerCounters()
        self.registry.register(self.workers)

    def watch(self, delivery: DeliveryWorker, timers: DeskScheduler) -> None:
        self.workers.delivery = delivery
        self.workers.timers = timers


class UpdateMetricsMiddleware(BaseMiddleware):
    """Times and counts each update, logs one line for it, and keeps a failure to this
    update (logged with its traceback, rolled back by the unit of work inside)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        kind = event.event_type
        with log_context(update_id=event.update_id):
            began = time.perf_counter()
            try:
                result = await handler(event, data)
            except Exception:
                self.metrics.errors.labels(kind).inc()
                log.exception("update %s (%s) failed", event.update_id, kind)
                result = None
            seconds = time.perf_counter() - began
            self.metrics.handling.observe(seconds)
            self.metrics.updates.labels(kind).inc()
            log.info("update %s (%s) handled in %.1f ms", event.update_id, kind, seconds * 1000)
        return result


class TelegramCalls(BaseRequestMiddleware):
    """When the Bot API last answered, and when a call last failed to reach it (network
    errors, 5xx, a revoked token). Any answer, an error about the request included, shows
    that Telegram is reachable."""

    def __init__(self) -> None:
        self.last_answer: float | None = None
        self.last_failure: float | None = None

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        try:
            response = await make_request(bot, method)
        except (TelegramServerError, TelegramUnauthorizedError):
            self.last_failure = time.time()
            raise
        except TelegramAPIError:
            self.last_answer = time.time()
            raise
        except Exception:
            self.last_failure = time.time()
            raise
        self.last_answer = time.time()
        return response

    def reachable(self, now: float) -> bool:
        if self.last_failure is None:
            return True
        if self.last_answer is not None and self.last_answer > self.last_failure:
            return True
        return self.last_answer is not None and now - self.last_answer < TELEGRAM_SILENCE_SECONDS


@dataclass
class Observability:
    """The /healthz and /metrics endpoints of one running front desk."""

    metrics: Metrics
    telegram: TelegramCalls
    db: Database
    delivery: DeliveryWorker
    max_outbox_lag: float
    started: float
    # Whether this process leads the others on the database (bot/app.py).
    leads: Callable[[], bool] = lambda: True

    async def refresh(self) -> tuple[int, datetime | None]:
        """Count the outbox and the open tickets now; the outbox depth and oldest row."""
        gauges = await MonitoringQueries(self.db).gauges()
        self.metrics.outbox_depth.set(gauges.outbox_depth)
        self.metrics.outbox_oldest_age.set(self._age(gauges.oldest_pending_at))
        for priority in Priority:
            self.metrics.open_tickets.labels(priority.value).set(
                gauges.open_by_priority.get(priority.value, 0)
            )
        self.metrics.deflections.set(gauges.deflections)
        return gauges.outbox_depth, gauges.oldest_pending_at

    def _age(self, at: datetime | None) -> float:
        # Rows are stamped with the business clock; the worker's clock is never behind it.
        return max((self.delivery.now() - at).total_seconds(), 0.0) if at else 0.0

    async def health(self) -> tuple[bool, dict[str, Any]]:
        now = time.time()
        problems: list[str] = []
        report: dict[str, Any] = {
            "role": "leader" if self.leads() else "standby",
            "uptime_seconds": round(now - self.started, 1),
        }
        try:
            depth, oldest = await self.refresh()
        except Exception as exc:
            problems.append(f"database: {type(exc).__name__}: {exc}")
            report["database"] = "unreachable"
        else:
            report["database"] = "ok"
            lag = self._age(oldest)
            report["outbox"] = {"pending": depth, "oldest_age_seconds": round(lag, 1)}
            if lag > self.max_outbox_lag:
                problems.append(f"outbox: a message has waited {lag:.0f} s")
        answered = self.telegram.last_answer
        report["telegram"] = {
            "last_success_seconds_ago": None if answered is None else round(now - answered, 1)
        }
        if not self.telegram.reachable(now):
            problems.append("telegram: the Bot API has not answered lately")
        report["status"] = "unhealthy" if problems else "ok"
        report["problems"] = problems
        return not problems, report

    async def handle_health(self, request: web.Request) -> web.Response:
        healthy, report = await self.health()
        return web.json_response(report, status=200 if healthy else 503)

    async def handle_metrics(self, request: web.Request) -> web.Response:
        self.metrics.leader.set(1 if self.leads() else 0)
        try:
            await self.refresh()
        except Exception:  # the counters are still worth having
            log.exception("counting the outbox and open tickets for /metrics failed")
        return web.Response(
            body=generate_latest(self.metrics.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.handle_health)
        app.router.add_get("/metrics", self.handle_metrics)
        return app
