/**
 * The documentation holds together: every relative link in the repository's Markdown resolves (file,
 * folder, or a heading of another Markdown file), and the README links every page of docs/.
 * Reads files only: no network, no child process.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { anchorsIn, brokenLinks, headingSlug, linksIn, markdownFiles } from './markdown-links';

const ROOT = resolve(__dirname, '../..');
const files = markdownFiles(ROOT);

describe('relative links in the Markdown files', () => {
  it('finds the README, bench/README.md and the docs', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', join('bench', 'README.md'), join('docs', 'api.md')]));
  });

  it.each(files)('%s: every relative link resolves', (file) => {
    const broken = brokenLinks(ROOT, file).map(
      ({ line, target, problem }) => `${file}:${line} (${target}): ${problem}`,
    );
    expect(broken).toEqual([]);
  });

  it('README.md stays a map: at most 250 lines, the details in docs/', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(250);
  });

  it('README.md links every page of docs/', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = new Set(linksIn(readme).map(({ target }) => relative(ROOT, resolve(ROOT, target.split('#')[0]))));
    const docs = files.filter((file) => file.split(sep)[0] === 'docs');
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.filter((doc) => !linked.has(doc))).toEqual([]);
  });
});

describe('the link checker', () => {
  const root = mkdtempSync(join(tmpdir(), 'md-links-'));
  mkdirSync(join(root, 'docs'));
  writeFileSync(
    join(root, 'docs', 'guide.md'),
    ['# Guide', '## The `bound` (50 s)', '## Setup', '## Setup', '<a id="custom"></a>', ''].join('\n'),
  );
  writeFileSync(join(root, 'code.ts'), '');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const check = (markdown: string) => {
    writeFileSync(join(root, 'README.md'), markdown);
    return brokenLinks(root, 'README.md').map(({ target, problem }) => `${target}: ${problem}`);
  };

  it('accepts files, folders, headings (repeats numbered) and explicit anchors', () => {
    const markdown = [
      '[a](code.ts) [b](docs/) [c](docs/guide.md#the-bound-50-s) ![d](docs/guide.md#setup-1)',
      '[e](docs/guide.md#custom) [f](#top) [g](https://example.com/nothing) [h](<docs/guide.md>)',
      '[ref]: docs/guide.md#setup',
      '# Top',
    ].join('\n');
    expect(check(markdown)).toEqual([]);
  });

  it('names a missing file, a missing heading and a path outside the repository', () => {
    const markdown = '[a](docs/gone.md) [b](docs/guide.md#nowhere) [c](#nothing-here) [d](../elsewhere.md)';
    expect(check(markdown)).toEqual([
      `docs/gone.md: no such file: ${join('docs', 'gone.md')}`,
      `docs/guide.md#nowhere: no heading #nowhere in ${join('docs', 'guide.md')}`,
      '#nothing-here: no heading #nothing-here in README.md',
      '../elsewhere.md: points outside the repository',
    ]);
  });

  it('ignores what only looks like a link in code', () => {
    const markdown = ['`[x](missing.md)` and `^[a-z0-9](?:[a-z]{0,6})$`', '```', '[y](missing.md)', '```'].join('\n');
    expect(check(markdown)).toEqual([]);
  });

  it('makes anchors as GitHub does', () => {
    expect(headingSlug('Sign-out and revocation')).toBe('sign-out-and-revocation');
    expect(headingSlug('`POST /auth/logout` — [the route](api.md)')).toBe('post-authlogout--the-route');
    expect([...anchorsIn('# A\n# A\n```\n# not a heading\n```\n')]).toEqual(['a', 'a-1']);
  });
});
