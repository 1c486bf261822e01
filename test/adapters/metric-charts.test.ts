import { CloudWatchClient, CloudWatchServiceException, GetMetricWidgetImageCommand, InvalidParameterValueException } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { PermanentError, RetryableError } from '../../functions/kernel/errors';
import { createMetricChartsPort } from '../../functions/platform/metric-charts';

const cloudwatch = mockClient(CloudWatchClient);
const charts = createMetricChartsPort(new CloudWatchClient({}));
const WIDGET = {
  metrics: [['PipelineWarden', 'DeployDuration', 'Pipeline', 'payments-api']],
  stat: 'p90',
  period: 3600,
  start: '-P1D',
  title: 'Deploy duration (p90)',
  width: 600,
  height: 300,
};
/** The first bytes of any PNG: what CloudWatch's `MetricWidgetImage` starts with. */
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

beforeEach(() => {
  cloudwatch.reset();
  cloudwatch.on(GetMetricWidgetImageCommand).resolves({ MetricWidgetImage: PNG });
});

describe('createMetricChartsPort', () => {
  it('asks CloudWatch for the widget as JSON, in png, and returns the image bytes', async () => {
    const png = await charts.png(WIDGET);

    expect(cloudwatch).toHaveReceivedCommandExactlyOnceWith(GetMetricWidgetImageCommand, {
      MetricWidget: JSON.stringify(WIDGET),
      OutputFormat: 'png',
    });
    expect(png).toEqual(PNG);
  });

  it('an invalid widget is a PermanentError naming the call', async () => {
    cloudwatch
      .on(GetMetricWidgetImageCommand)
      .rejects(new InvalidParameterValueException({ message: 'The metrics field is required', $metadata: { httpStatusCode: 400 } }));
    const error = await charts.png({ title: 'no metrics' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PermanentError);
    expect(String(error)).toContain('CloudWatch GetMetricWidgetImage');
    expect(String(error)).toContain('The metrics field is required');
  });

  it('throttling is a RetryableError', async () => {
    const throttled = new CloudWatchServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    cloudwatch.on(GetMetricWidgetImageCommand).rejects(throttled);
    const error = await charts.png(WIDGET).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RetryableError);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect((error as Error).cause).toBe(throttled);
  });

  it('an answer without an image is a PermanentError', async () => {
    cloudwatch.on(GetMetricWidgetImageCommand).resolves({});

    await expect(charts.png(WIDGET)).rejects.toBeInstanceOf(PermanentError);
  });
});
