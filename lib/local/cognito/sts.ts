/**
 * The local STS: `GetCallerIdentity` (awsQuery, the protocol of the SDK v3 STS client) for the
 * credentials the local Cognito Identity issued. The caller is known by the access key id and
 * session token, and proven by the SigV4 signature made with the secret issued with them.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOCAL_ACCOUNT_ID, roleNameOf } from '../../config/identity-pool';
import type { CredentialGrant, CredentialIssuer } from './aws-credentials';
import { readBody } from './http';
import { hasValidSignature, parseSigV4Authorization } from './sigv4';

/** The path the local STS answers on (`StsEndpoint` is `<local Cognito>/sts`). */
export const STS_PATH = '/sts';

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** How far a request's `X-Amz-Date` may be from now (AWS's limit). */
const MAX_SKEW_SECONDS = 15 * 60;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The caller the signed request proves, or an StsError as AWS answers it. */
function callerOf(credentials: CredentialIssuer, request: IncomingMessage, body: string, now: number): CredentialGrant {
  const authorization = parseSigV4Authorization(request.headers.authorization);
  if (!authorization) throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const sessionToken = request.headers['x-amz-security-token'];
  const held =
    typeof sessionToken === 'string' ? credentials.check(authorization.accessKeyId, sessionToken) : undefined;
  if (!held) throw new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  const signed = { method: request.method ?? 'POST', url: request.url ?? '/', headers: request.headers, body };
  if (authorization.service !== 'sts' || !hasValidSignature(signed, authorization, held.secretAccessKey))
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  const date = AMZ_DATE.exec(String(request.headers['x-amz-date']));
  const signedAt = date ? Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]) / 1000 : NaN;
  if (!(Math.abs(now - signedAt) <= MAX_SKEW_SECONDS))
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      'Signature expired: the request was signed more than 15 minutes away from now.',
    );
  return held.grant;
}

/** A role's unique id as IAM shows it (`AROA…`): stable for the role ARN. */
function roleId(roleArn: string): string {
  return `AROA${createHash('sha256').update(roleArn).digest('hex').toUpperCase().slice(0, 17)}`;
}

/** `now`: epoch seconds. */
export async function serveSts(
  credentials: CredentialIssuer,
  now: () => number,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const requestId = randomUUID();
  const send = (status: number, xml: string): void => {
    response.writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': requestId });
    response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  };
  const body = await readBody(request);
  try {
    const action = new URLSearchParams(body).get('Action');
    if (action !== 'GetCallerIdentity')
      throw new StsError(400, 'InvalidAction', `The local STS does not serve ${action ?? 'this request'}`);
    const { roleArn, sessionName } = callerOf(credentials, request, body, now());
    const arn = `arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`;
    send(
      200,
      `<GetCallerIdentityResponse xmlns="${XMLNS}"><GetCallerIdentityResult><Arn>${arn}</Arn>` +
        `<UserId>${roleId(roleArn)}:${sessionName}</UserId><Account>${LOCAL_ACCOUNT_ID}</Account>` +
        `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
        `</GetCallerIdentityResponse>`,
    );
  } catch (error) {
    if (!(error instanceof StsError)) throw error;
    send(
      error.status,
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>${error.code}</Code>` +
        `<Message>${error.message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}
