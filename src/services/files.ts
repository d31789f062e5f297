import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileRecord, FileSlot } from '../domain/catalog';
import { AppError, NotFoundError, ValidationError } from '../domain/errors';
import { cleanFileName, sniffFileType } from '../domain/file-types';
import type { Staff } from '../domain/model';
import { assertCanEditDepartmentItems } from './admin';
import type { NewFile } from '../store/store';
import type { Deps } from './deps';

export const ALLOWED_TYPES_TEXT = 'PDF、Word（DOC/DOCX）、Excel（XLS/XLSX）、JPG 或 PNG';

export class UploadTooLargeError extends AppError {
  constructor(maxBytes: number) {
    super(413, 'file_too_large', `文件过大：单个文件不能超过 ${formatBytes(maxBytes)}`, {
      file: `文件过大：单个文件不能超过 ${formatBytes(maxBytes)}`,
    });
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} 字节`;
}

/**
 * Stores an upload as a material's blank form or sample. The type comes from the bytes; the file
 * gets a random name on disk; its record and the material's link are written in one transaction,
 * and the file is removed again if that fails.
 */
export async function storeMaterialFile(
  deps: Deps,
  staff: Staff,
  materialId: number,
  slot: FileSlot,
  upload: { buffer: Buffer; originalName: string } | null,
): Promise<FileRecord> {
  const material = await deps.store.findMaterialItem(materialId);
  if (!material) throw new NotFoundError('material_not_found', '没有这项申请材料');
  assertCanEditDepartmentItems(staff, material.departmentId);
  if (!upload || upload.buffer.length === 0) throw new ValidationError({ file: '请选择要上传的文件' });
  if (upload.buffer.length > deps.config.uploadMaxBytes) throw new UploadTooLargeError(deps.config.uploadMaxBytes);
  const type = sniffFileType(upload.buffer, upload.originalName);
  if (!type) {
    throw new ValidationError({ file: `文件类型不允许：只能上传 ${ALLOWED_TYPES_TEXT}（按文件内容识别，改扩展名无效）` });
  }
  return saveFile(deps, staff.id, materialId, slot, upload.buffer, cleanFileName(upload.originalName, type.ext), type);
}

/** The one path by which bytes reach the upload folder (the demo loader uses it too). */
export async function saveFile(
  deps: Deps,
  staffId: number,
  materialId: number,
  slot: FileSlot,
  buffer: Buffer,
  originalName: string,
  type: { ext: string; contentType: string },
): Promise<FileRecord> {
  const dir = deps.config.uploadDir;
  fs.mkdirSync(dir, { recursive: true });
  const storageName = `${crypto.randomBytes(16).toString('hex')}.${type.ext}`;
  const full = path.join(dir, storageName);
  fs.writeFileSync(full, buffer, { flag: 'wx' });
  try {
    return await deps.store.attachMaterialFile(
      materialId,
      slot,
      { storageName, originalName, contentType: type.contentType, sizeBytes: buffer.length },
      { staffId, at: deps.clock.now().toISOString() },
    );
  } catch (err) {
    fs.rmSync(full, { force: true });
    throw err;
  }
}

/** Resolves a download; the path on disk comes only from our own record and must stay in the folder. */
export async function openDownload(deps: Deps, rawId: string): Promise<{ file: FileRecord; fullPath: string }> {
  const id = /^\d{1,12}$/.test(rawId) ? Number(rawId) : NaN;
  const file = Number.isSafeInteger(id) ? await deps.store.findFile(id) : null;
  if (!file || (await deps.store.isNonPublicFile(file.id))) throw new NotFoundError('file_not_found', '没有这个文件');
  const dir = path.resolve(deps.config.uploadDir);
  const fullPath = path.resolve(dir, file.storageName);
  if (path.dirname(fullPath) !== dir || !fs.existsSync(fullPath)) {
    throw new NotFoundError('file_not_found', '没有这个文件');
  }
  await deps.store.countDownload(file.id);
  return { file, fullPath };
}

export interface Upload {
  buffer: Buffer;
  originalName: string;
}

export interface CheckedUpload {
  buffer: Buffer;
  name: string;
  type: { ext: string; contentType: string };
}

/** The rules every upload follows: not empty, not too large, a permitted type judged by its bytes. */
export function checkUpload(deps: Deps, upload: Upload, field = 'file'): CheckedUpload {
  if (upload.buffer.length === 0) throw new ValidationError({ [field]: '上传的文件是空的' });
  if (upload.buffer.length > deps.config.uploadMaxBytes) throw new UploadTooLargeError(deps.config.uploadMaxBytes);
  const type = sniffFileType(upload.buffer, upload.originalName);
  if (!type) {
    throw new ValidationError({ [field]: `文件类型不允许：只能上传 ${ALLOWED_TYPES_TEXT}（按文件内容识别，改扩展名无效）` });
  }
  return { buffer: upload.buffer, name: cleanFileName(upload.originalName, type.ext), type };
}

/**
 * Writes checked uploads under random names, then lets `save` record them (in its own
 * transaction); the written files are removed again if that fails.
 */
export async function withStoredUploads<T>(deps: Deps, uploads: CheckedUpload[], save: (files: NewFile[]) => Promise<T>): Promise<T> {
  const dir = deps.config.uploadDir;
  if (uploads.length) fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  try {
    const files = uploads.map((u) => {
      const storageName = `${crypto.randomBytes(16).toString('hex')}.${u.type.ext}`;
      fs.writeFileSync(path.join(dir, storageName), u.buffer, { flag: 'wx' });
      written.push(path.join(dir, storageName));
      return { storageName, originalName: u.name, contentType: u.type.contentType, sizeBytes: u.buffer.length };
    });
    return await save(files);
  } catch (err) {
    for (const f of written) fs.rmSync(f, { force: true });
    throw err;
  }
}

/** The full path of a file we stored, which must stay inside the upload folder. */
export function storedPath(deps: Deps, file: FileRecord): string {
  const dir = path.resolve(deps.config.uploadDir);
  const fullPath = path.resolve(dir, file.storageName);
  if (path.dirname(fullPath) !== dir || !fs.existsSync(fullPath)) throw new NotFoundError('file_not_found', '没有这个文件');
  return fullPath;
}
