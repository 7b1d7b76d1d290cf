import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartBudget } from '../src/restarts';

describe('RestartBudget', () => {
  it('restarts a few times, then stops', () => {
    const budget = new RestartBudget(3, 60_000);
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => budget.crashed(i * 1000)),
      [true, true, true, false],
    );
  });
  it('forgets crashes older than the window', () => {
    const budget = new RestartBudget(2, 60_000);
    assert.ok(budget.crashed(0));
    assert.ok(budget.crashed(1000));
    assert.ok(!budget.crashed(2000));
    assert.ok(budget.crashed(62_500)); // the first three are out of the window now
    assert.ok(budget.crashed(63_000));
    assert.ok(!budget.crashed(63_500));
  });
  it('starts counting again after a restart by hand', () => {
    const budget = new RestartBudget(1, 60_000);
    assert.ok(budget.crashed(0));
    assert.ok(!budget.crashed(1));
    budget.reset();
    assert.ok(budget.crashed(2));
  });
});
