import pytest

from app.config import SERVICE, ConfigError, load_config{% if values.runsJobs %}, load_dead_letters_config{% endif %}{% if values.ownsTables %}, load_migration_config{% endif %}

VALID = {
    "AUTH_ISSUER": "https://auth.local-plus.example/",
    "AUTH_AUDIENCE": SERVICE.name,
    "AUTH_JWKS_URL": "https://auth.local-plus.example/.well-known/jwks.json",
{%- if values.ownsTables %}
    "DATABASE_URL": ${{ ('postgres://user:secret@db.internal:5432/' ~ (values.name | replace('-', '_'))) | dump }},
{%- endif %}
{%- if values.runsJobs %}
    "REDIS_URL": "rediss://default:secret@cache.internal:6379",
{%- endif %}
{%- if values.publishesEvents %}
    "KAFKA_BROKERS": "kafka-1.internal:9092, kafka-2.internal:9092",
{%- endif %}
}


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in VALID.items() if key != name}


def test_applies_defaults_for_everything_optional() -> None:
    config = load_config(VALID)
    assert config.port == 8080
    assert config.management_port == 9090
    assert config.shutdown_drain_ms == 5_000
    assert config.shutdown_timeout_ms == 10_000
    assert config.log_level == "info"
    assert config.log_requests == "failed-or-slow"
    assert config.service_name == SERVICE.name
    assert config.otel_exporter_otlp_endpoint is None
{%- if values.ownsTables %}
    assert config.database_pool_max == 10
{%- endif %}
{%- if values.runsJobs %}
    assert config.redis_namespace is None
{%- endif %}
{%- if values.publishesEvents %}
    assert config.kafka_brokers == ["kafka-1.internal:9092", "kafka-2.internal:9092"]
    assert config.kafka_tls is False
    assert config.kafka_sasl_username is None
{%- endif %}
{%- if values.ownsTables or values.runsJobs %}
    assert config.ca_file is None
{%- endif %}


@pytest.mark.parametrize("name", ["AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS_URL"])
def test_requires_where_tokens_come_from_and_are_checked_against(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_config(without(name))


def test_requires_urls_for_the_identity_provider() -> None:
    with pytest.raises(ConfigError, match="AUTH_JWKS_URL"):
        load_config({**VALID, "AUTH_JWKS_URL": "keys.json"})
    # The issuer is compared with the `iss` claim exactly: kept as written.
    assert load_config(VALID).auth_issuer == "https://auth.local-plus.example/"


def test_keeps_the_management_port_apart_from_the_api_port() -> None:
    with pytest.raises(ConfigError, match="PORT and MANAGEMENT_PORT must differ"):
        load_config({**VALID, "MANAGEMENT_PORT": "8080"})
    # 0 (a free port each, in tests) is not a clash.
    assert load_config({**VALID, "PORT": "0", "MANAGEMENT_PORT": "0"}).port == 0


def test_treats_empty_values_as_unset() -> None:
    config = load_config({**VALID, "PORT": "", "LOG_LEVEL": ""})
    assert config.port == 8080
    assert config.log_level == "info"


def test_names_every_invalid_variable_in_order() -> None:
    with pytest.raises(ConfigError, match=r"PORT.*LOG_LEVEL.*OTEL_EXPORTER_OTLP_ENDPOINT") as raised:
        load_config({**VALID, "PORT": "eighty", "LOG_LEVEL": "loud", "OTEL_EXPORTER_OTLP_ENDPOINT": "not a url"})
    assert str(raised.value).startswith("Invalid configuration: ")


def test_bounds_the_shutdown_and_checks_the_other_settings() -> None:
    for name, value in [
        ("SHUTDOWN_DRAIN_MS", "30001"),
        ("SHUTDOWN_TIMEOUT_MS", "99"),
        ("PORT", "65536"),
        ("LOG_REQUESTS", "some"),
        ("SERVICE_NAME", "Svc_Example"),
    ]:
        with pytest.raises(ConfigError, match=name):
            load_config({**VALID, name: value})
    assert load_config({**VALID, "LOG_REQUESTS": "all"}).log_requests == "all"
{%- if values.ownsTables %}


def test_requires_a_postgresql_url() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config(without("DATABASE_URL"))
    with pytest.raises(ConfigError, match="DATABASE_URL: a postgres:// connection string"):
        load_config({**VALID, "DATABASE_URL": "mysql://db"})
    with pytest.raises(ConfigError, match="DATABASE_POOL_MAX"):
        load_config({**VALID, "DATABASE_POOL_MAX": "0"})


def test_takes_the_postgresql_url_from_a_file_instead_but_not_from_both() -> None:
    from_file = {**without("DATABASE_URL"), "DATABASE_URL_FILE": "/var/run/secrets/db/DATABASE_URL"}
    assert load_config(from_file).database_url_file == "/var/run/secrets/db/DATABASE_URL"
    with pytest.raises(ConfigError, match="both set"):
        load_config({**from_file, "DATABASE_URL": VALID["DATABASE_URL"]})
    with pytest.raises(ConfigError, match="DATABASE_URL or DATABASE_URL_FILE is required"):
        load_config(without("DATABASE_URL"))


def test_needs_only_database_url_to_migrate() -> None:
    config = load_migration_config({"DATABASE_URL": VALID["DATABASE_URL"]})
    assert config.model_dump() == {
        "database_url": VALID["DATABASE_URL"],
        "log_level": "info",
        "service_name": SERVICE.name,
        # Its own time-outs, not the API's 5 s (see migrator.py).
        "migration_statement_timeout_ms": 540_000,
        "migration_lock_timeout_ms": 5_000,
    }
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_migration_config({})
    with pytest.raises(ConfigError, match="MIGRATION_LOCK_TIMEOUT_MS"):
        load_migration_config({"DATABASE_URL": VALID["DATABASE_URL"], "MIGRATION_LOCK_TIMEOUT_MS": "50"})
{%- endif %}
{%- if values.runsJobs %}


def test_requires_a_redis_url_and_a_plain_namespace() -> None:
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_config(without("REDIS_URL"))
    with pytest.raises(ConfigError, match="REDIS_URL: a redis:// or rediss:// URL"):
        load_config({**VALID, "REDIS_URL": "http://cache"})
    with pytest.raises(ConfigError, match="REDIS_NAMESPACE"):
        load_config({**VALID, "REDIS_NAMESPACE": "Dev:Me"})
    assert load_config({**VALID, "REDIS_NAMESPACE": "dev-claire"}).redis_namespace == "dev-claire"
    # The Aiven CA that rediss:// connections trust, from the mounted Secret.
    assert load_config({**VALID, "PGSSLROOTCERT": "/var/run/secrets/x/AIVEN_CA_PEM"}).ca_file == (
        "/var/run/secrets/x/AIVEN_CA_PEM"
    )


def test_needs_only_redis_for_the_dead_letters_command() -> None:
    config = load_dead_letters_config({"REDIS_URL": VALID["REDIS_URL"]})
    assert config.redis_url == VALID["REDIS_URL"]
    assert config.redis_namespace is None
    with pytest.raises(ConfigError, match="REDIS_URL"):
        load_dead_letters_config({})
{%- endif %}
{%- if values.publishesEvents %}


def test_requires_host_port_brokers_and_sasl_credentials_in_pairs() -> None:
    with pytest.raises(ConfigError, match="KAFKA_BROKERS"):
        load_config(without("KAFKA_BROKERS"))
    for brokers in ["kafka-1.internal", "kafka://kafka-1.internal:9092", " , "]:
        with pytest.raises(ConfigError, match="KAFKA_BROKERS"):
            load_config({**VALID, "KAFKA_BROKERS": brokers})
    with pytest.raises(ConfigError, match="go together"):
        load_config({**VALID, "KAFKA_SASL_USERNAME": "svc"})
    with pytest.raises(ConfigError, match="KAFKA_SSL"):
        load_config({**VALID, "KAFKA_SSL": "yes"})
    config = load_config({**VALID, "KAFKA_SSL": "true", "KAFKA_SASL_USERNAME": "svc", "KAFKA_SASL_PASSWORD": "pw"})
    assert config.kafka_tls is True
    assert (config.kafka_sasl_username, config.kafka_sasl_password) == ("svc", "pw")
{%- endif %}
