import { maskPersonName, publicApplicantName } from '../../src/domain/masking';

describe('maskPersonName', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧***'],
    ['李', '李'],
    ['王小明', '王**'],
    ['司马相如', '司***'],
    ['阿卜杜·热合曼', '阿******'],
    ['  张三  ', '张*'],
    ['\u3000张三\u3000', '张*'],
    ['\t欧阳娜娜\n', '欧***'],
    ['', ''],
    ['   ', ''],
    ['\u3000', ''],
    // Outside the BMP: one code point each, never half a surrogate pair.
    ['𠮷野家', '𠮷**'],
    ['𠮷', '𠮷'],
    ['陈𠮷', '陈*'],
    ['𪚥𪚥𪚥𪚥', '𪚥***'],
  ])('maskPersonName(%p) is %p', (name, masked) => {
    const out = maskPersonName(name);
    expect(out).toBe(masked);
    // With the u flag this class matches only a lone (broken) surrogate.
    expect(out).not.toMatch(/[\uD800-\uDFFF]/u);
  });

  it.each(['张三', '欧阳娜娜', '𠮷野家', '王小明'])('the masked form of %p shows no character but the first', (name) => {
    const rest = [...name].slice(1);
    const out = maskPersonName(name);
    for (const c of rest) if (c !== [...name][0]) expect(out).not.toContain(c);
    expect([...out]).toHaveLength([...name].length);
  });
});

describe('publicApplicantName', () => {
  it.each<[string, 'person' | 'organization', string, string]>([
    ['a person', 'person', '张三', '张*'],
    ['a person with a compound surname', 'person', '欧阳娜娜', '欧***'],
    ['a person with surrounding spaces', 'person', ' 欧阳娜娜 ', '欧***'],
    ['a person with a non-BMP name', 'person', '𠮷野家', '𠮷**'],
    ['an organization', 'organization', '丽水市某某建设工程有限公司', '丽水市某某建设工程有限公司'],
    ['a short organization name', 'organization', '某厂', '某厂'],
    ['an organization with surrounding spaces', 'organization', '  衢州市水务集团  ', '衢州市水务集团'],
    ['an organization with a Latin name', 'organization', 'ACME (Zhejiang) Co., Ltd.', 'ACME (Zhejiang) Co., Ltd.'],
  ])('when the applicant is %s, then the public name is right', (_label, kind, name, shown) => {
    expect(publicApplicantName(kind, name)).toBe(shown);
  });
});
