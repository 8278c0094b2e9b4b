import test from 'ava';
import type { JsonObject } from '../../../../../src/core/index.js';
import {
  defaultPodSpec,
  defaultPodTemplateSpec,
  imageTag,
  validatePodSpec,
} from '../../../../../src/controlplane/api/kinds/pod-spec.js';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test('a template gets the PodSpec defaults a real API server sets, and no Pod-only ones', (t) => {
  const template: JsonObject = {
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [
        {
          name: 'web',
          image: 'nginx:1.27',
          ports: [{ containerPort: 80 }],
          env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          readinessProbe: { httpGet: { port: 80 } },
          livenessProbe: { grpc: { port: 9000 } },
          resources: { limits: { cpu: '1' } },
        },
      ],
    },
  };
  defaultPodTemplateSpec(template);
  t.deepEqual(template.spec, {
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [{ name: 'NODE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } }],
        readinessProbe: {
          httpGet: { port: 80, path: '/', scheme: 'HTTP' },
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
        livenessProbe: {
          grpc: { port: 9000, service: '' },
          timeoutSeconds: 1,
          periodSeconds: 10,
          successThreshold: 1,
          failureThreshold: 3,
        },
        resources: { limits: { cpu: '1' } },
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
  });
});

test('a Pod also gets enableServiceLinks, requests from limits and host ports under hostNetwork', (t) => {
  const spec: JsonObject = {
    hostNetwork: true,
    containers: [
      {
        name: 'a',
        image: 'x',
        ports: [{ containerPort: 8080 }],
        resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } },
      },
    ],
  };
  defaultPodSpec(spec);
  t.is(spec.enableServiceLinks, true);
  const c = (spec.containers as JsonObject[])[0]!;
  t.deepEqual((c.resources as JsonObject).requests, { cpu: '500m', memory: '1Gi' });
  t.deepEqual(c.ports, [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
  t.is(c.imagePullPolicy, 'Always');
});

test('image pull policy follows the tag: latest or none → Always, digest or other tag → IfNotPresent', (t) => {
  t.is(imageTag('nginx'), 'latest');
  t.is(imageTag('nginx:latest'), 'latest');
  t.is(imageTag('localhost:5000/app'), 'latest');
  t.is(imageTag('localhost:5000/app:v2'), 'v2');
  t.is(imageTag('app@sha256:abc'), '');
  const policies = ['nginx', 'nginx:1.2', 'app@sha256:abc', 'reg:5000/a'].map((image) => {
    const spec: JsonObject = { containers: [{ name: 'a', image }] };
    defaultPodSpec(spec, 'template');
    return (spec.containers as JsonObject[])[0]!.imagePullPolicy;
  });
  t.deepEqual(policies, ['Always', 'IfNotPresent', 'IfNotPresent', 'Always']);
});

test('volumes: no source means emptyDir, modes and hostPath type are filled in', (t) => {
  const spec: JsonObject = {
    containers: [{ name: 'a', image: 'x' }],
    volumes: [
      { name: 'scratch' },
      { name: 'cfg', configMap: { name: 'c' } },
      { name: 'sec', secret: { secretName: 's', defaultMode: 256 } },
      { name: 'host', hostPath: { path: '/tmp' } },
      { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } },
    ],
  };
  defaultPodSpec(spec, 'template');
  t.deepEqual(spec.volumes, [
    { name: 'scratch', emptyDir: {} },
    { name: 'cfg', configMap: { name: 'c', defaultMode: 420 } },
    { name: 'sec', secret: { secretName: 's', defaultMode: 256 } },
    { name: 'host', hostPath: { path: '/tmp', type: '' } },
    {
      name: 'proj',
      projected: {
        defaultMode: 420,
        sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }],
      },
    },
  ]);
});

test('defaulting is idempotent', (t) => {
  const spec: JsonObject = {
    containers: [{ name: 'a', image: 'x', livenessProbe: { exec: { command: ['true'] } } }],
  };
  defaultPodSpec(spec);
  const once = clone(spec);
  defaultPodSpec(spec);
  t.deepEqual(spec, once);
});

const valid = (): JsonObject => {
  const spec: JsonObject = {
    containers: [
      {
        name: 'web',
        image: 'nginx',
        ports: [{ name: 'http', containerPort: 80 }],
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox' }],
    volumes: [{ name: 'data' }],
  };
  defaultPodSpec(spec, 'template');
  return spec;
};

test('a well-formed spec has no errors', (t) => {
  t.deepEqual(validatePodSpec(valid(), 'spec'), []);
});

test('containers are required', (t) => {
  t.deepEqual(validatePodSpec({ restartPolicy: 'Always', containers: [] }, 'spec.template.spec'), [
    { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers' },
  ]);
});

test('names, images, ports, mounts, env and restartPolicy are checked', (t) => {
  const spec = valid();
  const c = (spec.containers as JsonObject[])[0]!;
  c.name = 'init';
  delete c.image;
  c.ports = [
    { name: 'a-very-long-port-name', containerPort: 0 },
    { name: 'x', containerPort: 81 },
    { name: 'x', containerPort: 82 },
  ];
  c.volumeMounts = [{ name: 'missing', mountPath: '/m' }];
  c.env = [{ name: 'A=B' }];
  spec.restartPolicy = 'Sometimes';
  const fields = validatePodSpec(spec, 'spec').map((e) => `${e.field} ${e.reason}`);
  t.deepEqual(fields, [
    'spec.containers[0].image FieldValueRequired',
    'spec.containers[0].ports[0].name FieldValueInvalid',
    'spec.containers[0].ports[0].containerPort FieldValueInvalid',
    'spec.containers[0].ports[2].name FieldValueDuplicate',
    'spec.containers[0].env[0].name FieldValueInvalid',
    'spec.containers[0].volumeMounts[0].name FieldValueNotFound',
    'spec.containers[0].name FieldValueDuplicate',
    'spec.restartPolicy FieldValueNotSupported',
  ]);
});

test('probes need exactly one handler; requests may not exceed limits', (t) => {
  const spec = valid();
  const c = (spec.containers as JsonObject[])[0]!;
  c.readinessProbe = { exec: { command: ['x'] }, tcpSocket: { port: 80 } };
  c.livenessProbe = { periodSeconds: 5 };
  c.resources = { requests: { cpu: '2' }, limits: { cpu: '500m' } };
  t.deepEqual(validatePodSpec(spec, 'spec'), [
    {
      reason: 'FieldValueRequired',
      message: 'Required value: must specify a handler type',
      field: 'spec.containers[0].livenessProbe',
    },
    {
      reason: 'FieldValueForbidden',
      message: 'Forbidden: may not specify more than 1 handler type',
      field: 'spec.containers[0].readinessProbe.tcpSocket',
    },
    {
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "2": must be less than or equal to cpu limit of 500m',
      field: 'spec.containers[0].resources.requests[cpu]',
    },
  ]);
});

test('volume names are unique DNS labels', (t) => {
  const spec = valid();
  spec.volumes = [
    { name: 'data', emptyDir: {} },
    { name: 'data', emptyDir: {} },
    { name: 'Bad_Name', emptyDir: {} },
  ];
  t.deepEqual(
    validatePodSpec(spec, 'spec').map((e) => `${e.field} ${e.reason}`),
    ['spec.volumes[1].name FieldValueDuplicate', 'spec.volumes[2].name FieldValueInvalid'],
  );
});
