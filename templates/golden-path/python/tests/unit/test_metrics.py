from app.config import SERVICE
from app.infrastructure.metrics import {% if values.runsJobs %}JobCount, {% endif %}Metrics, latency_buckets


def test_has_the_latency_objective_as_a_histogram_bucket_with_the_platform_buckets() -> None:
    buckets = latency_buckets()
    assert SERVICE.latency_objective_seconds == ${{ values.sloLatencyP99Ms | dump }} / 1000
    assert SERVICE.latency_objective_seconds in buckets
    for le in [0.05, 0.1, 0.2, 0.3, 0.5, 1]:
        assert le in buckets
    assert sorted(buckets) == buckets
    assert len(set(buckets)) == len(buckets)


def test_adds_an_objective_that_is_not_a_standard_bucket_once() -> None:
    assert latency_buckets(0.25).count(0.25) == 1
    assert latency_buckets(0.2).count(0.2) == 1


def test_exposes_the_bucket_the_latency_sli_reads_with_the_labels_of_the_contract() -> None:
    metrics = Metrics(default_metrics=False)
    metrics.observe_request(method="GET", route="/x", status_code=200, seconds=0.001)
    text, content_type = metrics.exposition()
    le = repr(SERVICE.latency_objective_seconds)
    assert (
        f'http_request_duration_seconds_bucket{{le="{le}",method="GET",route="/x",status_code="200"}} 1.0'
        in text.decode()
    )
    assert content_type.startswith("text/plain")
    # No `_created` series: prom-client (the TypeScript services) has none either.
    assert b"_created" not in text


def test_exposes_process_metrics() -> None:
    text, _ = Metrics().exposition()
    assert b"process_cpu_seconds_total" in text
{%- if values.runsJobs or values.publishesEvents %}


async def test_reads_gauges_at_scrape_time_and_keeps_the_last_value_when_the_source_fails() -> None:
    errors: list[str] = []
    metrics = Metrics(default_metrics=False, on_collect_error=lambda metric, _error: errors.append(metric))
    fail = False
{%- if values.runsJobs %}

    async def counts() -> list[JobCount]:
        if fail:
            raise ConnectionError("redis is down")
        return [JobCount("critical", "dead_lettered", 2), JobCount("low", "waiting", 7)]

    metrics.observe_job_queues(counts)
{%- endif %}
{%- if values.publishesEvents %}

    async def pending() -> int:
        if fail:
            raise ConnectionError("postgres is down")
        return 3

    metrics.observe_outbox(pending)
{%- endif %}
    await metrics.refresh()
    text = metrics.exposition()[0].decode()
{%- if values.runsJobs %}
    assert 'job_queue_jobs{queue="critical",state="dead_lettered"} 2.0' in text
    assert 'job_queue_jobs{queue="low",state="waiting"} 7.0' in text
{%- endif %}
{%- if values.publishesEvents %}
    assert "outbox_pending_events 3.0" in text
{%- endif %}
    fail = True
    await metrics.refresh()
    assert metrics.exposition()[0].decode() == text
    assert errors == [{% if values.runsJobs %}"job_queue_jobs"{% endif %}{% if values.runsJobs and values.publishesEvents %}, {% endif %}{% if values.publishesEvents %}"outbox_pending_events"{% endif %}]
{%- endif %}
{%- if values.runsJobs %}


def test_counts_job_attempts_by_queue_and_outcome() -> None:
    metrics = Metrics(default_metrics=False)
    metrics.job_processed("high", "retried")
    metrics.job_processed("high", "retried")
    metrics.job_processed("high", "dead_lettered")
    text = metrics.exposition()[0].decode()
    assert 'jobs_processed_total{outcome="retried",queue="high"} 2.0' in text
    assert 'jobs_processed_total{outcome="dead_lettered",queue="high"} 1.0' in text
{%- endif %}
