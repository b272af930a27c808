import { InFlightBudget } from '../../local/in-flight-budget';

describe('InFlightBudget', () => {
  it('takes bytes while they fit, refuses past the budget, and takes again once released', () => {
    const budget = new InFlightBudget(100);
    expect(budget.tryReserve(60)).toBe(true);
    expect(budget.tryReserve(40)).toBe(true);
    expect(budget.tryReserve(1)).toBe(false);
    budget.release(40);
    expect(budget.bytesInFlight).toBe(60);
    expect(budget.tryReserve(41)).toBe(false);
    expect(budget.tryReserve(40)).toBe(true);
  });

  it('always lets one request in when nothing is in flight, however large', () => {
    const budget = new InFlightBudget(100);
    expect(budget.tryReserve(500)).toBe(true);
    expect(budget.tryReserve(1)).toBe(false);
    budget.release(500);
    expect(budget.bytesInFlight).toBe(0);
    expect(budget.tryReserve(1)).toBe(true);
  });

  it('lets a request that holds all that is in flight keep taking (a chunked body past the budget)', () => {
    const budget = new InFlightBudget(100);
    expect(budget.tryReserve(80)).toBe(true);
    expect(budget.tryReserve(80, 80)).toBe(true);
    expect(budget.tryReserve(1)).toBe(false);
    expect(budget.tryReserve(1, 100)).toBe(false); // someone else's 60 are in flight too
  });
});
