"""The helpline's own figures as Prometheus metrics, read from the app database.

The workflows already project every case, notice, referral, task and adapter call
into the app database; this collector turns those rows into metrics at scrape time
(:class:`relais.db.repositories.figures.OperationsFigures`), cached for a few
seconds. So the figures are right across restarts and however many workers and API
replicas run: no process counts in memory what another did.

Counters (``*_total``) are counts of rows that only ever grow (notices sent, SLA
breaches); gauges are what stands now (open cases, due callbacks). Labels are slugs
and enums only: platform, partner, adapter, status, urgency, decision, task kind,
role, channel. Never a case, notice, referral or conversation id, nor a counsellor's.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from domain.catalog import PartnerCatalog
from domain.intake import Channel
from domain.policy import CasePolicy
from domain.tasks import TaskKind
from relais.clock import utc_now
from relais.db.repositories.figures import Figures, OperationsFigures

log = logging.getLogger("relais.metrics")

Catalog = Callable[[], PartnerCatalog]
"""The loaded adapters: their platforms and partners (slugs, kinds)."""


class DomainMetrics(Collector):
    """Register it in a ``CollectorRegistry``; ``await refresh()`` before each scrape
    (the API's ``GET /metrics`` does), then the registry renders what was read."""

    def __init__(
        self,
        figures: OperationsFigures,
        policy: CasePolicy,
        catalog: Catalog,
        *,
        cache_seconds: float = 5.0,
        load_problems: Callable[[], int] = lambda: 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._figures = figures
        self._policy = policy
        self._catalog = catalog
        self._load_problems = load_problems
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._lock = asyncio.Lock()
        self._last: Figures | None = None
        self._read_at: float | None = None
        self._read_seconds = 0.0
        self._failed = False

    async def refresh(self) -> None:
        """Read the figures unless the last read is fresh; scrapes arriving together
        share one read. A failed read keeps the previous figures and sets
        ``relais_figures_up`` to 0 (the database is down: the alert says so)."""
        async with self._lock:
            now = self._clock()
            if self._read_at is not None and now - self._read_at < self._cache_seconds:
                return
            started = time.perf_counter()
            try:
                self._last = await self._figures.read(
                    utc_now(),
                    claim_within=self._policy.callback_claim_within,
                    overdue_after=self._policy.callback_overdue_after,
                )
                self._failed = False
            except Exception as exc:
                log.warning("could not read the figures for /metrics: %s", type(exc).__name__)
                self._failed = True
            self._read_seconds = time.perf_counter() - started
            self._read_at = self._clock()

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "relais_figures_up", "1 when the last read of the app database's figures worked"
        )
        up.add_metric([], 0.0 if self._failed or self._last is None else 1.0)
        yield up
        took = GaugeMetricFamily(
            "relais_figures_read_seconds", "How long the last read of the figures took"
        )
        took.add_metric([], self._read_seconds)
        yield took
        catalog = self._catalog()
        kinds = {s: i.kind.value for s, i in {**catalog.partners, **catalog.platforms}.items()}
        yield from _adapter_metrics(self._last, kinds, self._load_problems())
        if self._last is not None:
            # Every loaded platform and partner has its counters, at 0 until used: a
            # rate over a series that appears only with its first notice misses it.
            yield from _case_metrics(self._last)
            yield from _notice_metrics(self._last, set(catalog.platforms))
            yield from _referral_metrics(self._last, set(catalog.partners))
            yield from _task_metrics(self._last)
            yield from _conversation_metrics(self._last)


def _case_metrics(figures: Figures) -> Iterator[Metric]:
    open_cases = GaugeMetricFamily(
        "relais_cases_open", "Cases not closed, by status and urgency", labels=["status", "urgency"]
    )
    breached = GaugeMetricFamily(
        "relais_cases_sla_breached",
        "Open cases with a notice past its platform's SLA, by urgency",
        labels=["urgency"],
    )
    by_urgency: dict[str, int] = {}
    for count in figures.cases:
        open_cases.add_metric([count.status.value, count.urgency], count.cases)
        by_urgency[count.urgency] = by_urgency.get(count.urgency, 0) + count.sla_breached
    for urgency, n in sorted(by_urgency.items()):
        breached.add_metric([urgency], n)
    yield open_cases
    yield breached


def _notice_metrics(figures: Figures, platforms: set[str]) -> Iterator[Metric]:
    by_status = GaugeMetricFamily(
        "relais_notices", "Notices by platform and current status", labels=["platform", "status"]
    )
    sent = CounterMetricFamily(
        "relais_notices_sent", "Notices that reached their platform", labels=["platform"]
    )
    decided = CounterMetricFamily(
        "relais_notices_decided",
        "Notices a platform decided on, by decision",
        labels=["platform", "decision"],
    )
    renotices = CounterMetricFamily(
        "relais_notice_renotices",
        "Re-notices sent while a platform stayed silent",
        labels=["platform"],
    )
    breaches = CounterMetricFamily(
        "relais_notice_sla_breaches", "Notices that passed their decision SLA", labels=["platform"]
    )
    totals: dict[str, list[int]] = {slug: [0, 0, 0] for slug in platforms}
    decisions: dict[tuple[str, str], int] = {}
    for group in figures.notices:
        by_status.add_metric([group.platform, group.status.value], group.notices)
        total = totals.setdefault(group.platform, [0, 0, 0])
        total[0] += group.submitted
        total[1] += group.renotices
        total[2] += group.sla_breached
        if group.decision is not None:
            key = (group.platform, group.decision)
            decisions[key] = decisions.get(key, 0) + group.notices
    for platform, (n_sent, n_renotices, n_breaches) in sorted(totals.items()):
        sent.add_metric([platform], n_sent)
        renotices.add_metric([platform], n_renotices)
        breaches.add_metric([platform], n_breaches)
    for (platform, decision), n in sorted(decisions.items()):
        decided.add_metric([platform, decision], n)
    removal = HistogramMetricFamily(
        "relais_notice_time_to_removal_seconds",
        "From a notice's submission to our own check that the content is gone",
        labels=["platform"],
    )
    for histogram in figures.removals:
        buckets = [(_le(bound), float(n)) for bound, n in histogram.buckets]
        buckets.append(("+Inf", float(histogram.count)))
        removal.add_metric([histogram.platform], buckets, histogram.sum_seconds)
    yield from (by_status, sent, decided, renotices, breaches, removal)


def _referral_metrics(figures: Figures, partners: set[str]) -> Iterator[Metric]:
    by_status = GaugeMetricFamily(
        "relais_referrals", "Referrals by partner and current status", labels=["partner", "status"]
    )
    sent = CounterMetricFamily(
        "relais_referrals_sent", "Referrals that reached their partner", labels=["partner"]
    )
    emergency = CounterMetricFamily(
        "relais_referrals_emergency",
        "Referrals made because of immediate danger",
        labels=["partner"],
    )
    totals: dict[str, list[int]] = {slug: [0, 0] for slug in partners}
    for group in figures.referrals:
        by_status.add_metric([group.partner, group.status], group.referrals)
        total = totals.setdefault(group.partner, [0, 0])
        total[0] += group.sent
        total[1] += group.emergency
    for partner, (n_sent, n_emergency) in sorted(totals.items()):
        sent.add_metric([partner], n_sent)
        emergency.add_metric([partner], n_emergency)
    yield from (by_status, sent, emergency)


def _task_metrics(figures: Figures) -> Iterator[Metric]:
    def total(kind: TaskKind, field: str) -> int:
        return sum(getattr(g, field) for g in figures.tasks if g.kind is kind)

    open_tasks = GaugeMetricFamily(
        "relais_tasks_open", "Tasks waiting for a person, by kind", labels=["kind"]
    )
    for kind in TaskKind:
        open_tasks.add_metric([kind.value], total(kind, "open"))
    yield open_tasks

    callbacks, handoffs = TaskKind.CALLBACK_DUE, TaskKind.MANUAL_HANDOFF
    yield GaugeMetricFamily(
        "relais_callbacks_due", "Callbacks due and not done", value=total(callbacks, "open")
    )
    yield GaugeMetricFamily(
        "relais_callbacks_unclaimed",
        "Due callbacks nobody claimed within the claim window (a supervisor is alerted)",
        value=total(callbacks, "open_past_claim_window"),
    )
    yield GaugeMetricFamily(
        "relais_callbacks_overdue",
        "Due callbacks not done within the overdue window (a supervisor is alerted)",
        value=total(callbacks, "open_past_overdue_window"),
    )
    yield CounterMetricFamily(
        "relais_manual_handoffs",
        "Referrals a counsellor was asked to hand over by phone",
        value=total(handoffs, "created"),
    )
    yield GaugeMetricFamily(
        "relais_manual_handoffs_open",
        "Phone handoffs asked for and not done yet",
        value=total(handoffs, "open"),
    )
    yield CounterMetricFamily(
        "relais_supervisor_escalations",
        "Escalations to a supervisor (SLA missed, callback overdue or unclaimed, ...)",
        value=total(TaskKind.SUPERVISOR_ESCALATION, "created"),
    )


def _conversation_metrics(figures: Figures) -> Iterator[Metric]:
    """The queue as a supervisor watches it, per channel only (web chat at 0 until
    its first conversation, so a rate over it starts at once)."""
    waiting = GaugeMetricFamily(
        "relais_conversations_waiting",
        "Conversations waiting for a counsellor now (in the queue or offered)",
        labels=["channel"],
    )
    longest = GaugeMetricFamily(
        "relais_conversations_longest_wait_seconds",
        "How long the conversation waiting longest has waited (0: none waiting)",
        labels=["channel"],
    )
    waits = HistogramMetricFamily(
        "relais_conversation_wait_seconds",
        "From joining the queue to a counsellor accepting the conversation",
        labels=["channel"],
    )
    abandoned = CounterMetricFamily(
        "relais_conversations_abandoned",
        "Conversations the young person left before anyone answered",
        labels=["channel"],
    )
    missed = CounterMetricFamily(
        "relais_conversations_missed",
        "Conversations written outside opening hours (never queued)",
        labels=["channel"],
    )
    not_accepted = CounterMetricFamily(
        "relais_conversation_offers_not_accepted",
        "Offers to a counsellor that lapsed or were passed",
        labels=["channel"],
    )
    by_channel = {c.channel: c for c in figures.conversations}
    for channel in sorted({Channel.WEB_CHAT.value, *by_channel}):
        group = by_channel.get(channel)
        key = [channel]
        if group is None:
            for family in (waiting, longest, abandoned, missed, not_accepted):
                family.add_metric(key, 0)
            waits.add_metric(key, [("+Inf", 0.0)], 0.0)
            continue
        waiting.add_metric(key, group.waiting)
        since = group.waiting_since
        waited = (figures.read_at - since).total_seconds() if since is not None else 0.0
        longest.add_metric(key, max(waited, 0.0))
        abandoned.add_metric(key, group.abandoned)
        missed.add_metric(key, group.missed)
        not_accepted.add_metric(key, group.offers_not_accepted)
        buckets = [(_le(bound), float(n)) for bound, n in group.wait_buckets]
        buckets.append(("+Inf", float(group.answered)))
        waits.add_metric(key, buckets, group.waited_seconds)
    yield from (waiting, longest, waits, abandoned, missed, not_accepted)


def _adapter_metrics(
    figures: Figures | None, kinds: Mapping[str, str], load_problems: int
) -> Iterator[Metric]:
    """Every loaded adapter gets a series (up until a failure says otherwise); an
    adapter seen in the health table but no longer loaded keeps its figures."""
    labels = ["adapter", "kind"]
    up = GaugeMetricFamily(
        "relais_adapter_up",
        "0 when the adapter's last calls failed (none worked since)",
        labels=labels,
    )
    failures = GaugeMetricFamily(
        "relais_adapter_consecutive_failures", "Failed calls since the last success", labels=labels
    )
    last_success = GaugeMetricFamily(
        "relais_adapter_last_success_timestamp_seconds", "When a call last worked", labels=labels
    )
    last_failure = GaugeMetricFamily(
        "relais_adapter_last_failure_timestamp_seconds", "When a call last failed", labels=labels
    )
    states = {a.slug: a for a in figures.adapters} if figures is not None else {}
    # Without figures (the database never answered) nothing is known: no series.
    for slug in sorted(set(kinds) | set(states)) if figures is not None else []:
        key = [slug, kinds.get(slug, "unloaded")]
        state = states.get(slug)
        failed = state.failures_since_success if state is not None else 0
        up.add_metric(key, 0.0 if failed else 1.0)
        failures.add_metric(key, failed)
        if state is not None and state.last_success_at is not None:
            last_success.add_metric(key, state.last_success_at.timestamp())
        if state is not None and state.last_failure_at is not None:
            last_failure.add_metric(key, state.last_failure_at.timestamp())
    loaded = GaugeMetricFamily("relais_adapters_loaded", "Adapters loaded by this process")
    loaded.add_metric([], len(kinds))
    problems = GaugeMetricFamily(
        "relais_adapter_load_problems", "Adapter configuration problems at start (tolerated)"
    )
    problems.add_metric([], load_problems)
    yield from (up, failures, last_success, last_failure, loaded, problems)


def _le(bound: float) -> str:
    text: str = floatToGoString(bound)  # type: ignore[no-untyped-call]
    return text  # "60.0", as the client library writes bucket bounds
