import { Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { WafConfig } from '../config/app-config';

export interface ApiWafProps {
  /** ARN of the REST API stage the web ACL is associated with. */
  readonly stageArn: string;
  /** The stage's name as written in request paths (a literal: WAF matches paths against it). */
  readonly stageName: string;
  readonly config: WafConfig;
  /** Web ACL name (its metrics are named after it). */
  readonly name: string;
}

/** The rules of the web ACL, by name (the names are also their CloudWatch metric names). */
export const WAF_RULES = {
  authRateLimit: 'auth-rate-limit-per-ip',
  ipReputation: 'aws-ip-reputation-list',
} as const;

/**
 * The managed rule groups the web ACL uses. Only ones that judge where a request comes from, never
 * what it carries: AWS's Common Rule Set would block requests the access map allows (bodies over
 * 8 KB, reviews quoting HTML or SQL, clients without a User-Agent), so it is left out.
 */
export const WAF_MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList'] as const;

/**
 * An AWS WAF web ACL on the API stage (≈ $5 a month, $1 per rule a month, $0.60 per million
 * requests): every request is allowed unless one source IP sends more than `authRateLimit` requests
 * to `/auth/*` within the window (password guessing), or comes from an address on AWS's IP
 * reputation list.
 */
export class ApiWaf extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiWafProps) {
    super(scope, id);
    if (Token.isUnresolved(props.stageName))
      throw new Error('ApiWaf: stageName must be a literal (WAF matches request paths against it)');
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        {
          name: WAF_RULES.authRateLimit,
          priority: 0,
          action: { block: {} },
          visibilityConfig: visibility(WAF_RULES.authRateLimit),
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.config.authRateLimit,
              evaluationWindowSec: props.config.evaluationWindowSeconds,
              scopeDownStatement: authPathStatement(props.stageName),
            },
          },
        },
        {
          name: WAF_RULES.ipReputation,
          priority: 1,
          overrideAction: { none: {} },
          visibilityConfig: visibility(WAF_RULES.ipReputation),
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: WAF_MANAGED_RULE_GROUPS[0] },
          },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}

/**
 * Requests to `/auth/…` as WAF sees them on the execute-api endpoint: the path starts with the stage
 * name. A custom domain with a base path mapping changes that prefix (README › WAF).
 */
function authPathStatement(stageName: string): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { uriPath: {} },
      positionalConstraint: 'STARTS_WITH',
      searchString: `/${stageName}/auth/`.toLowerCase(),
      textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
    },
  };
}
