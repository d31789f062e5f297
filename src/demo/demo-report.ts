/**
 * The demo's annual report, of the previous year (or, on the first days of January, the year before:
 * see demoReportYear), in the 2021 template: the office saves its text and figures and submits it,
 * the 网管员 publishes it, all through the report services, in March (or earlier when today comes
 * first). The narrative's numbers are read from the report itself.
 */
import {
  emptyReportFigures,
  emptyReportTexts,
  formatYuan,
  outcomeGroupCounts,
  type AnnualReportModel,
  type ReportTexts,
} from '../domain/disclosure-report';
import { takeDisclosureStep } from '../services/disclosure';
import { buildReportModel, saveReport, submitReport } from '../services/disclosure-report';
import type { Deps } from '../services/deps';
import { demoReportYear } from './demo-requests';
import { prng } from './prng';

const HOUR = 60 * 60 * 1000;

export async function loadDemoReport(deps: Deps, renderBody: (model: AnnualReportModel) => Promise<string>): Promise<void> {
  const [office, webmaster] = await Promise.all([deps.store.findStaffByUsername('office'), deps.store.findStaffByUsername('webmaster')]);
  if (!office || !webmaster) return;
  const rand = prng(20150330);
  const realNow = deps.clock.now().getTime();
  const year = demoReportYear(deps.clock.now(), await deps.calendars.calendar());
  let now = Math.min(Date.parse(`${year + 1}-03-18T10:00:00+08:00`), realNow - 3 * HOUR);
  const replay: Deps = { ...deps, clock: { now: () => new Date(now) } };

  // 网上办事大厅累计访问量: the seed report's center had passed four million by 2014.
  if ((await deps.store.getSiteVisits()) === 0) await deps.store.addSiteVisits(5_200_000 + Math.floor(rand() * 400_000));

  const template = '2021' as const;
  const figures = { ...emptyReportFigures(), websitePosts: 380 + Math.floor(rand() * 60) };
  const preview = await buildReportModel(replay, year, { template, texts: emptyReportTexts(), figures });
  const saved = await saveReport(replay, office, year, null, { template, texts: reportTexts(preview), figures });
  now += HOUR;
  const entry = await submitReport(replay, office, year, saved.version, renderBody);
  now = Math.min(now + 20 * HOUR, realNow - 60 * 1000);
  await takeDisclosureStep(replay, webmaster, entry.id, 'publish', entry.version, undefined);
}

/** The office's text, modelled on the seed's 2014 report, with the year's own numbers. */
export function reportTexts(m: AnnualReportModel): ReportTexts {
  const t3 = m.table3;
  const t4 = m.table4;
  const y = m.year;
  const handled = t3.resultsTotal.total;
  const notice = outcomeGroupCounts(t3, 'other').total;
  const overview = [
    `${y}年，${m.centerName}在市政务公开工作主管部门的指导下，认真贯彻《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，围绕行政审批和政务服务工作推进政府信息公开，各项工作有序开展。`,
    '',
    `（一）主动公开。依托政府信息公开专栏和网上办事大厅，及时公开机构职能、规划计划和窗口服务信息。全年新公开政府信息${m.publishedThisYear}条，网站发布信息${m.websitePosts}条。进驻事项的办事指南、申请表格、法律依据和许可结果全部在网上公开，办件进度可凭查询号随时查询。`,
    '',
    `（二）依申请公开。严格按照法定程序和时限办理政府信息公开申请。全年新收申请${t3.received.total}件，上年结转${t3.carriedIn.total}件，办结${handled}件，结转下年度继续办理${t3.carriedOut.total}件。对申请内容不明确的，在收到申请之日起7个工作日内一次性告知补正${notice ? `，其中${notice}件申请人逾期未补正，视为放弃申请` : ''}；确需延长答复期限的，经中心负责人同意并告知申请人。`,
    '',
    '（三）政府信息管理。落实《衢州市行政服务中心政府信息公开审核制度》，各处室和窗口提供的信息经办公室审核后由网管员发布，做到先审后发；对已公开的信息定期检查，及时更新过时内容。',
    '',
    '（四）平台建设。推进网上办事大厅与政府信息公开专栏一体化建设，开通政府信息公开在线申请，申请人凭查询号即可查看办理状态和答复期限。',
    '',
    '（五）监督保障。将政府信息公开工作纳入窗口月度星级考评和年度评优评先，对公开不及时、不规范的予以通报并督促整改。',
  ].join('\n');
  const review = t4.review;
  const litigation = t4.litigation_direct.total + t4.litigation_after_review.total;
  const pendingLitigation = t4.litigation_direct.pending + t4.litigation_after_review.pending;
  const appeals: string[] = [];
  if (review.total) appeals.push(`因政府信息公开申请行政复议${review.total}件${review.upheld ? `，复议机关决定维持${review.upheld}件` : ''}`);
  if (litigation) appeals.push(`提起行政诉讼${litigation}件${pendingLitigation ? `，截至年底尚未审结${pendingLitigation}件` : ''}`);
  const appealsNote = appeals.length ? `${y}年，${appeals.join('；')}。本中心将认真对待复议和诉讼中反映的问题，进一步规范答复文书。` : '';
  const problems = [
    '（一）存在的问题',
    '一是部分进驻部门调整审批事项后，办事指南和相关信息的更新还不够及时；二是依申请公开办理中，对申请内容是否明确的判断尺度还不够统一，个别申请需要补正后才能办理；三是公众对政府信息公开专栏的知晓度仍有待提高。',
    '',
    '（二）改进情况',
    '1.建立审批事项调整与信息公开联动机制，事项调整后及时更新办事指南并公开调整信息。',
    '2.规范依申请公开办理流程，统一补正告知书和答复书格式，加强对办理人员的业务培训。',
    '3.在中心大厅设立政府信息公开查询点，通过窗口宣传和网站引导，方便群众查询和申请。',
  ].join('\n');
  const fees = m.fees;
  const other = fees.count
    ? `${y}年，依据《政府信息公开信息处理费管理办法》收取信息处理费${fees.count}笔，应收${formatYuan(fees.chargedFen)}元，经申请人申请减免${formatYuan(fees.waivedFen)}元，实收${formatYuan(fees.chargedFen - fees.waivedFen)}元。无其他需要报告的事项。`
    : '无。';
  return { ...emptyReportTexts(), overview, appealsNote, problems, other };
}
