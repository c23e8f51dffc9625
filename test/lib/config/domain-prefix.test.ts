/** The Hosted UI domain prefix: Cognito's rules and the default that never breaks them. */
import * as fc from 'fast-check';
import {
  PLACEHOLDER_ACCOUNT,
  RESERVED_DOMAIN_WORDS,
  appSlug,
  defaultDomainPrefix,
  domainPrefixProblems,
} from '../../../lib/config/domain-prefix';

it('takes the reserved words out of the app name: "CognitoJwtApi" does not leak "cognito"', () => {
  expect(appSlug('CognitoJwtApi')).toBe('jwt-api');
  expect(defaultDomainPrefix('CognitoJwtApi', 'prod', '123456789012')).toBe('jwt-api-prod-123456789012');
  expect(appSlug('MyAwsAmazonShop')).toBe('my-shop');
  expect(appSlug('aawsws')).toBe('a-ws'); // a hyphen where "aws" was: no new word forms from the rest
  expect(appSlug('Cognito')).toBe('app');
});

it('derives a valid prefix from any app name and stage name the config allows', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,31}$/),
      fc.stringMatching(/^[a-z][a-z0-9]{0,15}$/),
      (appName, stage) => {
        const prefix = defaultDomainPrefix(appName, stage, PLACEHOLDER_ACCOUNT);
        const problems = domainPrefixProblems(prefix);
        // Only the stage can bring a reserved word in: the app slug never does.
        const stageWords = RESERVED_DOMAIN_WORDS.filter(
          (word) => `${appSlug(appName)}-${stage}`.includes(word) && !appSlug(appName).includes(word),
        );
        expect(problems).toEqual(stageWords.map((word) => expect.stringContaining(`"${word}"`)));
        for (const word of RESERVED_DOMAIN_WORDS) expect(appSlug(appName)).not.toContain(word);
      },
    ),
  );
});

it('shortens a long app name to stay within 63 characters', () => {
  const prefix = defaultDomainPrefix('VeryLongApplicationNameWithManyParts', 'longeststagename', PLACEHOLDER_ACCOUNT);
  expect(prefix).toBe('very-long-application-name-with-m-longeststagename-123456789012');
  expect(domainPrefixProblems(prefix)).toEqual([]);
});

it('lists every broken rule', () => {
  expect(domainPrefixProblems('valid-prefix-1')).toEqual([]);
  expect(domainPrefixProblems('Amazon_AWS')).toEqual([
    'must be lowercase letters, digits and hyphens, starting and ending with a letter or digit',
  ]);
  expect(domainPrefixProblems('x-aws-amazon-cognito')).toEqual(
    RESERVED_DOMAIN_WORDS.map(
      (word) =>
        `must not contain the reserved word "${word}" (Cognito rejects prefixes containing aws, amazon, cognito)`,
    ),
  );
  expect(domainPrefixProblems('a'.repeat(63))).toEqual([]);
  expect(domainPrefixProblems('a'.repeat(64))).toEqual(['must be 1 to 63 characters long (it has 64)']);
});
