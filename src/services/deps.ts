import type { Config } from '../config';
import type { Store } from '../store/store';
import type { CalendarService } from './clock';
import type { CaseUpdateBus } from './live-updates';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything a service needs from outside; tests pass their own clock and random source. */
export interface Deps {
  store: Store;
  clock: Clock;
  /** 11 crypto-strong symbols of the query-number alphabet. */
  randomQueryBody: () => string;
  config: Config;
  calendars: CalendarService;
  /** Optional so scripts (demo data, tools) can run services without live pages. */
  updates?: CaseUpdateBus;
}
