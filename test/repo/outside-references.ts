/**
 * Finds references that only work on the machine icsync was first written on: paths outside the
 * repository (`/work/…`, `../shared/…`, the shared contract folders) and section numbers of those
 * outside documents (`CONTRACT §3.6`). The API facts they pointed at live in docs/contracts/, whose
 * sections are named by anchors (`docs/contracts/icenter.md#sales-orders`); `anchorLinks` and
 * `anchorsOf` let a test check that such anchors exist.
 */
import { posix } from 'node:path';

export interface Finding {
  line: number;
  text: string;
  why: string;
}

interface Rule {
  pattern: RegExp;
  why: string;
  /** Only a finding when no tracked file has this base name (the file is not in the repository). */
  unlessTracked?: (match: RegExpMatchArray) => string;
}

const RULES: Rule[] = [
  // A path that starts at /work/ (not a URL such as https://host/work/).
  { pattern: /(?:^|[\s'"`([<=:,;/])\/work\//g, why: 'a path of the development machine (/work/…)' },
  { pattern: /\.\.[\\/]+shared\b/g, why: 'a path outside the repository (../shared)' },
  { pattern: /\bshared[\\/]+(?:icenter|magento|minimax|design|hooks)\b/g, why: 'the development machine\'s shared folder' },
  // The outside contracts were named CONTRACT.md and cited as "CONTRACT §3.6"; the project's are docs/contracts/*.md.
  { pattern: /\bCONTRACT\b/g, why: 'the outside CONTRACT.md (use docs/contracts/<system>.md#<section>)' },
  { pattern: /\bcontract(?:\.md)?\s*§/gi, why: 'a section number of an outside contract (use docs/contracts/<system>.md#<section>)' },
  // A bare section sign with a number named a section of an outside contract; published standards
  // keep theirs ("RFC 5849 §3.4.1", "ISO 8601 §4.3", "EN 16931-1 §6").
  { pattern: /(?<![A-Z]{2,}[\s-]?\d[\d.:-]*,?\s?)§\s?\d/g, why: 'a bare section number of an outside document (use docs/contracts/<system>.md#<section>)' },
  { pattern: /\b(?:README-swagger\.md|icenter-swagger-subset\.json|anchors\.md)\b/g, why: 'a file of the shared folder that is not in the repository', unlessTracked: (m) => m[0] },
];

/** Every reference to something outside the repository in `text`; `trackedNames` = base names of tracked files. */
export function outsideReferences(text: string, trackedNames: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, index) => {
    // One finding per line: the first rule it breaks.
    const broken = RULES.find((rule) =>
      [...lineText.matchAll(rule.pattern)].some((m) => !(rule.unlessTracked && trackedNames.has(rule.unlessTracked(m)))),
    );
    if (broken) findings.push({ line: index + 1, text: lineText.trim().slice(0, 160), why: broken.why });
  });
  return findings;
}

/** GitHub's anchor of a heading: inline markup dropped, lower case, punctuation removed, spaces → '-'. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .replace(/`([^`]*)`/g, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown page offers: its headings (outside code fences, duplicates numbered) and `<a id|name>`. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fenceMark) {
      if (fence === undefined) fence = fenceMark;
      else if (fence === fenceMark) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const base = githubSlug(heading);
      const seen = counts.get(base) ?? 0;
      counts.set(base, seen + 1);
      anchors.add(seen === 0 ? base : `${base}-${seen}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1] as string);
  }
  return anchors;
}

export interface AnchorLink {
  /** Repository-relative path of the page linked to. */
  target: string;
  anchor: string;
  line: number;
}

/**
 * Section links in a tracked file: `docs/contracts/<page>.md#<anchor>` anywhere (code comments
 * included), and in Markdown files every relative link with an anchor (`[x](../OPERATIONS.md#doctor)`,
 * `[x](#open-questions)`). Links to other sites are not followed.
 */
export function anchorLinks(file: string, text: string): AnchorLink[] {
  const links: AnchorLink[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, index) => {
    for (const m of lineText.matchAll(/docs\/contracts\/([\w.-]+\.md)#([\w-]+)/g)) {
      links.push({ target: `docs/contracts/${m[1] as string}`, anchor: m[2] as string, line: index + 1 });
    }
    if (!file.endsWith('.md')) return;
    for (const m of lineText.matchAll(/\]\(([^)\s#]*)#([^)\s]+)\)/g)) {
      const path = m[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(path)) continue;
      const target = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path));
      if (/docs\/contracts\/[\w.-]+\.md$/.test(path)) continue; // already taken by the pattern above
      links.push({ target, anchor: m[2] as string, line: index + 1 });
    }
  });
  return links;
}
