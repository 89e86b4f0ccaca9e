import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig{% if values.ownsTables %}, loadMigrationConfig{% endif %}, SERVICE } from '../../src/app/config';

const valid = {
  AUTH_ISSUER: 'https://auth.local-plus.example/',
  AUTH_AUDIENCE: SERVICE.name,
  AUTH_JWKS_URL: 'https://auth.local-plus.example/.well-known/jwks.json',
{%- if values.ownsTables %}
  DATABASE_URL: ${{ ('postgres://user:secret@db.internal:5432/' ~ (values.name | replace('-', '_'))) | dump }},
{%- endif %}
{%- if values.runsJobs %}
  REDIS_URL: 'rediss://default:secret@cache.internal:6379',
{%- endif %}
{%- if values.publishesEvents %}
  KAFKA_BROKERS: 'kafka-1.internal:9092, kafka-2.internal:9092',
{%- endif %}
};

describe('loadConfig', () => {
  it('applies defaults for everything optional', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(8080);
    expect(config.MANAGEMENT_PORT).toBe(9090);
    expect(config.SHUTDOWN_DRAIN_MS).toBe(5_000);
    expect(config.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.SERVICE_NAME).toBe(SERVICE.name);
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
{%- if values.publishesEvents %}
    expect(config.KAFKA_BROKERS).toEqual(['kafka-1.internal:9092', 'kafka-2.internal:9092']);
    expect(config.KAFKA_SSL).toBe(false);
{%- endif %}
  });

  it('requires where tokens come from and are checked against', () => {
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL'] as const) {
      expect(() => loadConfig({ ...valid, [name]: undefined })).toThrow(new RegExp(name));
    }
    expect(() => loadConfig({ ...valid, AUTH_JWKS_URL: 'keys.json' })).toThrow(/AUTH_JWKS_URL/);
  });

  it('keeps the management port apart from the API port', () => {
    expect(() => loadConfig({ ...valid, MANAGEMENT_PORT: '8080' })).toThrow(/PORT and MANAGEMENT_PORT must differ/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ...valid, PORT: '', LOG_LEVEL: '' }).PORT).toBe(8080);
  });

  it('names every invalid variable', () => {
    const attempt = () => loadConfig({ ...valid, PORT: 'eighty', LOG_LEVEL: 'loud', OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT.*LOG_LEVEL.*OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
{%- if values.ownsTables %}

  it('requires a PostgreSQL URL', () => {
    expect(() => loadConfig({ ...valid, DATABASE_URL: undefined })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...valid, DATABASE_URL: 'mysql://db' })).toThrow(/DATABASE_URL/);
  });

  it('takes the PostgreSQL URL from a file instead, but not from both', () => {
    const fromFile = { ...valid, DATABASE_URL: undefined, DATABASE_URL_FILE: '/var/run/secrets/db/DATABASE_URL' };
    expect(loadConfig(fromFile).DATABASE_URL_FILE).toBe('/var/run/secrets/db/DATABASE_URL');
    expect(() => loadConfig({ ...fromFile, DATABASE_URL: valid.DATABASE_URL })).toThrow(/both set/);
    expect(() => loadConfig({ ...valid, DATABASE_URL: undefined })).toThrow(/DATABASE_URL or DATABASE_URL_FILE is required/);
  });

  it('needs only DATABASE_URL to migrate', () => {
    const config = loadMigrationConfig({ DATABASE_URL: valid.DATABASE_URL });
    expect(config).toEqual({
      DATABASE_URL: valid.DATABASE_URL,
      LOG_LEVEL: 'info',
      SERVICE_NAME: SERVICE.name,
      // Its own time-outs, not the API's 5 s (see migrator.ts).
      MIGRATION_STATEMENT_TIMEOUT_MS: 540_000,
      MIGRATION_LOCK_TIMEOUT_MS: 5_000,
    });
    expect(() => loadMigrationConfig({})).toThrow(/DATABASE_URL/);
  });
{%- endif %}
{%- if values.runsJobs %}

  it('requires a Redis URL', () => {
    expect(() => loadConfig({ ...valid, REDIS_URL: undefined })).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ ...valid, REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL/);
  });
{%- endif %}
{%- if values.publishesEvents %}

  it('requires host:port brokers and SASL credentials in pairs', () => {
    expect(() => loadConfig({ ...valid, KAFKA_BROKERS: 'kafka-1.internal' })).toThrow(/KAFKA_BROKERS/);
    expect(() => loadConfig({ ...valid, KAFKA_SASL_USERNAME: 'svc' })).toThrow(/go together/);
    expect(loadConfig({ ...valid, KAFKA_SSL: 'true' }).KAFKA_SSL).toBe(true);
  });
{%- endif %}
});
