/**
 * The Hosted UI's Cognito domain prefix (`<prefix>.auth.<region>.amazoncognito.com`): the rules
 * CreateUserPoolDomain enforces at deploy time (CDK checks only the character set), and the default
 * prefix, unique per app, stage and account because prefixes are global per region.
 *
 * Must stay free of aws-cdk-lib imports.
 */

/** Cognito rejects a prefix containing any of these ("Domain cannot contain reserved word: cognito"). */
export const RESERVED_DOMAIN_WORDS = ['aws', 'amazon', 'cognito'] as const;

const MAX_LENGTH = 63;
/** Cognito's `^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`, with the length checked on its own. */
const PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Stands in for the account when it is only known at deploy time (an env-agnostic synth). */
export const PLACEHOLDER_ACCOUNT = '123456789012';

/** Every rule the prefix breaks, each as the end of a sentence about it. */
export function domainPrefixProblems(prefix: string): string[] {
  const problems: string[] = [];
  if (prefix.length < 1 || prefix.length > MAX_LENGTH) {
    problems.push(`must be 1 to ${MAX_LENGTH} characters long (it has ${prefix.length})`);
  }
  if (prefix.length > 0 && !PATTERN.test(prefix)) {
    problems.push('must be lowercase letters, digits and hyphens, starting and ending with a letter or digit');
  }
  for (const word of RESERVED_DOMAIN_WORDS) {
    if (prefix.includes(word)) {
      problems.push(
        `must not contain the reserved word "${word}" (Cognito rejects prefixes containing ${RESERVED_DOMAIN_WORDS.join(', ')})`,
      );
    }
  }
  return problems;
}

/**
 * The app name as a prefix part: kebab-case, with the reserved words taken out
 * (`CognitoJwtApi` → `jwt-api`), so the default never carries them.
 */
export function appSlug(appName: string): string {
  let slug = appName
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-');
  // Replaced by a hyphen, not removed: joining the letters around a word could form another one ("aawsws").
  for (const word of RESERVED_DOMAIN_WORDS) slug = slug.split(word).join('-');
  return slug.replace(/-+/g, '-').replace(/^-|-$/g, '') || 'app';
}

/**
 * The default prefix `<app>-<stage>-<account>`; `account` may be a deploy-time token (12 digits when
 * deployed). A long app name is shortened so the whole stays within 63 characters.
 */
export function defaultDomainPrefix(appName: string, stage: string, account: string): string {
  const room = MAX_LENGTH - PLACEHOLDER_ACCOUNT.length - stage.length - 2;
  const app = appSlug(appName).slice(0, room).replace(/-$/, '');
  return `${app}-${stage}-${account}`;
}
