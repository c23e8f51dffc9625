/**
 * Whether a policy resource can match a request of a route: exact for every parameter value, where
 * one sample value (`x`) would miss a parameter taking a literal's value.
 */
import { patternMatchesRoute } from '../../../lambda/authorizer/resource-overlap';

it.each([
  ['/PATCH/a/*', '/PATCH/{id}/a/a', true, "the parameter takes 'a'"],
  ['/PATCH/a/*', '/PATCH/x/{id}', false, 'the literal x never equals a'],
  ['/GET/*/b', '/GET/a/{rest+}', true, 'a greedy parameter can end in /b'],
  ['/GET/*/b', '/GET/a/{id}', true, "the parameter takes 'b'"],
  ['/GET/*/b', '/GET/a', false, 'nothing after /a'],
  ['/GET/a', '/GET/{id}', true, "the parameter takes 'a'"],
  ['/GET/a/b', '/GET/{id}', false, 'a parameter never holds /'],
  ['/GET/*/*/b', '/GET/a/{id}/b', true, 'stars may match single segments'],
  ['/GET/a/*/b', '/GET/a/b', false, 'the route has no segment between a and b'],
  ['/*', '/DELETE/x', true, 'everything'],
  ['/GET/?', '/GET/{id}', true, 'a one-character value'],
  ['/GET/?', '/GET/', false, '? needs one character'],
  ['/POST/a', '/GET/a', false, 'another method'],
])('%s against %s: %s (%s)', (pattern, route, expected) => {
  expect(patternMatchesRoute(pattern, route)).toBe(expected);
});
