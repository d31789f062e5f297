import { Router, type Response } from 'express';
import type { WebContext } from '../app';
import { AppError } from '../domain/errors';
import { parseQueryNo } from '../domain/query-number';
import { STAGE_LABELS, isStage } from '../domain/stages';
import type { CaseUpdateBus } from '../services/live-updates';
import { rateLimit } from './rate-limit';

const HEARTBEAT_MS = 25_000;

export interface LiveLimits {
  total: number;
  perIp: number;
  perCase: number;
}

/**
 * Open server-sent-event streams, bounded in total, per client IP and per case, so a burst of
 * open pages cannot starve the staff side. closeAll() ends them on shutdown.
 */
export class LiveConnections {
  private readonly open = new Set<Response>();
  private readonly byIp = new Map<string, number>();
  private readonly byCase = new Map<string, number>();

  constructor(readonly limits: LiveLimits) {}

  get size(): number {
    return this.open.size;
  }

  tryAdd(res: Response, ip: string, queryNo: string): (() => void) | null {
    if (
      this.open.size >= this.limits.total ||
      (this.byIp.get(ip) ?? 0) >= this.limits.perIp ||
      (this.byCase.get(queryNo) ?? 0) >= this.limits.perCase
    ) {
      return null;
    }
    this.open.add(res);
    this.byIp.set(ip, (this.byIp.get(ip) ?? 0) + 1);
    this.byCase.set(queryNo, (this.byCase.get(queryNo) ?? 0) + 1);
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.open.delete(res);
      decrement(this.byIp, ip);
      decrement(this.byCase, queryNo);
    };
  }

  closeAll(): void {
    for (const res of this.open) res.end();
  }
}

function decrement(map: Map<string, number>, key: string): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

export function liveRoutes(ctx: WebContext, bus: CaseUpdateBus, connections: LiveConnections): Router {
  const router = Router();
  router.get('/lookup/events', rateLimit(ctx.lookupLimiter), (req, res) => {
    const parsed = parseQueryNo(req.query.no);
    if (!parsed.ok) throw new AppError(400, 'invalid_query_no', '查询号有误，请核对');
    const release = connections.tryAdd(res, req.ip ?? 'unknown', parsed.queryNo);
    if (!release) {
      res.set('Retry-After', '30');
      throw new AppError(503, 'live_busy', '实时更新连接已满，请稍后刷新页面');
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    res.flushHeaders();
    res.write('retry: 5000\n: connected\n\n');
    // Unknown numbers get a stream that never speaks: no answer tells whether a case exists.
    const unsubscribe = bus.subscribe(parsed.queryNo, (u) => {
      const label = isStage(u.stage) ? STAGE_LABELS[u.stage] : u.stage;
      res.write(`event: stage\ndata: ${JSON.stringify({ version: u.version, stage: u.stage, label })}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      release();
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  });
  return router;
}
