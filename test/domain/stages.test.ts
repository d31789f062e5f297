import { AppError, ConflictError, ValidationError } from '../../src/domain/errors';
import {
  APPEAL_RIGHTS_NOTICE,
  STAGES,
  STAGE_BLZT,
  STAGE_LABELS,
  STAGE_PUBLIC_TEXT,
  TERMINAL_STAGES,
  TRANSITIONS,
  allowedNextStages,
  assertTransition,
  assertTransitionDetails,
  canTransition,
  isStage,
  type Stage,
  type TransitionDetails,
} from '../../src/domain/stages';

/** DOMAIN.md "Case stages" → "Allowed transitions", written out pair by pair. */
const ALLOWED: ReadonlyArray<readonly [Stage, Stage]> = [
  ['submitted', 'supplement_requested'],
  ['submitted', 'accepted'],
  ['submitted', 'not_accepted'],
  ['submitted', 'withdrawn'],
  ['supplement_requested', 'accepted'],
  ['supplement_requested', 'not_accepted'],
  ['supplement_requested', 'withdrawn'],
  ['accepted', 'under_review'],
  ['accepted', 'approved'],
  ['accepted', 'denied'],
  ['accepted', 'withdrawn'],
  ['under_review', 'special_procedure'],
  ['under_review', 'approved'],
  ['under_review', 'denied'],
  ['under_review', 'withdrawn'],
  ['special_procedure', 'under_review'],
  ['special_procedure', 'withdrawn'],
  ['approved', 'certificate_issued'],
  ['approved', 'completed'],
  ['certificate_issued', 'completed'],
  ['denied', 'completed'],
];
const ALLOWED_KEYS = new Set(ALLOWED.map(([f, t]) => `${f}→${t}`));

const ALL_STAGES: Stage[] = [
  'submitted',
  'supplement_requested',
  'accepted',
  'not_accepted',
  'under_review',
  'special_procedure',
  'approved',
  'denied',
  'certificate_issued',
  'completed',
  'withdrawn',
];

const ALL_PAIRS: Array<[Stage, Stage, boolean]> = ALL_STAGES.flatMap((from) =>
  ALL_STAGES.map((to): [Stage, Stage, boolean] => [from, to, ALLOWED_KEYS.has(`${from}→${to}`)]),
);

describe('the stage list', () => {
  it('has exactly the 11 stages of DOMAIN.md, in order', () => {
    expect([...STAGES]).toEqual(ALL_STAGES);
  });

  it.each(ALL_STAGES)('isStage(%p) is true', (s) => {
    expect(isStage(s)).toBe(true);
  });

  it.each<[unknown]>([['SUBMITTED'], ['已收件'], [''], [' submitted'], [null], [undefined], [1], [{}]])(
    'isStage(%p) is false',
    (v) => {
      expect(isStage(v)).toBe(false);
    },
  );
});

describe('every (from, to) pair of the 11 stages (121 pairs)', () => {
  it('the table has 21 allowed pairs and covers only real stages', () => {
    expect(ALLOWED).toHaveLength(21);
    expect(ALLOWED_KEYS.size).toBe(21);
    expect(ALL_PAIRS).toHaveLength(121);
  });

  it.each(ALL_PAIRS)('%s → %s: allowed is %p', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
    expect(allowedNextStages(from).includes(to)).toBe(allowed);
    if (allowed) {
      expect(() => assertTransition(from, to)).not.toThrow();
      return;
    }
    let thrown: unknown;
    try {
      assertTransition(from, to);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toBeInstanceOf(ConflictError);
    const e = thrown as AppError;
    expect(e.status).toBe(409);
    expect(e.code).toBe('invalid_transition');
    // The message names both stages in the words staff see.
    expect(e.message).toContain(STAGE_LABELS[from]);
    expect(e.message).toContain(STAGE_LABELS[to]);
  });

  it.each(ALL_STAGES)('TRANSITIONS[%s] lists exactly the allowed targets', (from) => {
    const expected = ALLOWED.filter(([f]) => f === from).map(([, t]) => t);
    expect([...TRANSITIONS[from]].sort()).toEqual([...expected].sort());
  });

  it.each(ALL_STAGES)('no stage may move to itself: %s', (s) => {
    expect(canTransition(s, s)).toBe(false);
  });
});

describe('terminal stages', () => {
  const TERMINAL: Stage[] = ['not_accepted', 'completed', 'withdrawn'];

  it('are exactly 不予受理, 已办结, 已撤回', () => {
    expect([...TERMINAL_STAGES].sort()).toEqual([...TERMINAL].sort());
  });

  it.each(ALL_STAGES.map((s) => [s, TERMINAL.includes(s)] as const))(
    '%s is terminal: %p (has no way out)',
    (s, terminal) => {
      expect(allowedNextStages(s).length === 0).toBe(terminal);
    },
  );

  it.each(ALL_STAGES.filter((s) => !TERMINAL.includes(s)))(
    'from %s, a terminal stage (已办结) can still be reached',
    (start) => {
      const seen = new Set<Stage>([start]);
      const queue: Stage[] = [start];
      while (queue.length) for (const n of TRANSITIONS[queue.shift()!]) if (!seen.has(n)) seen.add(n), queue.push(n);
      expect([...seen].some((s) => TERMINAL.includes(s))).toBe(true);
    },
  );

  it.each<Stage>(['approved', 'denied', 'certificate_issued', 'completed', 'not_accepted'])(
    'withdrawal comes only before a decision: %s → withdrawn is refused',
    (from) => {
      expect(canTransition(from, 'withdrawn')).toBe(false);
    },
  );
});

describe('labels and public texts', () => {
  it.each<[Stage, string, number | null]>([
    ['submitted', '已收件', 1],
    ['supplement_requested', '待补正', 6],
    ['accepted', '已受理', 3],
    ['not_accepted', '不予受理', 5],
    ['under_review', '审查中', 8],
    ['special_procedure', '特别程序', 9],
    ['approved', '准予许可', 11],
    ['denied', '不予许可', 13],
    ['certificate_issued', '已制证', null],
    ['completed', '已办结', null],
    ['withdrawn', '已撤回', 14],
  ])('%s is labelled %s (BLZT %p)', (stage, label, blzt) => {
    expect(STAGE_LABELS[stage]).toBe(label);
    expect(STAGE_BLZT[stage]).toBe(blzt);
  });

  it('labels are distinct and exist only for real stages', () => {
    expect(Object.keys(STAGE_LABELS).sort()).toEqual([...ALL_STAGES].sort());
    expect(new Set(Object.values(STAGE_LABELS)).size).toBe(ALL_STAGES.length);
  });

  it.each(ALL_STAGES)('%s has a plain-language text of what happens now and next', (s) => {
    expect(STAGE_PUBLIC_TEXT[s].now.trim()).not.toBe('');
    expect(STAGE_PUBLIC_TEXT[s].next.trim()).not.toBe('');
  });

  it('the appeal notice names 行政复议 and 行政诉讼', () => {
    expect(APPEAL_RIGHTS_NOTICE).toContain('行政复议');
    expect(APPEAL_RIGHTS_NOTICE).toContain('行政诉讼');
  });
});

describe('assertTransitionDetails', () => {
  function validationErrorOf(to: Stage, details: TransitionDetails): ValidationError | undefined {
    try {
      assertTransitionDetails(to, details);
    } catch (err) {
      if (err instanceof ValidationError) return err;
      throw err;
    }
    return undefined;
  }

  it.each<[string, Stage, TransitionDetails, string[]]>([
    ['approved without anything', 'approved', {}, ['decisionNo']],
    ['approved with an empty decision number', 'approved', { decisionNo: '' }, ['decisionNo']],
    ['approved with a whitespace-only decision number', 'approved', { decisionNo: '  \t ' }, ['decisionNo']],
    ['approved with an ideographic-space decision number', 'approved', { decisionNo: '\u3000' }, ['decisionNo']],
    ['approved with a reason but no decision number', 'approved', { reason: '符合条件' }, ['decisionNo']],
    ['denied without anything', 'denied', {}, ['reason']],
    ['denied with an empty reason', 'denied', { reason: '' }, ['reason']],
    ['denied with a whitespace-only reason', 'denied', { reason: ' \n ' }, ['reason']],
    ['denied with only a decision number', 'denied', { decisionNo: '水许〔2024〕1号' }, ['reason']],
    ['denied with only a note', 'denied', { note: '材料不符' }, ['reason']],
    ['not_accepted without anything', 'not_accepted', {}, ['reason']],
    ['not_accepted with a whitespace-only reason', 'not_accepted', { reason: '   ' }, ['reason']],
  ])('when %s, then a 400 validation_failed names %p', (_label, to, details, fields) => {
    const err = validationErrorOf(to, details);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toBeInstanceOf(AppError);
    expect(err!.status).toBe(400);
    expect(err!.code).toBe('validation_failed');
    expect(Object.keys(err!.fields ?? {}).sort()).toEqual(fields);
    for (const f of fields) expect(err!.fields![f].trim()).not.toBe('');
  });

  it.each<[string, Stage, TransitionDetails]>([
    ['approved with a decision number', 'approved', { decisionNo: '水许〔2024〕12号' }],
    ['approved with a padded decision number', 'approved', { decisionNo: '  水许〔2024〕12号 ' }],
    ['denied with a reason', 'denied', { reason: '不符合取水许可条件' }],
    ['not_accepted with a reason', 'not_accepted', { reason: '不属于本机关职权范围，请向市生态环境局申请' }],
    ...ALL_STAGES.filter((s) => !['approved', 'denied', 'not_accepted'].includes(s)).map(
      (s): [string, Stage, TransitionDetails] => [`${s} with no details`, s, {}],
    ),
  ])('when %s, then it passes', (_label, to, details) => {
    expect(() => assertTransitionDetails(to, details)).not.toThrow();
  });
});
