"""Three suites, one command (`task test` runs them all through
scripts/test-services.sh{% if values.ownsTables or values.runsJobs %}, which provides {% if values.ownsTables %}PostgreSQL{% endif %}{% if values.ownsTables and values.runsJobs %} and {% endif %}{% if values.runsJobs %}Redis{% endif %}{% endif %}):

- tests/unit: the domain and pure helpers, no I/O;
- tests/integration: {% if values.ownsTables or values.runsJobs %}against a real {% if values.ownsTables %}PostgreSQL{% endif %}{% if values.ownsTables and values.runsJobs %} and {% endif %}{% if values.runsJobs %}Redis{% endif %}{% else %}over real HTTP (the service has no data store){% endif %}, with real tokens;
- tests/contract: every documented response of the running service, checked
  against openapi/openapi.yaml.
{%- if values.ownsTables or values.runsJobs %}

The integration and contract tests need {% if values.ownsTables %}DATABASE_URL (a PostgreSQL server){% endif %}{% if values.ownsTables and values.runsJobs %} and {% endif %}{% if values.runsJobs %}REDIS_URL{% endif %}:
without {% if values.ownsTables and values.runsJobs %}them{% else %}it{% endif %} they fail, saying so, rather than being skipped.
{%- endif %}
{%- if values.publishesEvents %}

The relay's tests against a real Kafka broker run when KAFKA_BROKERS names
one, and are skipped (saying so) otherwise.
{%- endif %}
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

{% if values.ownsTables %}from app.config import SERVICE, load_migration_config
from app.infrastructure.postgres.migrator import create_migration_engine, migrate
{% endif %}from tests.support.auth import Issuer, get_issuer
{%- if values.ownsTables or values.runsJobs %}
from tests.support.env import require_env
{%- endif %}
{%- if values.publishesEvents %}
from tests.support.outbox import NO_BROKER
{%- endif %}
{%- if values.ownsTables %}
from tests.support.postgres import Database, clone_database, create_database, drop_database, new_name
{%- endif %}
{%- if values.runsJobs %}
from tests.support.redis import delete_namespace, new_namespace
{%- endif %}
from tests.support.service import close_client


@pytest.fixture(scope="session")
def issuer() -> Issuer:
    return get_issuer()


@pytest.fixture(scope="session", autouse=True)
async def _http_client() -> AsyncIterator[None]:
    yield
    await close_client()
{%- if values.runsJobs %}


@pytest.fixture(scope="module")
async def redis_namespace() -> AsyncIterator[str]:
    """A REDIS_NAMESPACE for the test module (REDIS_URL may be shared); its keys are deleted afterwards."""
    namespace = new_namespace()
    yield namespace
    await delete_namespace(namespace)
{%- endif %}
{%- if not values.ownsTables %}


@pytest.fixture(scope="module")
def service_env({% if values.runsJobs %}redis_namespace: str{% endif %}) -> dict[str, str]:
    """The environment of a service under test, over the run's own{% if values.runsJobs %}: the module's Redis namespace{% endif %}."""
{%- if values.runsJobs %}
    return {"REDIS_URL": require_env("REDIS_URL"), "REDIS_NAMESPACE": redis_namespace}
{%- else %}
    return {}
{%- endif %}
{%- else %}


@pytest.fixture(scope="session")
def server_url() -> str:
    """DATABASE_URL: the PostgreSQL server of the run."""
    return require_env("DATABASE_URL")


@pytest.fixture(scope="session")
async def template_database(server_url: str) -> AsyncIterator[str]:
    """Once per run: a database of its own on DATABASE_URL's server, migrated
    with the real migrator (as the migration Job does it). Test modules clone
    it, so runs (and modules within a run) never share data. Dropped at the end."""
    name = new_name("t")
    url = await create_database(server_url, name)
    engine = create_migration_engine(load_migration_config({"DATABASE_URL": url}))
    try:
        await migrate(engine, service_name=SERVICE.name)
    finally:
        await engine.dispose()
    yield url
    await drop_database(server_url, name)


@pytest.fixture(scope="module")
async def database(server_url: str, template_database: str) -> AsyncIterator[Database]:
    """A fresh, migrated database for the test module."""
    clone = await clone_database(server_url, template_database)
    yield clone
    await clone.drop()


@pytest.fixture(scope="module")
def service_env(database: Database{% if values.runsJobs %}, redis_namespace: str{% endif %}) -> dict[str, str]:
    """The environment of a service under test, over the run's own: the module's database{% if values.runsJobs %}
    and Redis namespace{% endif %}{% if values.publishesEvents %}; a Kafka broker nobody listens on (the relay's
    tests publish through their own publishers){% endif %}."""
    return {
        "DATABASE_URL": database.url,
{%- if values.runsJobs %}
        "REDIS_URL": require_env("REDIS_URL"),
        "REDIS_NAMESPACE": redis_namespace,
{%- endif %}
{%- if values.publishesEvents %}
        "KAFKA_BROKERS": NO_BROKER,
{%- endif %}
    }
{%- endif %}
