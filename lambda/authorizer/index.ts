/**
 * Lambda entry point: configuration is read once per cold start, and the JWKS download starts
 * here, during Init, instead of inside the first request. A cold start pays for it either way
 * (≈ the same CPU, measured by `npm run bench`: cold_first_decision_ms), but begun at Init it
 * overlaps the runtime handing over the first event, and an environment Lambda initializes ahead
 * of traffic serves its first request warm. The handler is exported before the download ends; the
 * first request waits for the same download instead of starting another.
 */
import { createAuthorizerFromEnv } from './handler';

export const handler = createAuthorizerFromEnv(process.env);
void handler.prefetch();
