import {
  APPLICANT_KINDS,
  fenToYuan,
  mayHandleRequests,
  yuanToFen,
  nextRequestStage,
  OUTCOME_GROUPS,
  OUTCOMES,
  outcomeText,
  REQUEST_STAGES,
  REQUEST_TRANSITIONS,
} from '../../src/domain/disclosure-request';

describe('disclosure request vocabulary', () => {
  it('when counting outcomes per group, then they match the 2021 template (1, 1, 8, 3, 5, 3)', () => {
    const per = OUTCOME_GROUPS.map((g) => OUTCOMES.filter((o) => o.group === g).length);
    expect(per).toEqual([1, 1, 8, 3, 5, 3]);
    expect(new Set(OUTCOMES.map((o) => o.code)).size).toBe(OUTCOMES.length);
  });

  it('when listing applicant kinds, then 自然人 comes first and five 法人或其他组织 follow', () => {
    expect(APPLICANT_KINDS).toHaveLength(6);
    expect(APPLICANT_KINDS[0]).toBe('person');
  });

  it.each([
    ['disclose', '予以公开'],
    ['withhold_state_secret', '不予公开（属于国家秘密）'],
    ['unable_not_held', '无法提供（本机关不掌握相关政府信息）'],
    ['other_no_supplement', '其他处理（申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请）'],
  ] as const)('when the outcome is %s, then the applicant reads %s', (code, text) => {
    expect(outcomeText(code)).toBe(text);
  });

  it.each([
    ['received', 'request_supplement', 'supplement_requested'],
    ['supplement_requested', 'supply', 'received'],
    ['supplement_requested', 'abandon', 'closed'],
    ['received', 'extend', 'received'],
    ['received', 'reply', 'closed'],
    ['received', 'abandon', null],
    ['supplement_requested', 'extend', null],
    ['closed', 'reply', null],
  ] as const)('when a request %s takes %s, then it moves to %s', (from, action, to) => {
    expect(nextRequestStage(from, action)).toBe(to);
  });

  it('when a request is closed, then no action leaves it', () => {
    expect(REQUEST_STAGES).toContain('closed');
    expect(Object.keys(REQUEST_TRANSITIONS.closed)).toHaveLength(0);
  });

  it('when amounts are typed in 元, then they become fen exactly, and anything else is refused', () => {
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('12.5')).toBe(1250);
    expect(yuanToFen(' 0.07 ')).toBe(7);
    expect(yuanToFen('１２.３４')).toBe(1234);
    for (const bad of ['', '-1', '1.234', '1,5', 'abc', '1e3', '.5']) expect(yuanToFen(bad)).toBeNull();
    expect(fenToYuan(1250)).toBe('12.50');
    expect(fenToYuan(7)).toBe('0.07');
  });

  it('when deciding who handles requests, then only the office reviewer and admins do', () => {
    expect(['window_staff', 'supervisor', 'admin', 'office_reviewer', 'webmaster'].filter(mayHandleRequests)).toEqual(['admin', 'office_reviewer']);
  });
});
