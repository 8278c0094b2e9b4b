/** The workload selector `app logs` lists pods by, in the list API's label selector syntax. */
import test from 'ava';
import { labelSelectorOf } from '../../src/daemon/app-logs.js';

test('matchLabels and every matchExpressions operator become one label selector', (t) => {
  t.is(
    labelSelectorOf({
      matchLabels: { app: 'web', tier: 'front' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['a', 'b'] },
        { key: 'legacy', operator: 'NotIn', values: ['yes'] },
        { key: 'team', operator: 'Exists' },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    }),
    'app=web,tier=front,env in (a,b),legacy notin (yes),team,!canary',
  );
});

test('no selector, or an empty one, is the empty string (selects nothing for a workload)', (t) => {
  t.is(labelSelectorOf(undefined), '');
  t.is(labelSelectorOf({}), '');
  t.is(labelSelectorOf({ matchLabels: {}, matchExpressions: [] }), '');
});
