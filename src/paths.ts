import path from 'node:path';

/** Project root, the same whether running from src/ (ts-jest) or dist/ (compiled). */
export const ROOT = path.resolve(__dirname, '..');
export const MIGRATIONS_DIR = path.join(ROOT, 'db', 'migrations');
export const PG_MIGRATIONS_DIR = path.join(ROOT, 'db', 'migrations-pg');
export const VIEWS_DIR = path.join(ROOT, 'views');
export const PUBLIC_DIR = path.join(ROOT, 'public');
