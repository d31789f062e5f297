/**
 * The web tests of the main flows (API: token, register, lookup, transitions, bulletin; staff
 * pages: login, register, move; public pages: lookup, bulletin search; 依申请公开: the public form,
 * lookup, the office's handling, fees, reviews and attachments) run again here with the app on a
 * PostgreSQL store.
 */
import { describePg, usePgServer, useTruncatedPgStores } from '../helpers/pg';
import { useStoreFactory } from '../helpers/test-app';

// Each request does a few more round trips than on SQLite; the slowest tests (ten logins) need room on a busy machine.
jest.setTimeout(20_000);

describePg('web on PostgreSQL', () => {
  const url = usePgServer();
  useStoreFactory(useTruncatedPgStores(url));
  require('./api.test');
  require('./staff-pages.test');
  require('./public-pages.test');
  require('./disclosure-requests.test');
});
