/**
 * The repository stands on its own: no tracked file names a path outside it, and every section
 * link into docs/contracts (and between Markdown pages) names a heading that exists. Someone who
 * clones icsync must be able to open everything the code, docs and tests point at.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorLinks, anchorsOf, githubSlug, outsideReferences } from './outside-references.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Files allowed to name the outside paths:
 * - `.ci/run` may use the development machine's shared folder when it is present, and says so there;
 * - this test and its helper spell the forbidden patterns out.
 */
const ALLOWED = new Set(['.ci/run', 'test/repo/self-contained.test.ts', 'test/repo/outside-references.ts']);

function trackedFiles(): string[] {
  // Fails loudly outside a git checkout rather than passing with nothing to check.
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.split('\0').filter((name) => name !== '' && existsSync(join(ROOT, name)));
}

/** Text of a tracked file, or undefined for a binary one (a NUL byte in its first 8 KiB). */
function textOf(file: string): string | undefined {
  const bytes = readFileSync(join(ROOT, file));
  if (bytes.subarray(0, 8192).includes(0)) return undefined;
  return bytes.toString('utf8');
}

/** No tracked files: the rules alone. */
const NONE: ReadonlySet<string> = new Set();

describe('outside references are recognised', () => {
  it.each([
    ['Source of every API fact: /work/shared/icenter/CONTRACT.md (tags CAP / CODE / INF).'],
    ['see ../shared/magento/samples/order.json'],
    ['Behaviour follows `shared/magento/CONTRACT.md` (sections in brackets).'],
    ['// One warehouse per call [INF, CONTRACT §3.2].'],
    ['the way the contract §3.6 prefers'],
    ['| `asyncConsumer` | off | consumer running (§8) |'],
    ['written from README-swagger.md'],
    ['const file = "/work/wt/i16/data/x.json";'],
    ['shared\\minimax\\MODULES.md'],
  ])('flags %s', (line) => {
    expect(outsideReferences(line, NONE)).not.toEqual([]);
  });

  it.each([
    ['Source of every API fact: docs/contracts/icenter.md#sales-orders.'],
    ['test/contract/shop-port holds the port conformance kit'],
    ['the REST contract of the icsync module (docs/magento-module-api.md)'],
    ['https://github.com/org/repo/work/branch is a URL, not a path of this machine'],
    ['signature base string as in RFC 5849 §3.4.1'],
    ['week dates as ISO 8601 §4.1.4 defines them'],
    ['sqlite:./data/icsync.db'],
  ])('leaves %s alone', (line) => {
    expect(outsideReferences(line, NONE)).toEqual([]);
  });

  it('does not flag a shared-folder file name once the repository holds that file', () => {
    expect(outsideReferences('copied from anchors.md', new Set(['anchors.md']))).toEqual([]);
    expect(outsideReferences('copied from anchors.md', NONE)).toHaveLength(1);
  });
});

describe('section anchors', () => {
  it('are the ones GitHub makes from headings', () => {
    expect(githubSlug('OAuth 1.0a signing')).toBe('oauth-10a-signing');
    expect(githubSlug('What `icsync doctor` already checks')).toBe('what-icsync-doctor-already-checks');
    expect(githubSlug('Dates, times and numbers')).toBe('dates-times-and-numbers');
    const anchors = anchorsOf('# Title\n## Errors\n```sh\n# not a heading\n```\n## Errors\n<a id="custom"></a>\n');
    expect([...anchors].sort()).toEqual(['custom', 'errors', 'errors-1', 'title']);
  });

  it('finds section links in code and in Markdown', () => {
    expect(anchorLinks('src/x.ts', '// see docs/contracts/icenter.md#stock and [x](#y)')).toEqual([{ target: 'docs/contracts/icenter.md', anchor: 'stock', line: 1 }]);
    expect(anchorLinks('docs/contracts/verify.md', '[a](../OPERATIONS.md#doctor) [b](#magento) [c](https://example.com/#x)')).toEqual([
      { target: 'docs/OPERATIONS.md', anchor: 'doctor', line: 1 },
      { target: 'docs/contracts/verify.md', anchor: 'magento', line: 1 },
    ]);
  });
});

describe('the repository', () => {
  const files = trackedFiles();
  /** Base names of the tracked files: a shared-folder file name is fine once the repository holds that file. */
  const NAMES = new Set(files.map((file) => basename(file)));

  it('is a git checkout with files to check', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('docs/contracts/icenter.md');
  });

  it('names no path outside itself in any tracked file (.ci/run excepted)', () => {
    const problems: string[] = [];
    for (const file of files) {
      if (ALLOWED.has(file)) continue;
      const text = textOf(file);
      if (text === undefined) continue;
      for (const finding of outsideReferences(text, NAMES)) problems.push(`${file}:${finding.line}: ${finding.why}: ${finding.text}`);
    }
    expect(problems, `Point at docs/contracts/<system>.md#<section> instead:\n${problems.join('\n')}`).toEqual([]);
  });

  it('links only to sections that exist', () => {
    const anchorCache = new Map<string, Set<string> | undefined>();
    const anchorsAt = (target: string): Set<string> | undefined => {
      if (!anchorCache.has(target)) {
        const path = join(ROOT, target);
        anchorCache.set(target, existsSync(path) ? anchorsOf(readFileSync(path, 'utf8')) : undefined);
      }
      return anchorCache.get(target);
    };
    const problems: string[] = [];
    for (const file of files) {
      const text = textOf(file);
      if (text === undefined || ALLOWED.has(file)) continue;
      for (const link of anchorLinks(file, text)) {
        if (!link.target.endsWith('.md')) continue;
        const anchors = anchorsAt(link.target);
        if (anchors === undefined) problems.push(`${file}:${link.line}: ${link.target} does not exist`);
        else if (!anchors.has(link.anchor)) problems.push(`${file}:${link.line}: ${link.target} has no section #${link.anchor}`);
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
