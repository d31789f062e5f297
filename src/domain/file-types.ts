/**
 * What an uploaded file really is, judged by its bytes (magic numbers), never by its name or the
 * client's Content-Type: a renamed executable must not be served as a form.
 */
export interface SniffedType {
  ext: 'pdf' | 'doc' | 'xls' | 'docx' | 'xlsx' | 'jpg' | 'png';
  contentType: string;
}

const TYPES: Record<SniffedType['ext'], string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jpg: 'image/jpeg',
  png: 'image/png',
};

const startsWith = (buf: Uint8Array, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/**
 * `declaredName` only chooses between formats the bytes cannot tell apart (DOC and XLS share the
 * OLE2 container); it never makes an unknown or different content acceptable.
 */
export function sniffFileType(buf: Buffer, declaredName = ''): SniffedType | null {
  const mk = (ext: SniffedType['ext']): SniffedType => ({ ext, contentType: TYPES[ext] });
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return mk('pdf'); // %PDF-
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return mk('png');
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return mk('jpg');
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return /\.xls$/i.test(declaredName) ? mk('xls') : mk('doc');
  }
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) {
    const names = zipEntryNames(buf);
    if (!names || !names.includes('[Content_Types].xml')) return null;
    if (names.some((n) => n.startsWith('word/'))) return mk('docx');
    if (names.some((n) => n.startsWith('xl/'))) return mk('xlsx');
  }
  return null;
}

/** Entry names from a ZIP's central directory; null when the archive is malformed. */
export function zipEntryNames(buf: Buffer): string[] | null {
  const EOCD = 0x06054b50;
  const minEocd = 22;
  if (buf.length < minEocd) return null;
  let eocd = -1;
  for (let i = buf.length - minEocd; i >= Math.max(0, buf.length - minEocd - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return null;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) return null;
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    if (p + 46 + nameLen > buf.length) return null;
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/**
 * A display name safe to keep: no directory part, no quotes, no control characters (CR/LF would
 * split a header), at most 120 characters, with the extension of the real content.
 */
export function cleanFileName(name: string, ext: string): string {
  const base = name
    .normalize('NFC')
    .replace(/^.*[\\/]/, '')
    .replace(/[\u0000-\u001f\u007f"'`<>|:*?\\/]/g, '')
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .trim()
    .slice(0, 120);
  return `${base || '附件'}.${ext}`;
}

/**
 * `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266, RFC 5987),
 * so Chinese names survive in every browser.
 */
export function contentDisposition(name: string): string {
  const cleaned = name.replace(/[\u0000-\u001f\u007f"\\/]/g, '');
  const fallback = cleaned.replace(/[^\x20-\x7e]/g, '_').replace(/[%;]/g, '_') || 'download';
  const encoded = encodeURIComponent(cleaned).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
