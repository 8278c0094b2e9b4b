/**
 * Issue 10, "also seen": `maxSurge: "150%"` was refused though Kubernetes caps only
 * maxUnavailable at 100% for Deployments, and `replicas: 2^53+1` was accepted though
 * replicas is an int32. Integer fields now fit their Go widths as kube-apiserver's JSON
 * decoding demands (400 BadRequest in encoding/json's words), on every write path: create,
 * update, the patch types and the in-process API.
 */
import test from 'ava';
import type { JsonObject } from '../../src/core/index.js';
import { ApiError } from '../../src/controlplane/api/errors.js';
import {
  rawRequest,
  removeDir,
  startTestControlPlane,
  type TestControlPlane,
} from '../controlplane/helpers.js';

let env: TestControlPlane;
const NS = 'default';
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;

test.before(async () => {
  env = await startTestControlPlane(undefined, { controllers: false });
});

test.after.always(async () => {
  await env?.close();
  if (env) removeDir(env.dataDir);
});

/** Sends `body` as written (a string keeps number literals JSON.stringify would round). */
async function send(method: string, path: string, body: string, contentType = 'application/json') {
  const res = await rawRequest(env, method, path, {
    token: 'test-token',
    body,
    headers: { 'content-type': contentType },
  });
  return { status: res.status, json: JSON.parse(res.body) as JsonObject };
}

const template = (name: string, extra = '') =>
  `{"metadata":{"labels":{"app":"${name}"}},"spec":{${extra}"containers":[{"name":"c","image":"nginx"}]}}`;

/** A Deployment manifest with `spec` fields spliced in as raw JSON text. */
const deployment = (name: string, specFields: string, templateExtra = '') =>
  `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"${name}"},"spec":{${specFields}` +
  `"selector":{"matchLabels":{"app":"${name}"}},"template":${template(name, templateExtra)}}}`;

const decodeError = (kind: string, detail: string) =>
  `${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${detail}`;

test('a Deployment may surge by more than 100%; maxUnavailable stays capped', async (t) => {
  const surge = await send(
    'POST',
    DEPLOYMENTS,
    deployment('surge', '"strategy":{"rollingUpdate":{"maxSurge":"150%","maxUnavailable":"25%"}},'),
  );
  t.is(surge.status, 201, JSON.stringify(surge.json));
  const unavailable = await send(
    'POST',
    DEPLOYMENTS,
    deployment('unavailable', '"strategy":{"rollingUpdate":{"maxSurge":1,"maxUnavailable":"150%"}},'),
  );
  t.is(unavailable.status, 422);
  t.is(
    unavailable.json.message,
    'Deployment.apps "unavailable" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
  );
});

test('a DaemonSet keeps both maxSurge and maxUnavailable within 100%, as upstream does', async (t) => {
  const res = await send(
    'POST',
    `/apis/apps/v1/namespaces/${NS}/daemonsets`,
    `{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"ds"},"spec":{` +
      `"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"150%","maxUnavailable":0}},` +
      `"selector":{"matchLabels":{"app":"ds"}},"template":${template('ds')}}}`,
  );
  t.is(res.status, 422);
  t.regex(String(res.json.message), /maxSurge: Invalid value: "150%": must not be greater than 100%/);
});

test('replicas beyond int32 is refused as the JSON decoder refuses it, at the int32 edge too', async (t) => {
  const huge = await send('POST', DEPLOYMENTS, deployment('huge', '"replicas":9007199254740993,'));
  t.is(huge.status, 400);
  t.is(huge.json.reason, 'BadRequest');
  // JSON.parse already rounded 2^53+1 to 2^53; the message shows the number as read
  t.is(
    huge.json.message,
    decodeError(
      'Deployment',
      'number 9007199254740992 into Go struct field DeploymentSpec.spec.replicas of type int32',
    ),
  );
  const edge = await send('POST', DEPLOYMENTS, deployment('edge', '"replicas":2147483648,'));
  t.is(edge.status, 400);
  t.regex(
    String(edge.json.message),
    /number 2147483648 into Go struct field DeploymentSpec\.spec\.replicas of type int32$/,
  );
  const largest = await send('POST', DEPLOYMENTS, deployment('largest', '"replicas":2147483647,'));
  t.is(largest.status, 201, JSON.stringify(largest.json));
  const fraction = await send('POST', DEPLOYMENTS, deployment('fraction', '"replicas":1.5,'));
  t.is(fraction.status, 400);
  t.regex(String(fraction.json.message), /number 1\.5 into Go struct field DeploymentSpec\.spec\.replicas/);
  for (const refused of ['huge', 'edge', 'fraction'])
    t.is((await send('GET', `${DEPLOYMENTS}/${refused}`, '')).status, 404, refused);
});

test('int32 fields of other kinds and nested messages: StatefulSet replicas, container and Service ports, maxSurge', async (t) => {
  const sts = await send(
    'POST',
    `/apis/apps/v1/namespaces/${NS}/statefulsets`,
    `{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"sts"},"spec":{"replicas":4294967296,` +
      `"serviceName":"sts","selector":{"matchLabels":{"app":"sts"}},"template":${template('sts')}}}`,
  );
  t.is(sts.status, 400);
  t.is(
    sts.json.message,
    decodeError(
      'StatefulSet',
      'number 4294967296 into Go struct field StatefulSetSpec.spec.replicas of type int32',
    ),
  );
  const port = await send(
    'POST',
    `/api/v1/namespaces/${NS}/pods`,
    `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"nginx",` +
      `"ports":[{"containerPort":80},{"containerPort":4294967376}]}]}}`,
  );
  t.is(port.status, 400);
  t.is(
    port.json.message,
    decodeError(
      'Pod',
      'number 4294967376 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    ),
  );
  const service = await send(
    'POST',
    `/api/v1/namespaces/${NS}/services`,
    `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"spec":{"ports":[{"port":-2147483649}]}}`,
  );
  t.is(service.status, 400);
  t.regex(
    String(service.json.message),
    /number -2147483649 into Go struct field ServicePort\.spec\.ports\.port of type int32$/,
  );
  const surge = await send(
    'POST',
    DEPLOYMENTS,
    deployment('surge-count', '"strategy":{"rollingUpdate":{"maxSurge":3000000000}},'),
  );
  t.is(surge.status, 400);
  t.regex(
    String(surge.json.message),
    /number 3000000000 into Go struct field RollingUpdateDeployment\.spec\.strategy\.rollingUpdate\.maxSurge of type int32$/,
  );
});

test('int64 fields take values beyond int32', async (t) => {
  const res = await send(
    'POST',
    DEPLOYMENTS,
    deployment(
      'wide',
      '',
      '"terminationGracePeriodSeconds":3000000000,"securityContext":{"runAsUser":3000000000},',
    ),
  );
  t.is(res.status, 201, JSON.stringify(res.json));
});

test('PUT, merge, strategic and apply patches and the in-process API refuse replicas beyond int32', async (t) => {
  const created = await send('POST', DEPLOYMENTS, deployment('patched', '"replicas":1,'));
  t.is(created.status, 201);
  const path = `${DEPLOYMENTS}/patched`;
  const message = decodeError(
    'Deployment',
    'number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32',
  );
  const current = (await send('GET', path, '')).json;
  const put = await send(
    'PUT',
    path,
    JSON.stringify({ ...current, spec: { ...(current.spec as JsonObject), replicas: 2 ** 31 } }),
  );
  t.is(put.status, 400);
  t.is(put.json.message, message);
  for (const contentType of ['application/merge-patch+json', 'application/strategic-merge-patch+json']) {
    const res = await send('PATCH', path, '{"spec":{"replicas":2147483648}}', contentType);
    t.is(res.status, 400, contentType);
    t.is(res.json.message, message, contentType);
  }
  const json = await send(
    'PATCH',
    path,
    '[{"op":"replace","path":"/spec/replicas","value":2147483648}]',
    'application/json-patch+json',
  );
  t.is(json.status, 400);
  const apply = await send(
    'PATCH',
    `${path}?fieldManager=ranges&force=true`,
    '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"patched"},"spec":{"replicas":2147483648}}',
    'application/apply-patch+yaml',
  );
  t.is(apply.status, 400);
  t.is(apply.json.message, message);
  const error = await t.throwsAsync(
    env.cp.api.patch(
      { group: 'apps', version: 'v1', resource: 'deployments' },
      NS,
      'patched',
      'apply',
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'patched' },
        spec: { replicas: 2 ** 31 },
      },
      { fieldManager: 'capstan', force: true },
    ),
  );
  t.true(error instanceof ApiError);
  t.is((error as ApiError).code, 400);
  t.is(((await send('GET', path, '')).json.spec as JsonObject).replicas, 1);
});
