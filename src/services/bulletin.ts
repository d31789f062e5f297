import type { BulletinEntry, Page } from '../domain/model';
import type { Deps } from './deps';

export async function listBulletinPage(deps: Deps, page: number, pageSize: number): Promise<Page<BulletinEntry>> {
  return deps.store.listBulletin({ limit: pageSize, offset: (page - 1) * pageSize });
}
