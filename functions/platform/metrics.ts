/**
 * The `MetricsPort` on Powertools Metrics: CloudWatch's embedded metric format (EMF), one JSON line
 * on stdout that CloudWatch Logs turns into metrics, so publishing costs no API call and no latency.
 *
 * Powertools keeps one dimension set per flush: every metric of an EMF blob is published under all
 * of its dimensions. So a datum with its own dimensions (`Team` and `Account`, `action`) goes out at
 * once in its own blob (`singleMetric()`), without the default `service` dimension, so that
 * `SCHEMA(PipelineWarden, Account, Team)` matches it exactly; a datum without dimensions is buffered
 * under `service` alone and flushed once per invocation by `flushMetrics`.
 *
 * Dimensions must be low-cardinality: each distinct combination is a billed metric (README, "Metrics
 * and dashboard"). A datum with a dimension that looks like an identifier is dropped with a warning,
 * not thrown: a metric must never fail a delivery.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { MetricDatum, MetricsPort } from '../kernel/ports';

export const METRICS_NAMESPACE = 'PipelineWarden';

/** Names that identify one run, execution, request or message: unbounded, never a dimension. */
const ID_SUFFIX = /(?:^id$|[a-z0-9](?:Id|ID|Arn|Sha)$|[_-](?:id|arn|sha)$|^(?:arn|sha|ts)$)/;
const ID_WORD = /execution|request|message|commit|token/i;
/** Values that identify one thing whatever the name: UUIDs (execution and message ids), long values. */
const ID_VALUE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_VALUE_LENGTH = 64;

/**
 * Why a datum's dimensions are refused, or `undefined` when they are fine.
 *
 * @example refusedDimensions({ executionId: 'a1b2' }) // 'dimension "executionId" looks like an identifier'
 */
export function refusedDimensions(dimensions: Readonly<Record<string, string>> = {}): string | undefined {
  for (const [name, value] of Object.entries(dimensions)) {
    if (ID_SUFFIX.test(name) || ID_WORD.test(name)) return `dimension "${name}" looks like an identifier`;
    if (ID_VALUE.test(value) || value.length > MAX_VALUE_LENGTH) return `dimension "${name}" has an identifier-like value`;
    if (value.length === 0) return `dimension "${name}" is empty`;
  }
  return undefined;
}

/** Where a refused datum is reported (a Powertools Logger fits). */
export interface MetricsWarnings {
  warn(message: string, ...extra: unknown[]): void;
}

/** The port, and the flush a handler runs once per invocation. */
export interface EmfMetrics extends MetricsPort {
  /** Writes the buffered (dimensionless) data as one EMF line; nothing when there is none. */
  flush(): void;
}

export interface EmfMetricsOptions {
  /** Default `PipelineWarden`. */
  readonly namespace?: string;
  /** The `service` dimension; default POWERTOOLS_SERVICE_NAME (`pipeline-warden`). */
  readonly serviceName?: string;
  /** Default: the console. */
  readonly warnings?: MetricsWarnings;
}

/**
 * @example
 * const metrics = createMetrics();
 * metrics.add({ name: 'EventsProcessed', unit: 'Count', value: 10 }); // buffered under `service`
 * metrics.add({ name: 'Actions', unit: 'Count', value: 1, dimensions: { action: 'rollback' } }); // its own EMF line, now
 * metrics.flush();
 */
export function createMetrics(options: EmfMetricsOptions = {}): EmfMetrics {
  const powertools = new Metrics({
    namespace: options.namespace ?? METRICS_NAMESPACE,
    ...(options.serviceName ? { serviceName: options.serviceName } : {}),
  });
  const warnings = options.warnings ?? console;
  return {
    add(datum) {
      const refused = refusedDimensions(datum.dimensions);
      if (refused) {
        warnings.warn(`metric ${datum.name} dropped: ${refused}`);
        return;
      }
      const unit = MetricUnit[datum.unit];
      if (!datum.dimensions || Object.keys(datum.dimensions).length === 0) {
        powertools.addMetric(datum.name, unit, datum.value);
        return;
      }
      // Its own blob, published by addMetric: its dimensions exactly, no `service`.
      const single = powertools.singleMetric();
      single.clearDefaultDimensions();
      for (const [name, value] of Object.entries(datum.dimensions)) single.addDimension(name, value);
      single.addMetric(datum.name, unit, datum.value);
    },
    flush() {
      // publishStoredMetrics warns on an empty buffer: an invocation may only have had dimensioned data.
      if (powertools.hasStoredMetrics()) powertools.publishStoredMetrics();
    },
  };
}

/**
 * Middy middleware: flushes after the handler, and after a failed one (the data of a failed
 * invocation are the ones most worth having). Powertools' own `logMetrics` would warn on every
 * invocation whose data were all dimensioned.
 *
 * @example middy(handler).use(flushMetrics(metrics))
 */
export function flushMetrics(metrics: Pick<EmfMetrics, 'flush'>): MiddlewareObj {
  const flush = async () => metrics.flush();
  return { after: flush, onError: flush };
}

/** An in-memory `MetricsPort` for tests and local replay: what was added, in order, with the same refusals. */
export interface RecordingMetrics extends EmfMetrics {
  readonly data: MetricDatum[];
  readonly refused: string[];
  /** The sum of a metric's values, optionally only those with these dimensions. */
  total(name: string, dimensions?: Readonly<Record<string, string>>): number;
}

/**
 * @example
 * const metrics = recordingMetrics();
 * metrics.add({ name: 'SlackErrors', unit: 'Count', value: 1 });
 * metrics.total('SlackErrors'); // 1
 */
export function recordingMetrics(): RecordingMetrics {
  const data: MetricDatum[] = [];
  const refused: string[] = [];
  const matches = (datum: MetricDatum, dimensions?: Readonly<Record<string, string>>) =>
    !dimensions || Object.entries(dimensions).every(([k, v]) => datum.dimensions?.[k] === v);
  return {
    data,
    refused,
    add(datum) {
      const why = refusedDimensions(datum.dimensions);
      if (why) refused.push(`${datum.name}: ${why}`);
      else data.push(datum);
    },
    flush() {},
    total: (name, dimensions) => data.filter((d) => d.name === name && matches(d, dimensions)).reduce((sum, d) => sum + d.value, 0),
  };
}
