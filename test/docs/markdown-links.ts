/**
 * Relative links in Markdown, checked against the working tree: a linked file or folder must exist,
 * and an `#anchor` must name a heading (or an explicit `<a id>`/`<a name>`) of the Markdown file it
 * points into. Links with a scheme (https:, mailto:) are not followed: no network.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

export interface BrokenLink extends MarkdownLink {
  readonly problem: string;
}

/** Folders that hold no documentation of ours (dependencies, build output, local state). */
const SKIPPED_FOLDERS = new Set(['node_modules', 'cdk.out', 'coverage']);
const FENCE = /^\s{0,3}(```|~~~)/;
const INLINE_CODE = /(`+)[^`]*?\1/g;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+["'(][^)]*)?\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const HTML_ANCHOR = /<a\s[^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']/gi;

/** Every `*.md` under `root` (dot folders and SKIPPED_FOLDERS left out), as paths relative to it. */
export function markdownFiles(root: string, folder = root): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) return [];
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return markdownFiles(root, path);
    return entry.name.endsWith('.md') ? [relative(root, path)] : [];
  });
}

interface ProseLine {
  readonly line: number;
  readonly raw: string;
  /** The line with its inline code spans blanked out. */
  readonly prose: string;
}

/** The lines of a Markdown text outside fenced code blocks. */
function proseLines(text: string): ProseLine[] {
  const lines: ProseLine[] = [];
  let fence: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const opener = FENCE.exec(raw)?.[1];
    if (fence !== undefined) {
      if (opener === fence) fence = undefined;
      return;
    }
    if (opener !== undefined) {
      fence = opener;
      return;
    }
    lines.push({ line: index + 1, raw, prose: raw.replace(INLINE_CODE, (span) => ' '.repeat(span.length)) });
  });
  return lines;
}

/** Inline links, images and reference definitions, in order. */
export function linksIn(text: string): MarkdownLink[] {
  return proseLines(text).flatMap(({ line, prose }) => {
    const definition = REFERENCE_DEFINITION.exec(prose)?.[1];
    const targets = definition ? [definition] : [...prose.matchAll(INLINE_LINK)].map((match) => match[1]);
    return targets.map((target) => ({ line, target: target.replace(/^<|>$/g, '') }));
  });
}

/** GitHub's anchor for a heading: the rendered text lower-cased, punctuation dropped, spaces as hyphens. */
export function headingSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '');
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown text offers: heading slugs (repeats get -1, -2, … as on GitHub) and HTML ids. */
export function anchorsIn(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { raw, prose } of proseLines(text)) {
    const heading = HEADING.exec(raw)?.[1];
    if (heading !== undefined) {
      const slug = headingSlug(heading);
      const repeats = seen.get(slug) ?? 0;
      seen.set(slug, repeats + 1);
      anchors.add(repeats === 0 ? slug : `${slug}-${repeats}`);
    }
    for (const match of prose.matchAll(HTML_ANCHOR)) anchors.add(match[1]);
  }
  return anchors;
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/** The relative links of `file` (a path under `root`) that do not resolve, each with what is wrong. */
export function brokenLinks(root: string, file: string): BrokenLink[] {
  const source = resolve(root, file);
  const text = readFileSync(source, 'utf8');
  return linksIn(text).flatMap((link): BrokenLink[] => {
    if (isExternal(link.target)) return [];
    const hashAt = link.target.indexOf('#');
    const pathPart = hashAt < 0 ? link.target : link.target.slice(0, hashAt);
    const anchor = hashAt < 0 ? undefined : decodeURIComponent(link.target.slice(hashAt + 1));
    const path = pathPart === '' ? source : resolve(dirname(source), decodeURIComponent(pathPart.split('?')[0]));
    if (relative(root, path).startsWith('..')) return [{ ...link, problem: 'points outside the repository' }];
    if (!existsSync(path)) return [{ ...link, problem: `no such file: ${relative(root, path)}` }];
    if (anchor === undefined || anchor === '' || !path.endsWith('.md') || statSync(path).isDirectory()) return [];
    const anchors = path === source ? anchorsIn(text) : anchorsIn(readFileSync(path, 'utf8'));
    return anchors.has(anchor) ? [] : [{ ...link, problem: `no heading #${anchor} in ${relative(root, path)}` }];
  });
}
