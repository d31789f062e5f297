import { formatQueryNo } from '../../domain/query-number';
import { STAGE_LABELS, STAGE_PUBLIC_TEXT, type Stage } from '../../domain/stages';
import type { Case } from '../../domain/model';
import type { NewOutboxMessage } from '../../store/store';
import type { Config } from '../../config';

/**
 * The e-mail an applicant gets at a public stage change. It carries what the summary tier shows
 * (never an ID number or phone), and the lookup address.
 */
export function stageChangeMessages(config: Config, c: Pick<Case, 'queryNo' | 'item' | 'applicant'>, stage: Stage, extra?: string): NewOutboxMessage[] {
  const to = c.applicant.email;
  if (!config.smtp || !to) return [];
  const no = formatQueryNo(c.queryNo);
  const lines = [
    `您好：`,
    ``,
    `您在${config.centerName}申请的「${c.item.name}」（查询号 ${no}）办理状态更新为「${STAGE_LABELS[stage]}」。`,
    STAGE_PUBLIC_TEXT[stage].now,
    `下一步：${STAGE_PUBLIC_TEXT[stage].next}`,
    ...(extra ? [extra] : []),
    ``,
    config.publicUrl ? `查询进度：${config.publicUrl}/lookup?no=${c.queryNo}` : `可凭查询号在网上办事大厅查询进度。`,
    ``,
    `${config.centerName}（本邮件由系统自动发送，请勿直接回复）`,
  ];
  return [{ channel: 'email', recipient: to, subject: `【${config.centerName}】办件进度：${STAGE_LABELS[stage]}（${no}）`, body: lines.join('\n') }];
}

export function supplementReminderMessages(
  config: Config,
  c: Pick<Case, 'queryNo' | 'item' | 'applicant' | 'id'>,
  deadline: string,
  eventSeq: number,
): NewOutboxMessage[] {
  const to = c.applicant.email;
  if (!config.smtp || !to) return [];
  const no = formatQueryNo(c.queryNo);
  return [
    {
      channel: 'email',
      recipient: to,
      dedupeKey: `supplement-due-soon:${c.id}:${eventSeq}`,
      subject: `【${config.centerName}】请在 ${deadline} 前补正材料（${no}）`,
      body: [
        `您好：`,
        ``,
        `您申请的「${c.item.name}」（查询号 ${no}）需要补正材料，补正期限为 ${deadline}，即将到期。`,
        `请按一次性补正告知书补齐全部材料，交回受理窗口。补正清单可凭查询号和联系电话后四位在网上查看。`,
        ``,
        `${config.centerName}（本邮件由系统自动发送，请勿直接回复）`,
      ].join('\n'),
    },
  ];
}
