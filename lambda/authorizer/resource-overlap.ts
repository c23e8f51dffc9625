/**
 * Whether an IAM resource pattern (`*`: any run of characters, `/` included; `?`: one character)
 * matches at least one request a route can receive (a `{param}` is one or more characters other
 * than `/`, a greedy `{param+}` one or more of any). Exact, not sampled: a parameter may take any
 * literal's value, so testing one sample value misses matches. Both sides are small automata; this
 * walks their product.
 */

type PatternToken = { readonly kind: 'char'; readonly char: string } | { readonly kind: 'star' | 'one' };
type RouteToken = { readonly kind: 'char'; readonly char: string } | { readonly kind: 'segment' | 'greedy' };

function patternTokens(pattern: string): PatternToken[] {
  return [...pattern].map((char) =>
    char === '*' ? { kind: 'star' } : char === '?' ? { kind: 'one' } : { kind: 'char', char },
  );
}

/** `request`: `/<METHOD><route path>`, parameters in braces. */
function routeTokens(request: string): RouteToken[] {
  const tokens: RouteToken[] = [];
  for (const part of request.split(/(\{[^}]+\})/)) {
    if (part.startsWith('{')) tokens.push({ kind: part.endsWith('+}') ? 'greedy' : 'segment' });
    else for (const char of part) tokens.push({ kind: 'char', char });
  }
  return tokens;
}

/** Whether one character can be consumed by both tokens at once. */
function compatible(pattern: PatternToken, route: RouteToken): boolean {
  if (pattern.kind === 'char' && route.kind === 'char') return pattern.char === route.char;
  if (pattern.kind === 'char' && route.kind === 'segment') return pattern.char !== '/';
  return true;
}

export function patternMatchesRoute(pattern: string, route: string): boolean {
  const p = patternTokens(pattern);
  const r = routeTokens(route);
  // State: position in each, and whether the route's current parameter has taken a character yet.
  const seen = new Set<number>();
  const stack: Array<[number, number, boolean]> = [[0, 0, false]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [i, j, inParameter] = top;
    const key = (i * (r.length + 1) + j) * 2 + (inParameter ? 1 : 0);
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === p.length && j === r.length && !inParameter) return true;
    // Moves that consume nothing: a star matching no more; a parameter that has taken a character ending.
    if (i < p.length && p[i].kind === 'star') stack.push([i + 1, j, inParameter]);
    if (inParameter) stack.push([i, j + 1, false]);
    if (i >= p.length || j >= r.length || !compatible(p[i], r[j])) continue;
    // Consume one character on both sides: a star and a parameter may go on taking more.
    const nextI = p[i].kind === 'star' ? i : i + 1;
    if (r[j].kind === 'char') stack.push([nextI, j + 1, false]);
    else stack.push([nextI, j, true]);
  }
  return false;
}
