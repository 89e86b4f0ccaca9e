import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Fields that may hold personal or card data (GDPR, PCI-DSS). They are
 * replaced before a line is written, wherever they appear one or two levels
 * deep. Request and response bodies are never logged at all.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'body',
  '*.body',
  ...[
    'email',
    'phone',
    'name',
    'firstName',
    'lastName',
    'fullName',
    'address',
    'iban',
    'pan',
    'cardNumber',
    'cvv',
    'password',
    'token',
  ].flatMap(field => [field, `*.${field}`, `*.*.${field}`]),
];

interface LoggedRequest {
  id?: string;
  method?: string;
  routeOptions?: { url?: string };
}

/**
 * JSON logs on stdout (collected by the platform into Loki). Each line made
 * while a span is active carries trace_id and span_id, so Grafana can jump
 * from a log line to its trace in Tempo.
 */
export function createLogger(
  options: { level: string; serviceName: string },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.serviceName },
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: label => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin() {
        const context = trace.getActiveSpan()?.spanContext();
        return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
      },
      serializers: {
        // The templated route, never the raw URL (ids, query strings) nor the
        // client address (personal data under GDPR).
        req: (req: LoggedRequest) => ({
          id: req.id,
          method: req.method,
          route: req.routeOptions?.url ?? 'unmatched',
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}
