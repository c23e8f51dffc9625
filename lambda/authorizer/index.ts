/**
 * Lambda entry point: configuration is read once per cold start, and the JWKS download and the
 * revocation check's first (full) read start here, during Init, side by side, instead of inside
 * the first request. A cold start pays for them either way (the same CPU: `npm run bench`,
 * cold_first_decision_ms), but begun at Init they overlap each other and the runtime handing over
 * the first event, and an environment Lambda initializes ahead of traffic serves its first request
 * warm. The handler is exported before they end; the first request waits for the same download and
 * read instead of starting others. The read is for no token: it fetches what every check needs.
 */
import { createAuthorizerFromEnv } from './handler';

export const handler = createAuthorizerFromEnv(process.env);
void handler.prefetch();
