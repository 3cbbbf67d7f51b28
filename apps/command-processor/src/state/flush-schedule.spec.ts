import { FLUSH_WHEN_STAGED, FlushSchedule } from './flush-schedule';

describe('FlushSchedule', () => {
  it('is never due with nothing staged, not even forced', () => {
    const schedule = new FlushSchedule(1000, () => 5000);
    expect(schedule.due(0, 0, true)).toBe(false);
  });

  it('is due when forced, after the interval, or with many users staged (fake clock)', () => {
    let clock = 0;
    const schedule = new FlushSchedule(1000, () => clock);
    expect(schedule.due(0, 1, false)).toBe(false); // the first interval counts from the clock's epoch
    expect(schedule.due(0, 1, true)).toBe(true);
    expect(schedule.due(0, FLUSH_WHEN_STAGED, false)).toBe(true);
    clock = 1000;
    expect(schedule.due(0, 1, false)).toBe(true);
    schedule.flushed(0);
    clock = 1999;
    expect(schedule.due(0, 1, false)).toBe(false);
    expect(schedule.due(1, 1, false)).toBe(true); // per partition
    clock = 2000;
    expect(schedule.due(0, 1, false)).toBe(true);
  });
});
