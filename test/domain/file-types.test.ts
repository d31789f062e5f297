import { contentDisposition, cleanFileName, sniffFileType, zipEntryNames } from '../../src/domain/file-types';
import { diffFields, isItemOpenOn } from '../../src/domain/catalog';
import { tinyDocx, tinyPng, tinyXlsx, zipOf } from '../helpers/files';

describe('sniffFileType: the bytes decide', () => {
  const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
  const jpg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);
  const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
  it.each<[string, Buffer, string, string | null]>([
    ['a PDF', pdf, 'x.pdf', 'pdf'],
    ['a PNG', tinyPng(), 'x.png', 'png'],
    ['a JPEG', jpg, 'x.jpg', 'jpg'],
    ['an OLE2 file named .doc', ole, 'x.doc', 'doc'],
    ['an OLE2 file named .xls', ole, '表.XLS', 'xls'],
    ['a DOCX', tinyDocx(), 'x.docx', 'docx'],
    ['an XLSX', tinyXlsx(), 'x.xlsx', 'xlsx'],
    ['an executable named .pdf', exe, '申请表.pdf', null],
    ['a plain ZIP (no [Content_Types].xml) named .docx', zipOf({ 'a.txt': 'hi' }), 'x.docx', null],
    ['a ZIP with [Content_Types].xml but no word/ or xl/', zipOf({ '[Content_Types].xml': '<Types/>', 'ppt/x.xml': '' }), 'x.docx', null],
    ['an HTML page named .png', Buffer.from('<html><script>alert(1)</script>'), 'x.png', null],
    ['an empty file', Buffer.alloc(0), 'x.pdf', null],
    ['a truncated ZIP header', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]), 'x.docx', null],
  ])('when the file is %s, then it is %s', (_l, buf, name, ext) => {
    expect(sniffFileType(buf, name)?.ext ?? null).toBe(ext);
  });

  it('when a ZIP is read, then its central directory gives the entry names', () => {
    expect(zipEntryNames(tinyDocx())).toEqual(['[Content_Types].xml', 'word/document.xml']);
    expect(zipEntryNames(Buffer.from('not a zip at all, just text that is long enough'))).toBeNull();
  });
});

describe('file names', () => {
  it.each([
    ['../../etc/passwd', 'pdf', 'passwd.pdf'],
    ['C:\\Users\\x\\取水许可申请书.doc', 'doc', '取水许可申请书.doc'],
    ['申请"表"\r\n.pdf', 'pdf', '申请表.pdf'],
    ['样本.exe', 'png', '样本.png'],
    ['', 'pdf', '附件.pdf'],
  ])('when the given name is %j, then the kept name is %j', (name, ext, kept) => {
    expect(cleanFileName(name, ext)).toBe(kept);
  });

  it('when the name is Chinese, then Content-Disposition has an ASCII fallback and the UTF-8 name (RFC 5987)', () => {
    expect(contentDisposition('取水许可申请书(样本).pdf')).toBe(
      `attachment; filename="_______(__).pdf"; filename*=UTF-8''${encodeURIComponent('取水许可申请书')}%28${encodeURIComponent('样本')}%29.pdf`,
    );
  });

  it('when the name has quotes, slashes or CR/LF, then they cannot break the header', () => {
    const v = contentDisposition('a"b\\c/d\r\nSet-Cookie: x.pdf');
    expect(v).not.toMatch(/[\r\n]/);
    expect(v).toBe(`attachment; filename="abcdSet-Cookie: x.pdf"; filename*=UTF-8''abcdSet-Cookie%3A%20x.pdf`);
  });
});

describe('isItemOpenOn', () => {
  it.each<[string, 'in_force' | 'cancelled', string | null, string, boolean]>([
    ['in force, no cancellation', 'in_force', null, '2026-03-01', true],
    ['cancellation tomorrow', 'in_force', '2026-03-02', '2026-03-01', true],
    ['cancellation today', 'in_force', '2026-03-02', '2026-03-02', false],
    ['cancellation past', 'in_force', '2026-01-01', '2026-03-01', false],
    ['status cancelled', 'cancelled', null, '2026-03-01', false],
  ])('when %s, then open = %s', (_l, status, cancelledOn, day, open) => {
    expect(isItemOpenOn({ status, cancelledOn }, day)).toBe(open);
  });
});

describe('diffFields', () => {
  it.each([
    ['a creation', null, { a: 1 }, { a: [null, 1] }],
    ['an update of one field', { a: 1, b: 'x' }, { a: 2, b: 'x' }, { a: [1, 2] }],
    ['nested lists', { m: [{ n: 1 }] }, { m: [{ n: 1 }, { n: 2 }] }, { m: [[{ n: 1 }], [{ n: 1 }, { n: 2 }]] }],
    ['no change', { a: [1] }, { a: [1] }, {}],
    ['a deletion', { a: 1 }, null, { a: [1, null] }],
  ])('when %s, then the diff holds only what changed', (_l, before, after, diff) => {
    expect(diffFields(before, after)).toEqual(diff);
  });
});
