import type { RequestHandler } from 'express';
import type { VisitCounter } from '../services/visit-counter';

/**
 * Counts a page view when a public HTML page was served (200). Static files, the API, health
 * checks and staff pages are mounted elsewhere and never reach this; feeds and downloads are not
 * HTML; error pages are not views of a page.
 */
export function countPageViews(visits: VisitCounter): RequestHandler {
  return (req, res, next) => {
    if (req.method === 'GET') {
      res.on('finish', () => {
        if (res.statusCode === 200 && /^text\/html\b/.test(String(res.get('Content-Type') ?? ''))) visits.record();
      });
    }
    next();
  };
}
