import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';

/** A year: fingerprinted URLs never change content, so browsers and proxies may keep them "forever". */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** Unfingerprinted or outdated URLs may change at the next deploy: revalidate after a few minutes. */
export const SHORT_CACHE = 'public, max-age=300';

const HASH_LENGTH = 10;
const FINGERPRINTED = new RegExp(`^(.*)\\.([0-9a-f]{${HASH_LENGTH}})(\\.[A-Za-z0-9]+)$`);

export interface AssetManifest {
  /** '/css/site.css' → its content hash. */
  readonly hashes: ReadonlyMap<string, string>;
  /** The URL a view links to: '/css/site.css' → '/static/css/site.3f9a1c2b7d.css'. */
  asset(file: string): string;
}

function walk(dir: string, base = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const rel = `${base}/${entry.name}`;
    if (entry.isDirectory()) return walk(path.join(dir, entry.name), rel);
    return entry.isFile() ? [rel] : [];
  });
}

export function fingerprintedName(file: string, hash: string): string {
  const ext = path.posix.extname(file);
  return `${file.slice(0, file.length - ext.length)}.${hash}${ext}`;
}

/** Hashes every file under `dir` once (at start-up); the files are a few kilobytes each. */
export function buildManifest(dir: string): AssetManifest {
  const hashes = new Map<string, string>();
  for (const file of walk(dir)) {
    const content = fs.readFileSync(path.join(dir, file));
    hashes.set(file, crypto.createHash('sha256').update(content).digest('hex').slice(0, HASH_LENGTH));
  }
  return {
    hashes,
    asset(file: string): string {
      const hash = hashes.get(file);
      // A typo in a view should fail its render test, not ship an unstyled page.
      if (!hash) throw new Error(`unknown static file ${file}`);
      return `/static${fingerprintedName(file, hash)}`;
    },
  };
}

/**
 * Serves `dir` under the mount point. A fingerprinted name with the current hash gets the immutable header;
 * one with another hash (a page cached before a deploy) gets the current file with the short header, so the
 * page still works and the stale URL is not pinned; plain names get the short header too (none in
 * development, where files are edited under a running server).
 */
export function staticAssets(dir: string, manifest: AssetManifest, production: boolean): express.Handler {
  const fallback = production ? SHORT_CACHE : 'no-cache';
  const serve = express.static(dir, {
    index: false,
    cacheControl: false,
    etag: true,
    setHeaders(res) {
      const immutable = (res as express.Response).locals.immutableAsset === true;
      res.setHeader('Cache-Control', immutable ? IMMUTABLE_CACHE : fallback);
    },
  });
  return (req, res, next) => {
    const match = FINGERPRINTED.exec(req.path);
    if (match) {
      const file = `${match[1]}${match[3]}`;
      const current = manifest.hashes.get(file);
      if (current) {
        res.locals.immutableAsset = current === match[2];
        const query = req.url.indexOf('?');
        req.url = query === -1 ? file : file + req.url.slice(query);
      }
    }
    serve(req, res, next);
  };
}
