import type { Application, Response } from 'express';
import { REPORT_TABLE_TITLES, reportTableGrid, type AnnualReportModel, type ReportTableKey } from '../domain/disclosure-report';
import { CSV_BOM, csvRow } from './csv';
import { reportView } from './report-view';

/** One table of the report as CSV (UTF-8 with BOM, for Excel), named after the table. */
export function sendReportCsv(res: Response, model: AnnualReportModel, key: ReportTableKey): void {
  const name = `${model.year}年政府信息公开工作年度报告-${REPORT_TABLE_TITLES[key]}.csv`;
  res.set('Content-Type', 'text/csv; charset=utf-8');
  res.set('Content-Disposition', `attachment; filename="disclosure-report-${model.year}-${key}.csv"; filename*=UTF-8''${encodeURIComponent(name)}`);
  res.send(CSV_BOM + reportTableGrid(model, key).map(csvRow).join(''));
}

/** The report as HTML (the catalog entry's body), from the same partial as the pages. */
export function renderReportHtml(app: Application, model: AnnualReportModel, csvBase: string | null): Promise<string> {
  return new Promise((resolve, reject) => {
    app.render('partials/disclosure-report', { model, csvBase, reportView }, (err, html) => (err ? reject(err) : resolve(html)));
  });
}
