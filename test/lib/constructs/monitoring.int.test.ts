/**
 * AuthorizerMonitoring as the API stack composes it: metric filters over the authorizer's own
 * decision lines (checked against lines the real authorizer writes), the alarms and the dashboard.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { configFor } from '../../../lib/config/app-config';
import {
  ALARMED_REASONS,
  DECISIONS,
  DECISION_LINE,
  DECISION_REASONS,
  REJECTION_REASONS,
} from '../../../lib/contracts/decision-log';
import { createAuthorizer } from '../../../lambda/authorizer/handler';
import { settingsFromConfig } from '../../../fixtures/authorizer-settings';
import { accessToken, makeSigningKey, startJwksServer } from '../../../fixtures/token-factory';
import { buildTestApp } from '../../support/cdk';

let template: Template;
beforeAll(() => {
  template = Template.fromStack(buildTestApp({ bundling: false }).api);
});

const NAMESPACE = 'CognitoJwtApi/dev';
const filters = () =>
  Object.values(template.findResources('AWS::Logs::MetricFilter')).map((filter) => filter.Properties);

describe('metric filters', () => {
  it('count decision lines by decision and by reason, on the authorizer’s log group only', () => {
    expect(filters().map((filter) => filter.MetricTransformations)).toEqual([
      [
        {
          MetricNamespace: NAMESPACE,
          MetricName: 'Decisions',
          MetricValue: '1',
          Dimensions: [{ Key: 'decision', Value: '$.decision' }],
          Unit: 'Count',
        },
      ],
      [
        {
          MetricNamespace: NAMESPACE,
          MetricName: 'DecisionsByReason',
          MetricValue: '1',
          Dimensions: [{ Key: 'reason', Value: '$.reason' }],
          Unit: 'Count',
        },
      ],
    ]);
    for (const filter of filters())
      expect(filter.LogGroupName).toEqual({ Ref: expect.stringMatching(/^ApiAuthorizerLogs/) });
  });

  it('match the lines the real authorizer writes for allow, deny and unauthorized', async () => {
    const key = makeSigningKey('monitoring');
    const jwks = await startJwksServer([key]);
    const lines: string[] = [];
    try {
      const authorize = createAuthorizer(
        settingsFromConfig(configFor('dev'), { issuer: jwks.issuer, clientId: 'client' }),
        { logSink: (line) => lines.push(line) },
      );
      const arn = (path: string) => `arn:aws:execute-api:us-east-1:123456789012:api/v1/GET${path}`;
      const bearer = `Bearer ${accessToken({ issuer: jwks.issuer, clientId: 'client', key, groups: ['user-group'] })}`;
      await authorize({ type: 'TOKEN', authorizationToken: bearer, methodArn: arn('/api/profile') });
      await authorize({ type: 'TOKEN', authorizationToken: bearer, methodArn: arn('/api/admin/users') });
      await authorize({ type: 'TOKEN', authorizationToken: 'Bearer garbage', methodArn: arn('/api/profile') }).catch(
        () => undefined,
      );
    } finally {
      await jwks.close();
    }
    const decisions = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(decisions.map(({ decision, reason }) => [decision, reason])).toEqual([
      ['allow', 'ALLOWED'],
      ['deny', 'GROUP_NOT_ALLOWED'],
      ['unauthorized', 'MALFORMED_TOKEN'],
    ]);
    for (const line of decisions) {
      expect(line).toMatchObject(DECISION_LINE);
      expect(DECISIONS).toContain(line.decision);
      expect([...DECISION_REASONS, ...REJECTION_REASONS]).toContain(line.reason);
    }
    const pattern = `{ ($.service = "${DECISION_LINE.service}") && ($.message = "${DECISION_LINE.message}") }`;
    for (const filter of filters()) expect(filter.FilterPattern).toBe(pattern);
  });
});

describe('alarms', () => {
  const alarms = () => Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);

  it.each(ALARMED_REASONS)('fire on any %s decision within 5 minutes, with what it means', (reason) => {
    const matching = alarms().filter((alarm) => alarm.Dimensions?.[0]?.Value === reason);
    expect(matching).toHaveLength(1);
    expect(matching[0]).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'DecisionsByReason',
      Dimensions: [{ Name: 'reason', Value: reason }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      AlarmDescription: expect.stringMatching(/^The authorizer .{40,}/),
    });
  });

  it("fire on any 5xx answer of the API's stage", () => {
    const serverErrors = alarms().filter((alarm) => alarm.MetricName === '5XXError');
    expect(serverErrors).toHaveLength(1);
    expect(serverErrors[0]).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(serverErrors[0].Dimensions.map((dimension: { Name: string }) => dimension.Name).sort()).toEqual([
      'ApiName',
      'Stage',
    ]);
  });

  it('are only these five', () => {
    expect(alarms()).toHaveLength(ALARMED_REASONS.length + 1);
  });
});

it('has a dashboard with decision rates, reasons, authorizer latency, API errors and the alarms', () => {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')).map(
    (resource) => resource.Properties,
  );
  expect(dashboard.DashboardName).toBe('CognitoJwtApi-dev-authorizer');
  // The body is JSON joined with deploy-time references: put a stand-in where each goes.
  const parts: unknown[] = dashboard.DashboardBody['Fn::Join'][1];
  const widgets: Array<{ type: string; properties: { title: string; metrics?: unknown[][]; alarms?: string[] } }> =
    JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'ref')).join('')).widgets;
  const byTitle = Object.fromEntries(widgets.map((widget) => [widget.properties.title, widget.properties]));
  expect(
    byTitle['Authorizer decisions per minute (allow, deny, unauthorized)'].metrics!.map((metric) => metric.slice(0, 4)),
  ).toEqual(DECISIONS.map((decision) => [NAMESPACE, 'Decisions', 'decision', decision]));
  expect(JSON.stringify(byTitle['Authorizer decisions by reason per minute'].metrics)).toContain('DecisionsByReason');
  expect(
    byTitle['Authorizer latency (ms, Lambda duration)'].metrics!.map((metric) => [
      metric[1],
      (metric[4] as { stat: string }).stat,
    ]),
  ).toEqual([
    ['Duration', 'p50'],
    ['Duration', 'p99'],
  ]);
  expect(byTitle['API requests, 4xx and 5xx per minute'].metrics!.map((metric) => metric[1])).toEqual([
    'Count',
    '4XXError',
    '5XXError',
  ]);
  expect(byTitle.Alarms.alarms).toHaveLength(ALARMED_REASONS.length + 1);
});
