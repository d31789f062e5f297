/** Open data files of the results bulletin: CSV (RFC 4180, for Excel) and JSON. */
import { beijingDate } from '../domain/beijing-time';
import type { BulletinEntry } from '../domain/model';
import { CSV_BOM, csvCell, csvRow } from './csv';

/** Excel reads a UTF-8 CSV as the local code page (GBK) unless it starts with a byte order mark. */
export const UTF8_BOM = CSV_BOM;
export { csvCell };

const csvLine = csvRow;

export const BULLETIN_CSV_HEADER = csvLine([
  '公告编号',
  '决定文号',
  '事项代码',
  '事项名称',
  '事项类别',
  '申请人',
  '项目名称',
  '决定日期',
  '决定时间（UTC）',
  '许可机关',
  '部门代码',
  '有效期',
  '公告网址',
]);

export function bulletinCsvLine(e: BulletinEntry, url: string): string {
  return csvLine([
    e.id,
    e.decisionNo,
    e.item.code,
    e.item.name,
    e.item.category,
    e.applicantName,
    e.projectName,
    beijingDate(e.decidedAt),
    e.decidedAt,
    e.department.name,
    e.department.code,
    e.validity,
    url,
  ]);
}
