import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ALARMED_REASONS, DECISIONS, DECISION_LINE } from '../contracts/decision-log';

export interface AuthorizerMonitoringProps {
  /** Where the authorizer writes its JSON decision lines (lib/contracts/decision-log.ts). */
  readonly authorizerLogGroup: logs.ILogGroup;
  /** Its Duration is the authorizer's latency. */
  readonly authorizerFunction: lambda.IFunction;
  /** The API stage whose 5xx answers are alarmed. */
  readonly stage: apigateway.Stage;
  /** CloudWatch namespace of the decision metrics, e.g. `CognitoJwtApi/prod` (one per stage). */
  readonly metricNamespace: string;
  /**
   * Window over which each alarm counts.
   * @default 5 minutes
   */
  readonly alarmPeriod?: Duration;
  /**
   * @default a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * What every alarm does when it fires (e.g. publish to an SNS topic).
   * @default none
   */
  readonly alarmActions?: readonly cloudwatch.IAlarmAction[];
}

/** Metric names (per namespace). */
export const DECISION_METRICS = {
  /** Decision lines by their `decision` dimension: allow, deny, unauthorized. */
  byDecision: 'Decisions',
  /** Decision lines by their `reason` dimension (ALLOWED, GROUP_NOT_ALLOWED, and each rejection code). */
  byReason: 'DecisionsByReason',
} as const;

/** What each alarm tells an operator (also in the README's deploy section). */
const ALARM_MEANINGS: Readonly<Record<(typeof ALARMED_REASONS)[number] | 'API_5XX', string>> = {
  INTERNAL_ERROR:
    'The authorizer failed unexpectedly on a request and answered 401: a bug; its log line has the detail',
  CONFIG_ERROR:
    'The authorizer could not read its configuration at cold start and rejects every request (401): fix its environment and redeploy',
  JWKS_UNAVAILABLE:
    "The authorizer could not fetch the user pool's JWKS and rejected valid tokens (401): Cognito or the network is failing",
  REVOCATION_UNAVAILABLE:
    "The authorizer could not read the revocation store in time and rejected valid tokens (401, failing closed): DynamoDB, its throttling or the function's network",
  API_5XX: 'The API answered 5xx: a backend Lambda failed, or the authorizer failed instead of answering 401 or 403',
};

/**
 * Makes the authorizer operable from what it already writes (nothing on its hot path): metric
 * filters counting decision lines by decision and by reason, an alarm on any INTERNAL_ERROR,
 * CONFIG_ERROR, JWKS_UNAVAILABLE or REVOCATION_UNAVAILABLE and on API 5xx, and a dashboard.
 */
export class AuthorizerMonitoring extends Construct {
  /** By what they watch: INTERNAL_ERROR, CONFIG_ERROR, JWKS_UNAVAILABLE, REVOCATION_UNAVAILABLE, API_5XX; each with the `alarmActions`. */
  readonly alarms: Readonly<Record<keyof typeof ALARM_MEANINGS, cloudwatch.Alarm>>;
  readonly dashboard: cloudwatch.Dashboard;

  private readonly namespace: string;

  constructor(scope: Construct, id: string, props: AuthorizerMonitoringProps) {
    super(scope, id);
    this.namespace = props.metricNamespace;
    const period = props.alarmPeriod ?? Duration.minutes(5);
    // Only the decision lines: Lambda's own START/END/REPORT lines are not JSON and never match.
    const decisionLines = logs.FilterPattern.all(
      logs.FilterPattern.stringValue('$.service', '=', DECISION_LINE.service),
      logs.FilterPattern.stringValue('$.message', '=', DECISION_LINE.message),
    );
    for (const [field, metricName] of [
      ['decision', DECISION_METRICS.byDecision],
      ['reason', DECISION_METRICS.byReason],
    ] as const) {
      new logs.MetricFilter(this, `${metricName}Filter`, {
        logGroup: props.authorizerLogGroup,
        filterPattern: decisionLines,
        metricNamespace: this.namespace,
        metricName,
        metricValue: '1',
        dimensions: { [field]: `$.${field}` },
        unit: cloudwatch.Unit.COUNT,
      });
    }

    const alarm = (name: keyof typeof ALARM_MEANINGS, metric: cloudwatch.IMetric): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, `${name.replace(/_/g, '')}Alarm`, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: ALARM_MEANINGS[name],
      });
      created.addAlarmAction(...(props.alarmActions ?? []));
      return created;
    };
    this.alarms = {
      INTERNAL_ERROR: alarm('INTERNAL_ERROR', this.reasonMetric('INTERNAL_ERROR', period)),
      CONFIG_ERROR: alarm('CONFIG_ERROR', this.reasonMetric('CONFIG_ERROR', period)),
      JWKS_UNAVAILABLE: alarm('JWKS_UNAVAILABLE', this.reasonMetric('JWKS_UNAVAILABLE', period)),
      REVOCATION_UNAVAILABLE: alarm('REVOCATION_UNAVAILABLE', this.reasonMetric('REVOCATION_UNAVAILABLE', period)),
      API_5XX: alarm('API_5XX', props.stage.metricServerError({ period, statistic: cloudwatch.Stats.SUM })),
    };
    this.dashboard = this.createDashboard(props);
  }

  /** Count of decision lines with this reason. */
  private reasonMetric(reason: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: DECISION_METRICS.byReason,
      dimensionsMap: { reason },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }

  private createDashboard(props: AuthorizerMonitoringProps): cloudwatch.Dashboard {
    const minute = Duration.minutes(1);
    const decisions = DECISIONS.map(
      (decision) =>
        new cloudwatch.Metric({
          namespace: this.namespace,
          metricName: DECISION_METRICS.byDecision,
          dimensionsMap: { decision },
          statistic: cloudwatch.Stats.SUM,
          period: minute,
          label: decision,
        }),
    );
    const reasons = new cloudwatch.MathExpression({
      expression: `SEARCH('{"${this.namespace}",reason} MetricName="${DECISION_METRICS.byReason}"', 'Sum', 60)`,
      label: '',
      period: minute,
    });
    const latency = ['p50', 'p99'].map((statistic) =>
      props.authorizerFunction.metricDuration({ statistic, period: minute, label: `authorizer ${statistic}` }),
    );
    const api = [
      props.stage.metricCount({ period: minute }),
      props.stage.metricClientError({ period: minute }),
      props.stage.metricServerError({ period: minute }),
    ];
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Authorizer decisions per minute (allow, deny, unauthorized)',
        left: decisions,
        width: 12,
      }),
      new cloudwatch.GraphWidget({ title: 'Authorizer decisions by reason per minute', left: [reasons], width: 12 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Authorizer latency (ms, Lambda duration)', left: latency, width: 12 }),
      new cloudwatch.GraphWidget({ title: 'API requests, 4xx and 5xx per minute', left: api, width: 12 }),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24 }),
    );
    return dashboard;
  }
}
