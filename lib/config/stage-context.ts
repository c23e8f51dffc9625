/**
 * The stage's configuration from the CDK context (`-c key=value`): `stage`, `domainPrefix`,
 * `callbackUrls`, `logoutUrls`, `allowedOrigins` (the lists comma-separated), `threatProtection`
 * (off, audit, enforced) and `alarmEmail`. `dev` keeps its
 * localhost defaults; every other stage must be given the three URL lists. Everything is validated
 * here, so `cdk synth` fails with one line naming the context key and the rule it broke.
 *
 * Must stay free of aws-cdk-lib imports: lib/app.ts hands in a reader of the context.
 */
import {
  DEV_STAGE,
  STAGE_PATTERN,
  THREAT_PROTECTION_MODES,
  configFor,
  isThreatProtection,
  type AppConfig,
  type StageSettings,
} from './app-config';
import { assertNoProblems } from './config-error';
import { domainPrefixProblems } from './domain-prefix';
import { stageProblem, urlListProblems, validateConfig, type UrlKind } from './validation';

export type ContextReader = (key: string) => unknown;

type UrlListKey = 'callbackUrls' | 'logoutUrls' | 'allowedOrigins';

const URL_LISTS: ReadonlyArray<{ key: UrlListKey; kind: UrlKind; example: string }> = [
  { key: 'callbackUrls', kind: 'url', example: 'https://app.example.com/callback' },
  { key: 'logoutUrls', kind: 'url', example: 'https://app.example.com/' },
  { key: 'allowedOrigins', kind: 'origin', example: 'https://app.example.com' },
];

/** The validated configuration of the stage the context names (default `dev`); throws one ConfigError. */
export function configFromContext(read: ContextReader): AppConfig {
  const stage = read('stage') ?? DEV_STAGE;
  if (typeof stage !== 'string' || !STAGE_PATTERN.test(stage))
    assertNoProblems([stageProblem('Context "stage"', show(stage))]);
  const name = show(stage);
  const problems: string[] = [];
  const settings: { -readonly [K in keyof StageSettings]: StageSettings[K] } = {};
  for (const { key, kind, example } of URL_LISTS) {
    const list = parseList(read(key));
    if (list === undefined) {
      if (name !== DEV_STAGE)
        problems.push(
          `Context "${key}" is required for stage "${name}": pass -c ${key}=${example} (comma-separated for several)`,
        );
      continue;
    }
    problems.push(...urlListProblems(`Context "${key}"`, list, name, kind));
    settings[key] = list;
  }
  const domainPrefix = read('domainPrefix');
  if (domainPrefix !== undefined) {
    const prefix = show(domainPrefix);
    problems.push(...domainPrefixProblems(prefix).map((rule) => `Context "domainPrefix" ("${prefix}") ${rule}`));
    settings.domainPrefix = prefix;
  }
  const threatProtection = read('threatProtection');
  if (threatProtection !== undefined) {
    if (isThreatProtection(threatProtection)) settings.threatProtection = threatProtection;
    else
      problems.push(
        `Context "threatProtection" must be one of ${THREAT_PROTECTION_MODES.join(', ')}; got "${show(threatProtection)}"`,
      );
  }
  const alarmEmail = read('alarmEmail');
  if (alarmEmail !== undefined) settings.alarmEmail = show(alarmEmail);
  assertNoProblems(problems);
  const config = configFor(name, settings);
  assertNoProblems(validateConfig(config));
  return config;
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** `a,b` (from `-c`) or `["a","b"]` (from cdk.json); blanks dropped; undefined when nothing is given. */
function parseList(value: unknown): string[] | undefined {
  const items = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(',') : [];
  const list = items.map((item) => item.trim()).filter((item) => item !== '');
  return list.length > 0 ? list : undefined;
}
