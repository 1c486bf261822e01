/**
 * Charts rendered by CloudWatch: `GetMetricWidgetImage` draws a metric widget (the JSON a dashboard
 * widget is made of) as a PNG, so nothing here draws. Failures are sorted as the other AWS
 * adapters sort them (aws-errors.ts).
 */
import { CloudWatchClient, GetMetricWidgetImageCommand } from '@aws-sdk/client-cloudwatch';
import { PermanentError } from '../kernel/errors';
import type { MetricChartsPort } from '../kernel/ports';
import { classifyAwsError } from './aws-errors';

/**
 * The request for a widget: `MetricWidget` is the widget's JSON as a string, and `png` is the
 * format for SDK calls (`image/png` is only for raw HTTP requests). Shared with replay (recording.ts).
 */
export function metricWidgetImageInput(widget: Readonly<Record<string, unknown>>): { MetricWidget: string; OutputFormat: 'png' } {
  return { MetricWidget: JSON.stringify(widget), OutputFormat: 'png' };
}

/**
 * @example
 * const charts = createMetricChartsPort();
 * const png = await charts.png({ metrics: [['PipelineWarden', 'DeployDuration', 'Pipeline', 'app']], period: 3600, stat: 'p90', width: 600, height: 300 });
 */
export function createMetricChartsPort(client: CloudWatchClient = new CloudWatchClient({})): MetricChartsPort {
  return {
    async png(widget) {
      let image: Uint8Array | undefined;
      try {
        ({ MetricWidgetImage: image } = await client.send(new GetMetricWidgetImageCommand(metricWidgetImageInput(widget))));
      } catch (error) {
        throw classifyAwsError('CloudWatch GetMetricWidgetImage', error);
      }
      // An answer without an image will not gain one by asking again.
      if (!image || image.byteLength === 0) throw new PermanentError('CloudWatch GetMetricWidgetImage answered without an image');
      return image;
    },
  };
}
