import test from 'ava';
import { aboutObject, describeObject } from '../../src/sync/messages.js';

const web = { kind: 'Deployment', metadata: { namespace: 'app-0', name: 'web' } };

test('an error that already names the object is not prefixed with it again', (t) => {
  const what = describeObject(web);
  t.is(what, 'Deployment app-0/web');
  t.is(
    aboutObject(what, 'Deployment app-0/web: namespaces "app-0" not found [CLUSTER_NOT_FOUND]'),
    'Deployment app-0/web: namespaces "app-0" not found [CLUSTER_NOT_FOUND]',
  );
  t.is(aboutObject(what, 'connection refused'), 'Deployment app-0/web: connection refused');
  // another object's name at the start is no reason to leave ours out
  t.is(aboutObject(what, 'Deployment app-0/web2: x'), 'Deployment app-0/web: Deployment app-0/web2: x');
});
