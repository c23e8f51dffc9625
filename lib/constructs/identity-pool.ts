import { Validations } from 'aws-cdk-lib';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { CfnIdentityPool, CfnIdentityPoolRoleAttachment } from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TOKEN_ROLE_MAPPING } from '../config/identity-pool';

export interface TokenRoleIdentityPoolProps {
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  /**
   * The identity pool's name.
   * @default a name CloudFormation generates
   */
  readonly identityPoolName?: string;
  /**
   * Guest (unauthenticated) identities, with a role of their own (no permissions until granted).
   * @default false: no unauthenticated identities and no unauthenticated role
   */
  readonly allowGuestAccess?: boolean;
}

/**
 * An identity pool for one user pool client that hands out the role the ID token prefers
 * (`cognito:preferred_role`, the highest-precedence group's role), denies ambiguous ones, and falls
 * back to a role with no permissions. Built from the L1 resources because the L2 `IdentityPool`
 * always creates an unauthenticated role, even with guest access off.
 *
 * Every role starts with no permissions; grant a group's role what its members may do from the app
 * with their identity-pool credentials, e.g. each reviewer their own folder of a bucket:
 *
 * ```ts
 * const identity = new CognitoIdentity(this, 'Identity', { config });
 * uploads.grantReadWrite(identity.groupRoles['reviewers-group'], 'reviews/${cognito-identity.amazonaws.com:sub}/*');
 * ```
 *
 * (`${cognito-identity.amazonaws.com:sub}` is the caller's identity id.) Users in no group get
 * `authenticatedRole`.
 */
export class TokenRoleIdentityPool extends Construct {
  readonly identityPoolId: string;
  /** The role of identities whose token prefers none (users in no group): no permissions. */
  readonly authenticatedRole: iam.Role;
  /** Only with guest access on. */
  readonly unauthenticatedRole?: iam.Role;

  constructor(scope: Construct, id: string, props: TokenRoleIdentityPoolProps) {
    super(scope, id);
    const allowGuestAccess = props.allowGuestAccess ?? false;
    const { userPool, userPoolClient } = props;
    const pool = new CfnIdentityPool(this, 'Resource', {
      identityPoolName: props.identityPoolName,
      allowUnauthenticatedIdentities: allowGuestAccess,
      cognitoIdentityProviders: [
        {
          clientId: userPoolClient.userPoolClientId,
          providerName: userPool.userPoolProviderName,
          serverSideTokenCheck: true,
        },
      ],
    });
    this.identityPoolId = pool.ref;

    this.authenticatedRole = new iam.Role(this, 'AuthenticatedRole', {
      description: 'Identities whose token names no group role (no permissions until you grant some)',
      assumedBy: this.principal('authenticated'),
    });
    const roles: Record<string, string> = { authenticated: this.authenticatedRole.roleArn };
    if (allowGuestAccess) {
      this.unauthenticatedRole = new iam.Role(this, 'UnauthenticatedRole', {
        description: 'Guest identities (no permissions until you grant some)',
        assumedBy: this.principal('unauthenticated'),
      });
      roles.unauthenticated = this.unauthenticatedRole.roleArn;
      Validations.of(pool).acknowledge({
        id: 'AwsSolutions-COG7',
        reason:
          'Guest access is turned on in the config (identityPool.allowGuestAccess); the guest role has no permissions until granted',
      });
    }
    new CfnIdentityPoolRoleAttachment(this, 'DefaultRoleAttachment', {
      identityPoolId: pool.ref,
      roles,
      roleMappings: {
        cognito: {
          ...TOKEN_ROLE_MAPPING,
          identityProvider: `${userPool.userPoolProviderName}:${userPoolClient.userPoolClientId}`,
        },
      },
    });
  }

  /** Identities of this pool only, and only of the given kind (`authenticated` or `unauthenticated`). */
  principal(kind: 'authenticated' | 'unauthenticated'): iam.IPrincipal {
    return new iam.FederatedPrincipal(
      'cognito-identity.amazonaws.com',
      {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPoolId },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': kind },
      },
      'sts:AssumeRoleWithWebIdentity',
    );
  }
}
