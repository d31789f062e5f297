import express, { Router, type Response } from 'express';
import type { WebContext } from '../app';
import {
  APPLICANT_KIND_LABELS,
  APPLICANT_KINDS,
  DELIVERY_FORM_LABELS,
  DELIVERY_FORMS,
} from '../domain/disclosure-request';
import { AppError, ValidationError } from '../domain/errors';
import { formatQueryNo, parseQueryNo } from '../domain/query-number';
import { submitDisclosureRequest } from '../services/disclosure-requests';
import { requestFormSchema } from './disclosure-request-schemas';
import { rateLimit } from './rate-limit';
import { parseInput } from './schemas';
import { publicCsrf, verifyCsrf } from './security';

const FIELDS = ['applicantKind', 'applicantName', 'idNumber', 'contactPerson', 'phone', 'email', 'address', 'description', 'deliveryForm'] as const;
type FormValues = Record<(typeof FIELDS)[number], string>;

function formValues(body: Record<string, unknown>): FormValues {
  const out = {} as FormValues;
  for (const f of FIELDS) out[f] = typeof body[f] === 'string' ? (body[f] as string).slice(0, f === 'description' ? 4000 : 300) : '';
  return out;
}

/** 依申请公开: the online 申请表 under the 政府信息公开 column (mounted inside disclosureRoutes). */
export function disclosureRequestRoutes(ctx: WebContext): Router {
  const { deps, config } = ctx;
  const router = Router();
  const csrf = publicCsrf(config.env === 'production');

  const render = (res: Response, status: number, values: FormValues, errors: Record<string, string>) =>
    res.status(status).render('public/disclosure-request-form', {
      title: '政府信息公开申请',
      values,
      errors,
      kinds: APPLICANT_KINDS,
      kindLabels: APPLICANT_KIND_LABELS,
      deliveryForms: DELIVERY_FORMS,
      deliveryLabels: DELIVERY_FORM_LABELS,
    });

  router.get('/disclosure/requests/new', csrf, (_req, res) => {
    res.set('Cache-Control', 'no-store');
    render(res, 200, { ...formValues({}), applicantKind: 'person', deliveryForm: 'email' }, {});
  });

  router.post(
    '/disclosure/requests',
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 20 }),
    csrf,
    verifyCsrf,
    rateLimit(ctx.requestLimiter),
    async (req, res) => {
      res.set('Cache-Control', 'no-store');
      const values = formValues(req.body as Record<string, unknown>);
      try {
        const input = parseInput(requestFormSchema, values);
        const saved = await submitDisclosureRequest(deps, input);
        res.redirect(303, `/disclosure/requests/submitted?no=${saved.queryNo}`);
      } catch (err) {
        if (err instanceof ValidationError) return render(res, 400, values, err.fields ?? {});
        throw err;
      }
    },
  );

  router.get('/disclosure/requests/submitted', async (req, res) => {
    const parsed = parseQueryNo(req.query.no);
    const found = parsed.ok ? await deps.store.findDisclosureRequestByQueryNo(parsed.queryNo) : null;
    if (!parsed.ok || !found) throw new AppError(404, 'not_found', '未找到该申请');
    res.set('Cache-Control', 'no-store');
    res.render('public/disclosure-request-submitted', {
      title: '申请已提交',
      queryNo: found.queryNo,
      grouped: formatQueryNo(found.queryNo),
      receivedOn: found.receivedOn,
      dueOn: found.dueOn,
    });
  });

  return router;
}
