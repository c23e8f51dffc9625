/** Reads a JWT's claims without verifying it: for display and expiry hints only, never for trust. */
export function decodeClaims(jwt: string): Record<string, unknown> | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function expiresAt(jwt: string): number {
  const exp = decodeClaims(jwt)?.exp;
  return typeof exp === 'number' ? exp : 0;
}
