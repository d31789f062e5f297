import { AppError, NotFoundError, ValidationError } from '../../src/domain/errors';

describe('AppError', () => {
  it('when a 4xx is made, then it carries no stack frames, and the stack trace limit is left as it was', () => {
    const before = Error.stackTraceLimit;
    const errors = [new NotFoundError(), new ValidationError({ a: 'b' }), new AppError(429, 'rate_limited', '稍后再试')];
    for (const e of errors) {
      expect(e.stack?.split('\n').filter((l) => l.trim().startsWith('at '))).toEqual([]);
      expect(e).toBeInstanceOf(AppError);
      expect(e).toBeInstanceOf(Error);
    }
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('when a 5xx is made, then its stack is kept for the log', () => {
    const e = new AppError(503, 'query_no_exhausted', '暂时无法生成查询号');
    expect(e.stack).toMatch(/\n\s+at /);
    expect(e).toMatchObject({ status: 503, code: 'query_no_exhausted', message: '暂时无法生成查询号', name: 'AppError' });
  });
});
