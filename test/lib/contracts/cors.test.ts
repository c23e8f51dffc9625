/** The one CORS policy of the deployed API and the local gateway. */
import { accessMap } from '../../../lib/contracts/access-map';
import {
  CorsConfigError,
  corsPolicy,
  gatewayResponseCorsHeaders,
  localAllowedOrigins,
  preflightHeaders,
  responseCorsHeaders,
} from '../../../lib/contracts/cors';

describe('corsPolicy', () => {
  it('allows the routes’ methods, the bearer and JSON headers, and credentials', () => {
    expect(corsPolicy(['http://localhost:3000'], accessMap)).toEqual({
      allowOrigins: ['http://localhost:3000'],
      allowHeaders: ['Authorization', 'Content-Type', 'If-Match'],
      allowMethods: ['POST', 'GET', 'DELETE', 'PUT'],
      allowCredentials: true,
    });
  });

  it.each([
    [[], /at least one/],
    [['*'], /not an origin/],
    [['http://localhost:3000/'], /not an origin/],
    [['https://app.example.com/callback'], /not an origin/],
    [['app.example.com'], /not an origin/],
    [['ftp://app.example.com'], /not an origin/],
  ])('refuses %j at synth', (origins, message) => {
    expect(() => corsPolicy(origins, accessMap)).toThrow(CorsConfigError);
    expect(() => corsPolicy(origins, accessMap)).toThrow(message);
  });

  it('accepts ports and IPv6 loopback, and drops repeats', () => {
    expect(
      corsPolicy(['https://a.example:8443', 'http://[::1]:3000', 'https://a.example:8443'], accessMap).allowOrigins,
    ).toEqual(['https://a.example:8443', 'http://[::1]:3000']);
  });
});

describe('preflight answers, as CDK’s mock integration gives them', () => {
  const policy = corsPolicy(['https://first.example', 'https://second.example'], accessMap);

  it('names the first origin, or the request’s when it is one of the others', () => {
    expect(preflightHeaders(policy, undefined)['Access-Control-Allow-Origin']).toBe('https://first.example');
    expect(preflightHeaders(policy, 'https://second.example')['Access-Control-Allow-Origin']).toBe(
      'https://second.example',
    );
    expect(preflightHeaders(policy, 'https://evil.example')['Access-Control-Allow-Origin']).toBe(
      'https://first.example',
    );
  });

  it('lists headers and methods, credentials and Vary', () => {
    expect(preflightHeaders(policy, 'https://first.example')).toEqual({
      'Access-Control-Allow-Headers': 'Authorization,Content-Type,If-Match',
      'Access-Control-Allow-Origin': 'https://first.example',
      Vary: 'Origin',
      'Access-Control-Allow-Methods': 'POST,GET,DELETE,PUT',
      'Access-Control-Allow-Credentials': 'true',
    });
  });

  it('gives gateway responses the first origin, statically', () => {
    expect(gatewayResponseCorsHeaders(policy)).toEqual({
      'Access-Control-Allow-Origin': 'https://first.example',
      Vary: 'Origin',
    });
  });
});

describe('a backend’s answer', () => {
  const origins = ['https://first.example', 'https://second.example'];

  it('lets an allowed origin read the review version and where a created review lives', () => {
    expect(responseCorsHeaders(origins, 'https://second.example')).toEqual({
      'Access-Control-Allow-Origin': 'https://second.example',
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'ETag,Location',
      Vary: 'Origin',
    });
  });

  it('exposes nothing to an origin that is not allowed, and sends no CORS headers without a policy', () => {
    expect(responseCorsHeaders(origins, 'https://evil.example')).toEqual({ Vary: 'Origin' });
    expect(responseCorsHeaders([], 'https://first.example')).toEqual({});
  });
});

it('allows the local system’s own origins on the port it runs on, first, then the configured ones', () => {
  expect(localAllowedOrigins(['http://localhost:3000', 'https://app.example.com'], 4100)).toEqual([
    'http://localhost:4100',
    'http://127.0.0.1:4100',
    'http://localhost:3000',
    'https://app.example.com',
  ]);
  expect(localAllowedOrigins(['http://localhost:3000'], 3000)).toEqual([
    'http://localhost:3000',
    'http://127.0.0.1:3000',
  ]);
});
