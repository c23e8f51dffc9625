/**
 * Lambda entry point: configuration is read once per cold start, and the JWKS download starts
 * here, during Init, instead of inside the first request. A cold start pays for it either way (the
 * same CPU: `npm run bench`, cold_first_decision_ms), but begun at Init it overlaps the runtime
 * handing over the first event, and an environment Lambda initializes ahead of traffic serves its
 * first request warm. The handler is exported before it ends; the first request waits for the same
 * download instead of starting another. The revocation store is not read here: a read is for a
 * verified token (lambda/revocation/check.ts).
 */
import { createAuthorizerFromEnv } from './handler';

export const handler = createAuthorizerFromEnv(process.env);
void handler.prefetch();
