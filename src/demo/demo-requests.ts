/**
 * 依申请公开 demo: a year of requests handled by the office, replayed through the services with a
 * clock set to each step's time (so due dates, events and report numbers are the real ones).
 * Dates are relative to today (the injected clock's): most requests fall in the year of the demo
 * annual report (the previous year, see demoReportYear), one is carried over into the next year,
 * and the last few weeks' include open ones.
 */
import { beijingDate } from '../domain/beijing-time';
import {
  SUPPLEMENT_NOTICE_WORKING_DAYS,
  type ApplicantKind,
  type DeliveryForm,
  type DisclosureRequest,
  type OutcomeCode,
} from '../domain/disclosure-request';
import type { Staff } from '../domain/model';
import { addCalendarDays, addWorkingDays, workingDaysBetween, type WorkingCalendar } from '../domain/working-days';
import type { Deps } from '../services/deps';
import {
  abandonRequest,
  addRequestFee,
  addRequestReview,
  extendRequest,
  recordSupply,
  replyToRequest,
  requestSupplement,
  submitDisclosureRequest,
  updateRequestReview,
  type RequestInput,
} from '../services/disclosure-requests';
import { DEMO_PERSONS } from './demo-data';
import { fakeCreditCode, fakeLandline, fakeMobile, fakeResidentId } from './fake-ids';
import { minimalPdf } from './minimal-pdf';
import { prng } from './prng';


/** 登记管理部门码 + 机构类别码 of each kind of 法人或其他组织 (GB 32100-2015). */
const CREDIT_CODE_KIND: Record<Exclude<ApplicantKind, 'person'>, string> = {
  business: '91',
  research: '12',
  public_welfare: '52',
  legal_service: '31',
  other_org: 'N2',
};

const ORGANIZATIONS: Record<Exclude<ApplicantKind, 'person' | 'business'>, string> = {
  research: '衢州市区域经济社会发展研究中心',
  public_welfare: '衢州市绿水青山环保公益服务中心',
  legal_service: '浙江衢信律师事务所',
  other_org: '衢州市柯城区石梁镇双溪村股份经济合作社',
};

/**
 * Beijing calendar helpers that degrade to weekdays (but never 1 January, 元旦) where the calendar
 * has no data. They only choose the demo's dates; the services still refuse a deadline they cannot date.
 */
function days(cal: WorkingCalendar) {
  const working = (d: string) =>
    cal.isWorkingDay(d) ?? (![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()) && !d.endsWith('-01-01'));
  const onOrAfter = (d: string) => {
    while (!working(d)) d = addCalendarDays(d, 1);
    return d;
  };
  const after = (d: string, n: number) => {
    const r = addWorkingDays(d, n, cal);
    if (r.kind === 'date') return r.date;
    for (let k = 0; k < n; ) if (working((d = addCalendarDays(d, 1)))) k++;
    return d;
  };
  const before = (d: string, n: number) => {
    for (let k = 0; k < n; ) if (working((d = addCalendarDays(d, -1)))) k++;
    return d;
  };
  return { onOrAfter, after, before };
}

const instant = (date: string, hour: number, minute = 0) =>
  Date.parse(`${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00+08:00`);

/** A step is replayed only if it was at least this long before now. */
const SETTLED_MS = 5 * 60 * 1000;

/** The request received late in `year` and answered on the next year's first working day (上年结转). */
const carriedOver = (year: number, d: ReturnType<typeof days>) => {
  const receivedOn = d.onOrAfter(`${year}-12-22`);
  return { receivedOn, repliedOn: d.onOrAfter(`${year + 1}-01-01`) };
};
const REPLY_HOUR = 15;
const REPLY_MINUTE = 30;

/**
 * The year of the demo's annual report and of most of its requests: last year once its carried-over
 * request has been answered, on this year's first working day; before that (1 January and the
 * holidays after it, when no reply of this year can exist yet, and no real report of last year is
 * out either) the year before.
 */
export function demoReportYear(now: Date, cal: WorkingCalendar): number {
  const last = Number(beijingDate(now).slice(0, 4)) - 1;
  const { repliedOn } = carriedOver(last, days(cal));
  return instant(repliedOn, REPLY_HOUR, REPLY_MINUTE) <= now.getTime() - SETTLED_MS ? last : last - 1;
}

/**
 * Dates for the request that is waiting for its 补正 today: told two working days ago with 15
 * working days to supply. In the last days of December, when such a deadline would run into a year
 * whose holidays the calendar does not have yet (the service refuses it), the notice went out
 * earlier with a shorter deadline, still at least 5 working days, that ends on the year's last
 * working days, today or later. The request came in two working days before its notice, well
 * within the 7 working days for a 补正 notice. null when no such dates exist (today's own year is
 * not in the calendar, so no 补正 can be asked at all).
 */
function waitingSupplement(today: string, cal: WorkingCalendar, d: ReturnType<typeof days>) {
  for (let back = 2; back <= 10; back++) {
    const noticeOn = d.before(today, back);
    const receivedOn = d.before(noticeOn, 2);
    const elapsed = workingDaysBetween(receivedOn, noticeOn, cal);
    if (elapsed === null || elapsed > SUPPLEMENT_NOTICE_WORKING_DAYS) continue;
    for (let n = 15; n >= 5; n--) {
      const due = addWorkingDays(noticeOn, n, cal);
      if (due.kind === 'date' && due.date >= today) return { receivedOn, noticeOn, days: n };
    }
  }
  return null;
}

/** Chinese date as printed on a reply (2025年3月4日). */
const cnDate = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

export async function loadDemoRequests(deps: Deps, office: Staff): Promise<void> {
  // Its own seed, so adding requests leaves the cases' generated data as it was.
  const rand = prng(20190415);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  // Each applicant and contact person a different name: one name, one ID number.
  const names = [...DEMO_PERSONS];
  const nextName = () => names.splice(Math.floor(rand() * names.length), 1)[0] ?? pick(DEMO_PERSONS);
  const cal = await deps.calendars.calendar();
  const d = days(cal);
  const realNow = deps.clock.now().getTime();
  const today = beijingDate(deps.clock.now());
  const prev = demoReportYear(deps.clock.now(), cal);
  const center = deps.config.centerName;

  let now = realNow;
  const replay: Deps = { ...deps, clock: { now: () => new Date(now) } };
  /** Moves the replay clock; false (and no move) when that moment has not come yet. */
  const at = (date: string, hour: number, minute = 0): boolean => {
    const t = instant(date, hour, minute);
    if (t > realNow - SETTLED_MS) return false;
    now = t;
    return true;
  };

  /** A business is named, as its request concerns its own licence. */
  const applicant = (kind: ApplicantKind, delivery: DeliveryForm, description: string, business?: string): RequestInput => {
    const person = kind === 'person';
    const name = person ? nextName() : kind === 'business' ? (business as string) : ORGANIZATIONS[kind];
    return {
      applicantKind: kind,
      applicantName: name,
      idNumber: person ? fakeResidentId(rand) : fakeCreditCode(rand, CREDIT_CODE_KIND[kind]),
      contactPerson: person ? undefined : nextName(),
      phone: person || rand() < 0.5 ? fakeMobile(rand) : fakeLandline(rand),
      email: delivery === 'email' ? `demo${Math.floor(rand() * 9000) + 1000}@example.cn` : undefined,
      address: delivery === 'paper_mail' ? `衢州市柯城区${pick(['荷花街道', '信安街道', '府山街道', '新新街道'])}${pick(['新桥街', '县西街', '荷花中路', '花园东大道'])}${1 + Math.floor(rand() * 200)}号` : undefined,
      description,
      deliveryForm: delivery,
    };
  };

  const submit = async (receivedOn: string, hour: number, input: RequestInput) => {
    at(receivedOn, hour, Math.floor(rand() * 60));
    return submitDisclosureRequest(replay, input);
  };

  const letter = (r: DisclosureRequest, repliedOn: string, body: string) =>
    [
      `${r.applicantName}：`,
      `本机关于${cnDate(r.receivedOn)}收到你${r.applicantKind === 'person' ? '' : '单位'}提出的政府信息公开申请。经审查，现答复如下：`,
      body,
      `如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者在六个月内向有管辖权的人民法院提起行政诉讼。`,
      `${center}`,
      cnDate(repliedOn),
    ].join('\n');

  const reply = async (r: DisclosureRequest, on: string, outcome: OutcomeCode, body: string, attach = false) => {
    if (!at(on, REPLY_HOUR, REPLY_MINUTE)) return r;
    const attachments = attach
      ? [{ buffer: minimalPdf(['Reply to a government information request', `Request ${r.queryNo}`, 'Demo attachment']), originalName: '政府信息公开申请答复书.pdf' }]
      : [];
    return replyToRequest(replay, office, r.id, r.version, { outcome, replyText: letter(r, on, body), attachments });
  };

  /** The one-time 补正 notice, with the longest deadline up to `days` that the calendar can date. */
  const askSupplement = async (r: DisclosureRequest, on: string, notice: string, days: number) => {
    if (!at(on, 10)) return r;
    for (let n = days; n >= 5; n--) {
      if (addWorkingDays(on, n, cal).kind === 'date') return requestSupplement(replay, office, r.id, r.version, { notice, days: n });
    }
    return r;
  };

  // 1. 自然人, 予以公开 (the information was already public: told where to find it).
  {
    const on = d.onOrAfter(`${prev}-03-10`);
    const r = await submit(on, 9, applicant('person', 'email', `${prev}年度进驻中心的行政许可事项清单及各事项的承诺办理时限。`));
    await reply(r, d.after(on, 6), 'disclose', `你申请获取的信息属于已主动公开的政府信息，可在本中心网上办事大厅“事项目录”栏目查阅，现将清单电子文本随本答复书一并发送至你预留的电子邮箱。`);
  }
  // 2. 商业企业, 部分公开, with a 信息处理费 partly waived.
  {
    const on = d.onOrAfter(`${prev}-04-14`);
    const r = await submit(on, 14, applicant('business', 'paper_mail', '本公司申请的商品房预售许可的审批流转记录及现场核查记录。', '衢州市鑫达房地产开发有限公司'));
    const repliedOn = d.after(on, 15);
    const closed = await reply(
      r,
      repliedOn,
      'partial',
      '你单位申请的审批流转记录予以公开；现场核查记录中含有购房人姓名、身份证号码等个人信息，依据《中华人民共和国政府信息公开条例》第十五条、第三十七条的规定，对上述个人信息作区分处理后予以公开。',
      true,
    );
    if (at(repliedOn, 16)) {
      await addRequestFee(replay, office, closed.id, {
        chargedOn: repliedOn,
        amountFen: 20_000,
        waivedFen: 10_000,
        note: '提供的信息共50页，超过30页的部分依据《政府信息公开信息处理费管理办法》按量计收；申请人提出减免申请，经审核减收一半。',
      });
    }
  }
  // 3. 自然人, 不予公开 (第三方合法权益); the applicant's 行政复议 was decided 维持.
  {
    const on = d.onOrAfter(`${prev}-05-12`);
    const r = await submit(on, 10, applicant('person', 'paper_pickup', '某企业取水许可申请材料中的水资源论证报告全文。'));
    const repliedOn = d.after(on, 18);
    const closed = await reply(
      r,
      repliedOn,
      'withhold_third_party',
      '你申请获取的水资源论证报告涉及第三方企业的生产工艺和用水数据，属于商业秘密。经书面征求第三方意见，第三方不同意公开，且不公开不会对公共利益造成重大影响，依据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定，决定不予公开。',
    );
    const filedOn = d.after(repliedOn, 20);
    if (at(filedOn, 11)) {
      const review = await addRequestReview(replay, office, closed.id, { kind: 'review', filedOn, outcome: 'pending', decidedOn: null, note: '申请人向衢州市人民政府申请行政复议。' });
      const decidedOn = d.after(filedOn, 40);
      if (at(decidedOn, 16)) {
        await updateRequestReview(replay, office, closed.id, review.id, review.version, { outcome: 'upheld', decidedOn, note: '复议机关决定维持本机关的答复。' });
      }
    }
  }
  // 4. 法律服务机构, 无法提供 (本机关不掌握); the firm went to court and the case is pending.
  {
    const on = d.onOrAfter(`${prev}-06-16`);
    const r = await submit(on, 15, applicant('legal_service', 'email', '衢州智造新城某地块国有建设用地使用权出让合同及出让金缴纳凭证。'));
    const repliedOn = d.after(on, 12);
    const closed = await reply(
      r,
      repliedOn,
      'unable_not_held',
      '经检索，本机关未制作、未获取你单位申请的土地出让合同及缴款凭证，依据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定告知如下：该信息由衢州市自然资源和规划局掌握，你单位可向该机关申请。',
    );
    const filedOn = d.after(repliedOn, 35);
    if (at(filedOn, 10)) {
      await addRequestReview(replay, office, closed.id, { kind: 'litigation_direct', filedOn, outcome: 'pending', decidedOn: null, note: '申请人未经复议直接提起行政诉讼，法院已立案，尚未审结。' });
    }
  }
  // 5. 科研机构: 补正 supplied, then 予以公开.
  {
    const on = d.onOrAfter(`${prev}-07-07`);
    let r = await submit(on, 9, applicant('research', 'email', '行政审批办理时长的统计数据。'));
    const noticeOn = d.after(on, 3);
    r = await askSupplement(r, noticeOn, '请明确所需统计数据的年度范围和审批事项范围（全部进驻事项或具体事项名称）。', 15);
    const suppliedOn = d.after(noticeOn, 4);
    if (r.stage === 'supplement_requested' && at(suppliedOn, 14)) {
      r = await recordSupply(replay, office, r.id, r.version, { note: `申请人明确为${prev - 1}年度全部进驻事项的平均办理时长。` });
    }
    await reply(r, d.after(suppliedOn, 12), 'disclose', `现将${prev - 1}年度各进驻事项的受理件数、办结件数和平均办理工作日数统计表随本答复书发送至你单位预留的电子邮箱。`, true);
  }
  // 6. 自然人: 补正 not supplied by its deadline, closed as 视为放弃 by the hourly check.
  {
    const on = d.onOrAfter(`${prev}-09-02`);
    let r = await submit(on, 16, applicant('person', 'paper_mail', '中心的所有文件。'));
    r = await askSupplement(r, d.after(on, 2), '申请内容不明确。请写明所需政府信息的名称、文号或者便于本机关查询的其他特征性描述。', 10);
    if (r.stage === 'supplement_requested' && r.supplementDueOn && at(addCalendarDays(r.supplementDueOn, 1), 1)) {
      await abandonRequest(replay, null, r);
    }
  }
  // 7. 社会公益组织: the reply period extended once, then 予以公开.
  {
    const on = d.onOrAfter(`${prev}-10-13`);
    let r = await submit(on, 10, applicant('public_welfare', 'email', `${prev}年1月至9月经中心窗口办理的建设项目环境影响报告表审批结果清单。`));
    if (at(d.after(on, 16), 11)) {
      r = await extendRequest(replay, office, r.id, r.version, {
        approver: '中心分管副主任',
        reason: '申请的信息涉及生态环境窗口的多份审批决定，需逐件核对是否含有不宜公开的内容，无法在20个工作日内答复',
      });
    }
    await reply(r, d.after(on, 31), 'disclose', '现将审批结果清单（含项目名称、建设单位、审批文号和审批日期）随本答复书发送至你单位预留的电子邮箱。');
  }
  // 8. 自然人, 不予处理 (a complaint, not a request for information).
  {
    const on = d.onOrAfter(`${prev}-11-18`);
    const r = await submit(on, 11, applicant('person', 'paper_pickup', '要求调查并答复本人在窗口办事时遇到的工作人员推诿问题。'));
    await reply(
      r,
      d.after(on, 5),
      'not_handled_petition',
      '你提出的事项属于投诉，不属于《中华人民共和国政府信息公开条例》规定的政府信息公开申请，依据该条例第三十九条第一款的规定，本机关不作为政府信息公开申请处理。你可以通过中心投诉电话或12345政务服务热线反映。',
    );
  }
  // 9. 其他组织: received late in the year, answered on the next year's first working day (上年结转).
  {
    const { receivedOn, repliedOn } = carriedOver(prev, d);
    const r = await submit(receivedOn, 15, applicant('other_org', 'paper_pickup', '近五年本村范围内涉路施工许可的数量，按年度和施工类别分类统计。'));
    await reply(
      r,
      repliedOn,
      'unable_needs_creation',
      '本机关未按村或施工类别对涉路施工许可进行统计，你单位申请的信息需要对现有信息进行加工、分析，依据《中华人民共和国政府信息公开条例》第三十八条的规定，本机关不予提供。你单位可在许可结果公告栏目查询已公开的涉路施工许可决定。',
    );
  }

  // The last few weeks: one answered, one waiting for its 补正, one just received.
  {
    const on = d.before(today, 14);
    const r = await submit(on, 10, applicant('business', 'email', '本公司食品经营许可的受理、审查和发证各环节的办理记录。', '衢州市衢江区味香食品有限公司'));
    await reply(r, d.after(on, 9), 'disclose', '现将你单位食品经营许可的办理记录（受理、审查、决定、发证各环节时间及经办窗口）随本答复书发送至你单位预留的电子邮箱。');
  }
  {
    const waiting = waitingSupplement(today, cal, d);
    const r = await submit(waiting?.receivedOn ?? d.before(today, 4), 15, applicant('person', 'paper_mail', '涉及常山港堤防加固工程的审批文件。'));
    if (waiting && at(waiting.noticeOn, 10)) {
      await requestSupplement(replay, office, r.id, r.version, {
        notice: '请写明所需审批文件的具体事项（如涉河建设方案审批、水土保持方案审批等）或文号。',
        days: waiting.days,
      });
    }
  }
  {
    const on = d.before(today, 1);
    await submit(on, 16, applicant('person', 'email', `${prev}年度中心“好差评”差评整改情况的汇总材料。`));
  }
}
