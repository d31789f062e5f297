import {
  appealsSentence,
  checkTable3,
  feesSentence,
  formatWanYuan,
  requestsSentence,
  table3CheckMessage,
  table3Row,
  TABLE3_CHECK_NOTE,
  TABLE3_COLUMN_LABELS,
  TABLE3_COLUMNS,
  TABLE3_ROWS,
  TABLE4_COLUMNS,
} from '../domain/disclosure-report';
import { REVIEW_KINDS, REVIEW_OUTCOME_LABELS } from '../domain/disclosure-request';

/** What views/partials/disclosure-report.ejs needs from the domain (passed as `reportView`). */
export const reportView = {
  appealsSentence,
  checkTable3,
  feesSentence,
  formatWanYuan,
  requestsSentence,
  table3CheckMessage,
  table3Row,
  TABLE3_CHECK_NOTE,
  TABLE3_COLUMN_LABELS,
  TABLE3_COLUMNS,
  TABLE3_ROWS,
  TABLE4_COLUMNS,
  REVIEW_KINDS,
  REVIEW_OUTCOME_LABELS,
};
