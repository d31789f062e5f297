import { XMLParser } from 'fast-xml-parser';
import request from 'supertest';
import { createApp } from '../../src/app';
import { csvCell } from '../../src/web/open-data';
import { uuidV5Urn, xmlText } from '../../src/web/atom';
import { E, publishEntry, publishFour } from '../helpers/bulletin-fixture';
import { createTestApp, type TestApp } from '../helpers/test-app';

interface AtomLink {
  '@_rel': string;
  '@_href': string;
  '@_type'?: string;
}
interface ParsedEntry {
  id: string;
  title: string;
  updated: string;
  published: string;
  link: AtomLink;
  category: { '@_term': string };
  summary: { '#text': string; '@_type': string };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'entry' || name === 'link',
});

function parseFeed(xml: string) {
  const doc = parser.parse(xml) as { feed: Record<string, unknown> };
  const feed = doc.feed as {
    id: string;
    title: string;
    updated: string;
    link: AtomLink[];
    author: { name: string };
    entry?: Array<Omit<ParsedEntry, 'link'> & { link: AtomLink[] }>;
    '@_xmlns': string;
  };
  return { ...feed, entries: (feed.entry ?? []).map((e) => ({ ...e, link: e.link[0] })) };
}

/** RFC 4180 reader, for checking what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell !== '' || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

const HEADER = ['公告编号', '决定文号', '事项代码', '事项名称', '事项类别', '申请人', '项目名称', '决定日期', '决定时间（UTC）', '许可机关', '部门代码', '有效期', '公告网址'];

describe('results bulletin feeds and open data', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.cleanup());

  const org = (name: string) => ({ name, kind: 'organization' as const });

  describe('Atom feed', () => {
    it('when the feed is read, then it is Atom 1.0 with feed id, title, updated, self link and entries newest first', async () => {
      await publishFour(t);
      const res = await request(t.app).get('/bulletin/feed.atom').expect(200);
      expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
      const feed = parseFeed(res.text);
      expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
      expect(feed.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(feed.title).toBe('衢州市行政服务中心许可结果公告');
      expect(feed.updated).toBe('2026-03-01T16:30:00.000Z');
      expect(feed.author.name).toBe('衢州市行政服务中心');
      const self = feed.link.find((l) => l['@_rel'] === 'self');
      expect(self?.['@_href']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bulletin\/feed\.atom$/);
      expect(feed.entries.map((e) => e.summary['#text'].split('\n')[0])).toEqual([1, 2, 3, 4].map((n) => `决定文号：${E[n as 1]}`));
      const updated = feed.entries.map((e) => Date.parse(e.updated));
      expect([...updated].sort((a, b) => b - a)).toEqual(updated);
    });

    it('when an entry is read, then it carries a tag id, title, dates, a link to its page and the decision facts', async () => {
      await publishFour(t);
      const feed = parseFeed((await request(t.app).get('/bulletin/feed.atom').expect(200)).text);
      const e = feed.entries[0];
      expect(e.id).toMatch(/^urn:uuid:/);
      expect(e.title).toBe(`取水许可：衢州市清源水务有限公司（${E[1]}）`);
      expect(e.updated).toBe('2026-03-01T16:30:00.000Z');
      expect(e.published).toBe('2026-03-01T16:30:00.000Z');
      expect(e.category['@_term']).toBe('取水许可');
      expect(e.summary['@_type']).toBe('text');
      expect(e.summary['#text']).toBe(
        [`决定文号：${E[1]}`, '许可事项：取水许可', '申请人：衢州市清源水务有限公司', '项目名称：乌溪江引水工程', '许可机关：市水利局', '决定日期：2026-03-02', '有效期：5年'].join('\n'),
      );
      const href = e.link['@_href'];
      expect(e.link['@_rel']).toBe('alternate');
      const page = await request(t.app).get(new URL(href).pathname).expect(200);
      expect(page.text).toContain(E[1]);
      expect(feed.entries.map((x) => x.summary['#text'])).toContainEqual(expect.stringContaining('申请人：张**'));
      expect(JSON.stringify(feed)).not.toContain('张三丰');
    });

    it('when the feed is read again, from another host name, or by a restarted app, then every id is the same and all are unique', async () => {
      await publishFour(t);
      const ids = (xml: string) => {
        const f = parseFeed(xml);
        return [f.id, ...f.entries.map((e) => e.id)];
      };
      const first = ids((await request(t.app).get('/bulletin/feed.atom').expect(200)).text);
      expect(new Set(first).size).toBe(5);
      const again = ids((await request(t.app).get('/bulletin/feed.atom').set('Host', 'www.example.gov.cn').expect(200)).text);
      const restarted = createApp({ store: t.store, config: t.config, sessionSecret: 'another-secret-another-secret-another!', log: () => {} });
      const later = ids((await request(restarted).get('/bulletin/feed.atom').expect(200)).text);
      expect(again).toEqual(first);
      expect(later).toEqual(first);
    });

    it('when a category feed is read, then it has only that category and an id of its own', async () => {
      await publishFour(t);
      const all = parseFeed((await request(t.app).get('/bulletin/feed.atom').expect(200)).text);
      const land = parseFeed((await request(t.app).get('/bulletin/feed.atom').query({ category: '土地登记' }).expect(200)).text);
      expect(land.title).toBe('衢州市行政服务中心许可结果公告（土地登记）');
      expect(land.entries.map((e) => e.category['@_term'])).toEqual(['土地登记', '土地登记']);
      expect(land.entries.map((e) => e.id)).toEqual(all.entries.filter((e) => e.category['@_term'] === '土地登记').map((e) => e.id));
      expect(land.id).not.toBe(all.id);
      expect(land.link.find((l) => l['@_rel'] === 'self')?.['@_href']).toMatch(/\/bulletin\/feed\.atom\?category=%E5%9C%9F%E5%9C%B0%E7%99%BB%E8%AE%B0$/);
    });

    it('when text holds markup characters, quotes and control characters, then the feed stays well-formed and the text round-trips', async () => {
      const nasty = `甲&乙<丙>"丁"'戊'\u0001\u001F公司]]>`;
      await publishEntry(t, { item: t.items.water, applicant: org(nasty), projectName: `一期\u0007<工程>`, decisionNo: '衢水许〔2026〕&1号', decidedAt: '2026-03-01T00:00:00.000Z' });
      const res = await request(t.app).get('/bulletin/feed.atom').expect(200);
      expect(res.text).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
      expect(res.text).toContain('甲&amp;乙&lt;丙&gt;&quot;丁&quot;&apos;戊&apos;公司]]&gt;');
      const e = parseFeed(res.text).entries[0];
      expect(e.title).toBe(`取水许可：甲&乙<丙>"丁"'戊'公司]]>（衢水许〔2026〕&1号）`);
      expect(e.summary['#text']).toContain(`申请人：甲&乙<丙>"丁"'戊'公司]]>`);
      expect(e.summary['#text']).toContain('项目名称：一期<工程>');
    });

    it('when more than 50 entries exist, then the feed has the newest 50', async () => {
      for (let i = 0; i < 53; i++) {
        await publishEntry(t, {
          item: t.items.water,
          applicant: org('衢州市清源水务有限公司'),
          projectName: null,
          decisionNo: `衢水许〔2026〕${String(i).padStart(3, '0')}号`,
          decidedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        });
      }
      const feed = parseFeed((await request(t.app).get('/bulletin/feed.atom').expect(200)).text);
      expect(feed.entries).toHaveLength(50);
      expect(feed.entries[0].title).toContain('衢水许〔2026〕052号');
      expect(feed.entries[49].title).toContain('衢水许〔2026〕003号');
    });

    it('when nothing is published yet, then the feed is still valid Atom with no entries', async () => {
      const feed = parseFeed((await request(t.app).get('/bulletin/feed.atom').expect(200)).text);
      expect(feed.entries).toEqual([]);
      expect(Number.isNaN(Date.parse(feed.updated))).toBe(false);
    });

    it('when the feed filter is bad, then a Chinese 400 page', async () => {
      const res = await request(t.app).get('/bulletin/feed.atom').query({ from: '2026-02-30' }).expect(400);
      expect(res.text).toContain('查询条件有误');
      expect(res.text).toContain('开始日期须为有效日期');
    });

    it('when the bulletin or home page is opened, then the head and the page link the feeds', async () => {
      await publishFour(t);
      const res = await request(t.app).get('/bulletin').expect(200);
      expect(res.text).toMatch(/<head>[\s\S]*<link rel="alternate" type="application\/atom\+xml" title="许可结果公告（全部）" href="\/bulletin\/feed\.atom">[\s\S]*<\/head>/);
      expect(res.text).toContain('<a href="/bulletin/feed.atom" type="application/atom+xml">订阅全部许可结果（Atom）</a>');
      expect(res.text).toContain('href="/bulletin/feed.atom?category=%E5%9C%9F%E5%9C%B0%E7%99%BB%E8%AE%B0"');
      const home = await request(t.app).get('/').expect(200);
      expect(home.text).toContain('<link rel="alternate" type="application/atom+xml"');
    });
  });

  describe('CSV export', () => {
    it('when the CSV is downloaded, then it starts with a UTF-8 BOM and the header row, as an attachment', async () => {
      await publishFour(t);
      const res = await request(t.app)
        .get('/bulletin/export.csv')
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="bulletin-\d{8}\.csv"$/);
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      expect(text.slice(1, text.indexOf('\r\n'))).toBe(HEADER.join(','));
      const rows = parseCsv(text.slice(1));
      expect(rows.slice(1).map((r) => r[1])).toEqual([E[1], E[2], E[3], E[4]]);
      expect(rows[1]).toEqual([
        expect.stringMatching(/^\d+$/),
        E[1],
        'SLJ-001',
        '取水许可',
        '取水许可',
        '衢州市清源水务有限公司',
        '乌溪江引水工程',
        '2026-03-02',
        '2026-03-01T16:30:00.000Z',
        '市水利局',
        'SLJ',
        '5年',
        expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/bulletin\/\d+$/),
      ]);
      expect(text).not.toContain('张三丰');
    });

    it('when fields hold commas, quotes, line breaks or start like a formula, then they are quoted and neutralised', async () => {
      const cases: Array<[string, string | null]> = [
        ['甲,乙"丙"有限公司', '一期\r\n二期'],
        ['=HYPERLINK("http://evil.example","点我")', '+86工程'],
        ['@SUM(A1:A9)公司', '-1号工程'],
      ];
      for (const [i, [name, project]] of cases.entries()) {
        await publishEntry(t, { item: t.items.water, applicant: org(name), projectName: project, decisionNo: `衢水许〔2026〕${i}号`, decidedAt: new Date(Date.UTC(2026, 0, 3 - i)).toISOString() });
      }
      const res = await request(t.app).get('/bulletin/export.csv').expect(200);
      expect(res.text).toContain('"甲,乙""丙""有限公司","一期\r\n二期"');
      const rows = parseCsv(res.text.slice(1)).slice(1);
      expect(rows.map((r) => [r[5], r[6]])).toEqual([
        ['甲,乙"丙"有限公司', '一期\r\n二期'],
        [`'=HYPERLINK("http://evil.example","点我")`, `'+86工程`],
        [`'@SUM(A1:A9)公司`, `'-1号工程`],
      ]);
      expect(rows.every((r) => r.length === HEADER.length)).toBe(true);
    });

    it('when the CSV is filtered, then it holds the same entries as the search page', async () => {
      await publishFour(t);
      const res = await request(t.app).get('/bulletin/export.csv').query({ q: '有限公司', department: 'GTJ' }).expect(200);
      expect(parseCsv(res.text.slice(1)).slice(1).map((r) => r[1])).toEqual([E[2], E[4]]);
      expect(res.headers['x-export-count']).toBe('2');
      expect(res.headers['x-export-truncated']).toBe('false');
    });

    it('when nothing matches, then the CSV is the header row alone', async () => {
      const res = await request(t.app).get('/bulletin/export.csv').query({ q: '不存在' }).expect(200);
      expect(res.text).toBe(`\uFEFF${HEADER.join(',')}\r\n`);
    });

    it('when the export filter is bad, then a Chinese 400 page and no file', async () => {
      const res = await request(t.app).get('/bulletin/export.csv').query({ from: '2026-03-02', to: '2026-03-01' }).expect(400);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.text).toContain('结束日期不能早于开始日期');
    });

    it.each<[string | null, string]>([
      ['plain', 'plain'],
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['line\nbreak', '"line\nbreak"'],
      ['=1+1', "'=1+1"],
      ['+1', "'+1"],
      ['-1', "'-1"],
      ['@x', "'@x"],
      ['\tx', "'\tx"],
      ['=a,"b"', `"'=a,""b"""`],
      ['1=1', '1=1'],
      [null, ''],
    ])('csvCell(%p) is %p', (value, expected) => {
      expect(csvCell(value)).toBe(expected);
    });
  });

  describe('JSON export', () => {
    it('when the JSON is downloaded, then it holds the query, the count and the entries newest first with links', async () => {
      await publishFour(t);
      const res = await request(t.app).get('/bulletin/export.json').query({ category: '取水许可' }).expect(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="bulletin-\d{8}\.json"$/);
      const doc = JSON.parse(res.text);
      expect(doc).toMatchObject({ query: { category: '取水许可' }, count: 2, truncated: false, maxEntries: 50000 });
      expect(doc.entries.map((e: { decisionNo: string }) => e.decisionNo)).toEqual([E[1], E[3]]);
      expect(doc.entries[1]).toEqual({
        id: expect.any(Number),
        decisionNo: E[3],
        item: { code: 'SLJ-001', name: '取水许可', category: '取水许可' },
        department: { code: 'SLJ', name: '市水利局' },
        applicant: '张**',
        projectName: '常山港堤防加固工程',
        decidedAt: '2026-02-10T02:00:00.000Z',
        validity: '5年',
        url: expect.stringMatching(/\/bulletin\/\d+$/),
      });
    });

    it('when nothing matches, then the JSON is still a complete document', async () => {
      const doc = JSON.parse((await request(t.app).get('/bulletin/export.json').query({ q: '不存在' }).expect(200)).text);
      expect(doc).toMatchObject({ count: 0, entries: [] });
    });
  });

  describe('helpers', () => {
    it('xmlText escapes markup and drops characters XML 1.0 forbids, keeping tabs, line breaks and emoji', () => {
      expect(xmlText(`a<b>&"c"'d'\u0000\u0008\u000B\u000C\u001F\uFFFE\uD800\te\nf\r😀`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\te\nf\r😀');
    });

    it('uuidV5Urn matches the RFC 4122 example and is stable', () => {
      // The DNS namespace with "www.example.com", the example used by Python's uuid module.
      expect(uuidV5Urn('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('urn:uuid:2ed6657d-e927-568b-95e1-2665a8aea6a2');
    });
  });
});
