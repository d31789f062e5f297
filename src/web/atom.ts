/** Atom 1.0 (RFC 4287) documents, written as text: small, and every value goes through xmlText. */
import crypto from 'node:crypto';

// XML 1.0 §2.2: these code points may not appear in a document at all, escaped or not.
// With the u flag a surrogate in the class matches only when unpaired.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;

/** Text for element content or a double-quoted attribute: forbidden characters dropped, markup escaped. */
export function xmlText(value: string): string {
  return value
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** RFC 4122 name-based UUID (SHA-1, version 5) as a URN. */
export function uuidV5Urn(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new RangeError('namespace must be a UUID');
  const hash = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  published: string;
  href: string;
  summary: string;
  category: string;
}

export interface AtomFeed {
  id: string;
  title: string;
  subtitle: string;
  updated: string;
  selfHref: string;
  alternateHref: string;
  author: string;
  entries: AtomEntry[];
}

export function renderAtomFeed(feed: AtomFeed): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
    `  <id>${xmlText(feed.id)}</id>`,
    `  <title>${xmlText(feed.title)}</title>`,
    `  <subtitle>${xmlText(feed.subtitle)}</subtitle>`,
    `  <updated>${xmlText(feed.updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(feed.selfHref)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(feed.alternateHref)}"/>`,
    `  <author><name>${xmlText(feed.author)}</name></author>`,
    '  <generator>办件通</generator>',
  ];
  for (const e of feed.entries) {
    lines.push(
      '  <entry>',
      `    <id>${xmlText(e.id)}</id>`,
      `    <title>${xmlText(e.title)}</title>`,
      `    <updated>${xmlText(e.updated)}</updated>`,
      `    <published>${xmlText(e.published)}</published>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(e.href)}"/>`,
      `    <category term="${xmlText(e.category)}"/>`,
      `    <summary type="text">${xmlText(e.summary)}</summary>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
