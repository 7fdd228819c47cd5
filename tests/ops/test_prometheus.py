"""A real Prometheus (Debian's package) scraping a real API and worker, each in its
own process, queried over its HTTP API as an operator's dashboards and alerts are:
a journey and a platform outage show in the counters and in the adapter-down state;
every metric the alert rules and the Grafana dashboard name is there; no label of
any series holds a case id or personal data; the alert rules are loaded. The same
processes answer their probes and write JSON log lines (RELAIS_LOG_FORMAT=json)."""

import json
import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import yaml

from devtools.monitoring import API_JOB, WORKER_JOB, prometheus_command, prometheus_config
from relais.serving import free_port
from tests.chaos.processes import HOST, Process, ProcessStack, child_env, process_stack
from tests.ops.tools import binary
from tests.support.cases import INTAKE, ITEM
from tests.support.client import auth
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
PERSONAL = [INTAKE["contact"]["first_name"], INTAKE["contact"]["phone"], "tiktok.com/@someone"]
DOWN_ITEM = {**ITEM, "platform": "snapchat", "location": {"url": "https://snapchat.com/add/x"}}
COUNSELLOR = auth("counsellor")
SUPERVISOR = auth("supervisor")
# Named in the issue; each must be scraped (the alert rules and the dashboard add theirs).
REQUIRED = {
    "relais_http_requests_total",
    "relais_http_request_duration_seconds_bucket",
    "relais_cases_open",
    "relais_notices_sent_total",
    "relais_notices_decided_total",
    "relais_notice_time_to_removal_seconds_bucket",
    "relais_notice_renotices_total",
    "relais_notice_sla_breaches_total",
    "relais_referrals",
    "relais_referrals_sent_total",
    "relais_manual_handoffs_total",
    "relais_callbacks_due",
    "relais_callbacks_overdue",
    "relais_callbacks_unclaimed",
    "relais_adapter_up",
    "relais_adapter_consecutive_failures",
    "relais_adapter_last_success_timestamp_seconds",
    "temporal_workflow_task_schedule_to_start_latency_seconds_bucket",
    "temporal_workflow_task_execution_latency_seconds_bucket",
    "temporal_activity_schedule_to_start_latency_seconds_bucket",
    "temporal_activity_execution_latency_seconds_bucket",
    "temporal_sticky_cache_size",
    "temporal_num_pollers",
}
NAME = re.compile(r"\b((?:relais|temporal)_[a-z0-9_]+)")


def named_in_deploy_files() -> set[str]:
    """Metric names the alert rules and the Grafana dashboard query."""
    rules = yaml.safe_load((ROOT / "deploy" / "prometheus" / "alerts.yml").read_text())
    exprs = [r["expr"] for group in rules["groups"] for r in group["rules"]]
    dashboard = json.loads((ROOT / "deploy" / "grafana" / "relais.json").read_text())
    exprs += [t["expr"] for panel in dashboard["panels"] for t in panel.get("targets", [])]
    return {name for expr in exprs for name in NAME.findall(expr)}


class PromQL:
    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=10)

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.http.get(path, params=params)
        response.raise_for_status()
        body = response.json()
        assert body["status"] == "success", body
        return body["data"]

    async def value(self, query: str) -> float | None:
        """The single value of an instant query (None: no series)."""
        result = await self.get("/api/v1/query", query=query)
        values = [float(r["value"][1]) for r in result["result"]]
        return sum(values) if values else None

    async def names(self) -> set[str]:
        return set(await self.get("/api/v1/label/__name__/values"))

    async def series(self, match: str) -> list[dict[str, str]]:
        result: list[dict[str, str]] = await self.get("/api/v1/series", **{"match[]": match})
        return result


async def start_prometheus(stack: ProcessStack, folder: Path) -> tuple[Process, str]:
    port = free_port()
    config = folder / "prometheus.yml"
    api = stack.api_url.removeprefix("http://")
    workers = [f"{HOST}:{w.ports['metrics']}" for w in stack.workers]
    config.write_text(prometheus_config(api=[api], workers=workers, interval="1s"))
    command = prometheus_command(
        binary("prometheus"), config, folder / "tsdb", f"{HOST}:{port}", retention="1h"
    )
    prometheus = Process("prometheus", command, child_env(), folder / "prometheus.log")
    prometheus.start()
    url = f"http://{HOST}:{port}"

    async def ready() -> bool:
        try:
            async with httpx.AsyncClient(timeout=2) as http:
                return (await http.get(f"{url}/-/ready")).status_code == 200
        except httpx.HTTPError:
            return False

    await prometheus.wait_until(ready, "Prometheus /-/ready", within=60)
    return prometheus, url


async def test_prometheus_scrapes_a_journey_and_an_outage(tmp_path: Path) -> None:
    simulator = {"defaults": {"decision_delay_seconds": 0.2}, "targets": {}}
    json_logs = {"RELAIS_LOG_FORMAT": "json"}
    async with process_stack(tmp_path, simulator_config=simulator, env=json_logs) as stack:
        prometheus, url = await start_prometheus(stack, tmp_path)
        promql = PromQL(url)
        try:
            async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as api:
                outage = await api.put(  # through the simulator's control API
                    f"{stack.simulator_url}/_control/targets/snapchat",
                    json={"outage": {"active": True}},
                )
                assert outage.status_code == 200, outage.text
                opened = await api.post(
                    "/cases",
                    json=INTAKE,
                    headers={**COUNSELLOR, "Idempotency-Key": uuid.uuid4().hex},
                )
                assert opened.status_code == 201, opened.text
                case_id = opened.json()["case_id"]
                added = await api.post(
                    f"/cases/{case_id}/items",
                    json={"items": [ITEM, DOWN_ITEM]},
                    headers=COUNSELLOR,
                )
                assert added.status_code == 202, added.text
                notice_ids = added.json()["notice_ids"]
                referred = await api.post(
                    f"/cases/{case_id}/referrals",
                    json={"partner": "france-victimes"},
                    headers=COUNSELLOR,
                )
                assert referred.status_code == 202, referred.text

                async def statuses() -> tuple[list[str], list[str]]:
                    view = (await api.get(f"/cases/{case_id}", headers=SUPERVISOR)).json()
                    return [n["status"] for n in view["notices"]], [
                        r["status"] for r in view["referrals"]
                    ]

                await eventually(
                    statuses,
                    lambda s: "verified_removed" in s[0] and s[1] == ["accepted"],
                    what="TikTok removal and the referral accepted",
                    within=60,
                )

            async def scraped() -> tuple[float | None, ...]:
                return (
                    await promql.value('relais_notices_sent_total{platform="tiktok"}'),
                    await promql.value('relais_adapter_up{adapter="snapchat"}'),
                    await promql.value(
                        'relais_notice_time_to_removal_seconds_count{platform="tiktok"}'
                    ),
                    await promql.value(f'up{{job="{WORKER_JOB}"}}'),
                    await promql.value(f'up{{job="{API_JOB}"}}'),
                    await promql.value(
                        "sum(temporal_activity_schedule_to_start_latency_seconds_count)"
                    ),
                )

            # One snapshot where all hold, both targets up in it: a single read after
            # the others had once found the worker's `up` series missing (CI, loaded).
            await eventually(
                scraped,
                lambda v: (
                    v[0] == 1
                    and v[1] == 0
                    and v[2] == 1
                    and v[3] == 1
                    and v[4] == 1
                    and v[5] is not None
                    and v[5] > 0
                ),
                what="the journey and the outage in Prometheus, both targets up",
                within=60,
                interval=0.5,
            )
            assert await promql.value('relais_adapter_up{adapter="tiktok"}') == 1
            assert await promql.value('relais_notices_sent_total{platform="snapchat"}') == 0
            removed = 'relais_notices_decided_total{platform="tiktok", decision="removed"}'
            assert await promql.value(removed) == 1
            sent = 'relais_referrals_sent_total{partner="france-victimes"}'
            assert await promql.value(sent) == 1
            accepted = 'relais_referrals{partner="france-victimes", status="accepted"}'
            assert await promql.value(accepted) == 1
            route = 'route="/cases/{case_id}/items", method="POST", status="202"'
            assert await promql.value(f"relais_http_requests_total{{{route}}}") == 1
            # The 5 s bound the schedule-to-start alerts need is in the SDK's buckets.
            assert await promql.value(
                'sum(temporal_workflow_task_schedule_to_start_latency_seconds_bucket{le="5"})'
            )

            names = await promql.names()
            missing = sorted((REQUIRED | named_in_deploy_files()) - names)
            assert not missing, f"metrics not scraped: {missing}"

            forbidden = [case_id, *notice_ids, *PERSONAL]
            for labels in await promql.series('{__name__=~"relais_.+|temporal_.+"}'):
                for key, label in labels.items():
                    for needle in forbidden:
                        assert needle not in label, f"{labels['__name__']}{{{key}}} holds it"

            # The worker's probe port: live, and ready with what it checks.
            health = f"http://{HOST}:{stack.workers[0].ports['health']}"
            async with httpx.AsyncClient(base_url=health, timeout=10) as probes:
                assert (await probes.get("/livez")).status_code == 200
                ready = await probes.get("/readyz")
            assert ready.status_code == 200, ready.text
            assert set(ready.json()["checks"]) == {
                "temporal",
                "database",
                "migrations",
                "adapters",
                "worker",
            }

            rules = await promql.get("/api/v1/rules")
            loaded = {r["name"] for g in rules["groups"] for r in g["rules"]}
            assert {"RelaisAdapterDown", "RelaisWorkerAbsent", "RelaisCallbacksOverdue"} <= loaded

            async def adapter_down_alerts() -> list[dict[str, Any]]:
                alerts = (await promql.get("/api/v1/alerts"))["alerts"]
                return [a for a in alerts if a["labels"]["alertname"] == "RelaisAdapterDown"]

            down = await eventually(adapter_down_alerts, bool, what="RelaisAdapterDown pending")
            assert [a["labels"]["adapter"] for a in down] == ["snapchat"]
            assert down[0]["state"] == "pending", "fires only after 15 minutes"
        finally:
            await promql.http.aclose()
            prometheus.stop()
    # RELAIS_LOG_FORMAT=json: every line the API and the worker wrote is one JSON object.
    for process in (stack.api, *stack.workers):
        lines = [x for x in process.output().splitlines() if x and not x.startswith("--- start")]
        assert lines, f"{process.name} wrote nothing"
        for line in lines:
            entry = json.loads(line)
            assert {"time", "level", "logger", "message"} <= set(entry), line
            for personal in PERSONAL:
                assert personal not in line, line
