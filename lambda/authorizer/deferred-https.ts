/**
 * Stands in for `https` inside the authorizer bundle only (lib/config/bundling.ts aliases it here).
 * aws-jwt-verify loads `https` at import time for its default JWKS fetcher, which the authorizer
 * never uses (it fetches with BoundedJwksFetcher, which loads `node:http`/`node:https` on first use).
 * Loading https drags in tls, net and http: ≈ 5–8 ms of every cold start on the benchmark machine.
 * This keeps aws-jwt-verify's fetcher working — it calls only `request` — and loads the real module
 * on first call.
 */
import type * as Https from 'node:https';

export const request = ((...args: Parameters<typeof Https.request>) =>
  (require('node:https') as typeof Https).request(...args)) as typeof Https.request;
