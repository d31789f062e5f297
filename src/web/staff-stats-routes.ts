import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../app';
import { AppError, ValidationError } from '../domain/errors';
import { formatRate } from '../domain/evaluation';
import type { Staff } from '../domain/model';
import { beijingDate } from '../domain/beijing-time';
import { previousMonth } from '../domain/periods';
import { dashboard, statsDepartments, type Dashboard, type StatsQuery } from '../services/stats';
import { barChartModel, lineChartModel } from './charts';
import { CSV_BOM, csvRow } from './csv';
import { statsPeriodSchema } from './evaluation-schemas';
import { parseInput } from './schemas';

const CSV_TABLES = ['summary', 'trend', 'stages', 'items', 'levels'] as const;
type CsvTable = (typeof CSV_TABLES)[number];

/** The rows of each table, shared by the page's data tables and the CSV downloads. */
function tableRows(d: Dashboard, table: CsvTable): { head: string[]; rows: (string | number)[][] } {
  switch (table) {
    case 'summary':
      return {
        head: ['指标', '数值'],
        rows: [
          ['收件数', d.registered],
          ['办结数', d.completed],
          ['作出决定数', d.decided],
          ['按时决定数', d.onTime],
          ['按时办结率', formatRate(d.onTimeRate)],
          ['满意率', formatRate(d.satisfiedRate)],
        ],
      };
    case 'trend':
      return { head: ['月份', '收件数', '办结数'], rows: d.trend.map((t) => [t.month, t.registered, t.completed]) };
    case 'stages':
      return { head: ['阶段', '办件数'], rows: d.stages.map((s) => [s.label, s.count]) };
    case 'items':
      return {
        head: ['事项编码', '事项', '决定件数', '平均办理工作日'],
        rows: d.items.map((i) => [i.code, i.name, i.cases, i.averageWorkingDays ?? '—']),
      };
    case 'levels':
      return { head: ['评价等级', '件数'], rows: d.levels.map((l) => [l.label, l.count]) };
  }
}

/** 统计 dashboard: own department (admins: any, or the whole center), over a period of Beijing dates. */
export function staffStatsRoutes(ctx: WebContext): Router {
  const { deps } = ctx;
  const router = Router();
  const staffOf = (res: Response) => res.locals.staff as Staff;
  const str = (req: Request, name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string).trim().slice(0, 20) : '');

  /** Reads dept/from/to; a bad period is a ValidationError naming the field. */
  const readQuery = async (req: Request, res: Response) => {
    const staff = staffOf(res);
    const departments = await statsDepartments(deps, staff);
    const today = beijingDate(deps.clock.now());
    const values = {
      dept: str(req, 'dept'),
      from: str(req, 'from') || `${previousMonth(previousMonth(previousMonth(previousMonth(previousMonth(today.slice(0, 7))))))}-01`,
      to: str(req, 'to') || today,
    };
    const department = staff.role === 'admin' ? departments.find((d) => d.code === values.dept) : departments[0];
    if (staff.role !== 'admin' && !department) throw new AppError(403, 'forbidden', '您的账号未关联部门，无法查看统计');
    values.dept = department?.code ?? '';
    return { staff, departments, values, department };
  };

  router.get('/stats', async (req, res) => {
    const { departments, values, department } = await readQuery(req, res);
    let d: Dashboard | null = null;
    let errors: Record<string, string> = {};
    try {
      const period = parseInput(statsPeriodSchema, { from: values.from, to: values.to });
      d = await dashboard(deps, { department, ...period } as StatsQuery);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      errors = err.fields ?? {};
    }
    const params = new URLSearchParams({ dept: values.dept, from: values.from, to: values.to });
    res.status(d ? 200 : 400).render('staff/stats', {
      title: '统计',
      d,
      values,
      errors,
      departments,
      scopeName: department?.name ?? '全中心',
      tables: d ? Object.fromEntries(CSV_TABLES.map((t) => [t, tableRows(d as Dashboard, t)])) : {},
      csvHref: (table: string) => `/staff/stats.csv?table=${table}&${params}`,
      charts: d
        ? {
            trend: lineChartModel({
              title: `${department?.name ?? '全中心'} 每月收件与办结`,
              categories: d.trend.map((t) => t.month),
              series: [
                { name: '收件数', values: d.trend.map((t) => t.registered) },
                { name: '办结数', values: d.trend.map((t) => t.completed) },
              ],
            }),
            stages: barChartModel({ title: '当前各阶段办件数', bars: d.stages.map((s) => ({ label: s.label, value: s.count })), unit: '件' }),
            items: barChartModel({
              title: '各事项平均办理工作日（受理至决定）',
              bars: d.items.map((i) => ({ label: i.name, value: i.averageWorkingDays ?? 0 })),
              unit: '日',
              labelWidth: 230,
            }),
            levels: barChartModel({ title: '评价等级分布', bars: d.levels.map((l) => ({ label: l.label, value: l.count })), unit: '件' }),
          }
        : null,
    });
  });

  router.get('/stats.csv', async (req, res) => {
    const { values, department } = await readQuery(req, res);
    const table = (CSV_TABLES as readonly string[]).includes(str(req, 'table')) ? (str(req, 'table') as CsvTable) : null;
    if (!table) throw new AppError(404, 'not_found', '没有这个统计表');
    const period = parseInput(statsPeriodSchema, { from: values.from, to: values.to });
    const d = await dashboard(deps, { department, ...period } as StatsQuery);
    const { head, rows } = tableRows(d, table);
    const name = `stats-${table}-${department?.code ?? 'all'}-${period.from}-${period.to}.csv`;
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="${name}"`);
    res.send(CSV_BOM + csvRow(head) + rows.map(csvRow).join(''));
  });

  return router;
}
