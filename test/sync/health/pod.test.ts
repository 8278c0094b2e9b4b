/** Pod health (Argo CD's verdicts) and the cause it names: pod, container, probe. */
import test from 'ava';
import type { KubeObject } from '../../../src/core/index.js';
import { assessHealth, type HealthStatus } from '../../../src/sync/health/index.js';
import { containerStatus, crashLoop, pod, podConditions, scheduledFalse, terminated } from './objects.js';

const NAME = 'web-7f9c6d-abcde';

const cases: [string, KubeObject, HealthStatus][] = [
  ['running and ready', pod(), { status: 'Healthy' }],
  [
    'Pending: created, not yet started',
    pod({
      phase: 'Pending',
      containerStatuses: [
        containerStatus('web', {
          state: { waiting: { reason: 'ContainerCreating' } },
          ready: false,
          started: false,
        }),
      ],
    }),
    { status: 'Progressing', cause: { pod: NAME, container: 'web', reason: 'ContainerCreating' } },
  ],
  [
    'Pending: unschedulable',
    pod({
      phase: 'Pending',
      containerStatuses: [],
      conditions: scheduledFalse(
        '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available.',
      ),
    }),
    {
      status: 'Progressing',
      message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available.',
      cause: {
        pod: NAME,
        reason: 'Unschedulable',
        message: '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available.',
      },
    },
  ],
  [
    'Pending: ImagePullBackOff',
    pod({
      phase: 'Pending',
      containerStatuses: [
        containerStatus('web', {
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "shop/web:9"' } },
          ready: false,
          started: false,
        }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'Back-off pulling image "shop/web:9"',
      cause: {
        pod: NAME,
        container: 'web',
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "shop/web:9"',
      },
    },
  ],
  [
    'Pending: ErrImagePull',
    pod({
      phase: 'Pending',
      containerStatuses: [
        containerStatus('web', {
          state: {
            waiting: {
              reason: 'ErrImagePull',
              message: 'failed to pull and unpack image "docker.io/shop/web:9": not found',
            },
          },
          ready: false,
          started: false,
        }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'failed to pull and unpack image "docker.io/shop/web:9": not found',
      cause: {
        pod: NAME,
        container: 'web',
        reason: 'ErrImagePull',
        message: 'failed to pull and unpack image "docker.io/shop/web:9": not found',
      },
    },
  ],
  [
    'Pending: InvalidImageName',
    pod({
      phase: 'Pending',
      containerStatuses: [
        containerStatus('web', {
          state: {
            waiting: {
              reason: 'InvalidImageName',
              message: 'Failed to apply default image tag "Shop/Web": invalid reference format',
            },
          },
          ready: false,
          started: false,
        }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'Failed to apply default image tag "Shop/Web": invalid reference format',
      cause: {
        pod: NAME,
        container: 'web',
        reason: 'InvalidImageName',
        message: 'Failed to apply default image tag "Shop/Web": invalid reference format',
      },
    },
  ],
  [
    'Pending: CreateContainerConfigError',
    pod({
      phase: 'Pending',
      containerStatuses: [
        containerStatus('web', {
          state: {
            waiting: { reason: 'CreateContainerConfigError', message: 'secret "db-password" not found' },
          },
          ready: false,
          started: false,
        }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'secret "db-password" not found',
      cause: {
        pod: NAME,
        container: 'web',
        reason: 'CreateContainerConfigError',
        message: 'secret "db-password" not found',
      },
    },
  ],
  [
    'Pending: an init container crash-looping',
    pod({
      phase: 'Pending',
      initContainers: [{ name: 'migrate', image: 'shop/migrate:2' }],
      initContainerStatuses: [crashLoop('migrate', 2)],
      containerStatuses: [
        containerStatus('web', {
          state: { waiting: { reason: 'PodInitializing' } },
          ready: false,
          started: false,
        }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'back-off 40s restarting failed container=migrate pod=web-7f9c6d-abcde_shop(3f1c)',
      cause: {
        pod: NAME,
        container: 'migrate',
        reason: 'CrashLoopBackOff',
        exitCode: 2,
        message: 'back-off 40s restarting failed container=migrate pod=web-7f9c6d-abcde_shop(3f1c)',
      },
    },
  ],
  [
    'Pending with restartPolicy Never and ImagePullBackOff: a hook may still get its image',
    pod({
      phase: 'Pending',
      restartPolicy: 'Never',
      containerStatuses: [
        containerStatus('web', {
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "shop/web:9"' } },
          ready: false,
          started: false,
        }),
      ],
    }),
    {
      status: 'Progressing',
      cause: {
        pod: NAME,
        container: 'web',
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "shop/web:9"',
      },
    },
  ],
  [
    'Running: CrashLoopBackOff',
    pod({ containerStatuses: [crashLoop('web', 1)] }),
    {
      status: 'Degraded',
      message: 'back-off 40s restarting failed container=web pod=web-7f9c6d-abcde_shop(3f1c)',
      cause: {
        pod: NAME,
        container: 'web',
        reason: 'CrashLoopBackOff',
        exitCode: 1,
        message: 'back-off 40s restarting failed container=web pod=web-7f9c6d-abcde_shop(3f1c)',
      },
    },
  ],
  [
    'Running: not ready, readiness probe not passing',
    pod({
      containers: [
        { name: 'web', image: 'shop/web:2', readinessProbe: { httpGet: { path: '/healthz', port: 8080 } } },
      ],
      containerStatuses: [containerStatus('web', { ready: false })],
    }),
    {
      status: 'Progressing',
      message: 'containers with unready status: [web]',
      cause: { pod: NAME, container: 'web', probe: 'readiness', reason: 'NotReady' },
    },
  ],
  [
    'Running: startup probe not passed yet',
    pod({
      containers: [{ name: 'web', image: 'shop/web:2', startupProbe: { tcpSocket: { port: 8080 } } }],
      containerStatuses: [containerStatus('web', { ready: false, started: false })],
    }),
    {
      status: 'Progressing',
      message: 'containers with unready status: [web]',
      cause: { pod: NAME, container: 'web', probe: 'startup', reason: 'NotReady' },
    },
  ],
  [
    'Running: restarted by its liveness probe and not ready again',
    pod({
      containers: [
        { name: 'web', image: 'shop/web:2', livenessProbe: { httpGet: { path: '/live', port: 8080 } } },
      ],
      containerStatuses: [
        containerStatus('web', { ready: false, restartCount: 2, lastState: terminated(137) }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'containers with unready status: [web]',
      cause: { pod: NAME, container: 'web', probe: 'liveness', reason: 'Unhealthy', exitCode: 137 },
    },
  ],
  [
    'Running: crash-looping after liveness kills (exit 143: the app exited on SIGTERM)',
    pod({
      containers: [{ name: 'web', image: 'shop/web:2', livenessProbe: { exec: { command: ['true'] } } }],
      containerStatuses: [{ ...crashLoop('web', 143), lastState: terminated(143) }],
    }),
    {
      status: 'Degraded',
      message: 'back-off 40s restarting failed container=web pod=web-7f9c6d-abcde_shop(3f1c)',
      cause: {
        pod: NAME,
        container: 'web',
        probe: 'liveness',
        reason: 'CrashLoopBackOff',
        exitCode: 143,
        message: 'back-off 40s restarting failed container=web pod=web-7f9c6d-abcde_shop(3f1c)',
      },
    },
  ],
  [
    'Running: killed by SIGKILL with both liveness and startup probes: the status cannot tell which',
    pod({
      containers: [
        {
          name: 'web',
          image: 'shop/web:2',
          livenessProbe: { exec: { command: ['true'] } },
          startupProbe: { exec: { command: ['true'] } },
        },
      ],
      containerStatuses: [crashLoop('web', 137)],
    }),
    {
      status: 'Degraded',
      message: 'back-off 40s restarting failed container=web pod=web-7f9c6d-abcde_shop(3f1c)',
      cause: {
        pod: NAME,
        container: 'web',
        reason: 'CrashLoopBackOff',
        exitCode: 137,
        message: 'back-off 40s restarting failed container=web pod=web-7f9c6d-abcde_shop(3f1c)',
      },
    },
  ],
  [
    'Running: OOMKilled is no probe',
    pod({
      containers: [{ name: 'web', image: 'shop/web:2', livenessProbe: { exec: { command: ['true'] } } }],
      containerStatuses: [
        containerStatus('web', { ready: false, restartCount: 1, lastState: terminated(137, 'OOMKilled') }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'containers with unready status: [web]',
      cause: { pod: NAME, container: 'web', probe: 'readiness', reason: 'NotReady' },
    },
  ],
  [
    'Running with restartPolicy OnFailure (a hook): Progressing until it ends',
    pod({ restartPolicy: 'OnFailure' }),
    { status: 'Progressing' },
  ],
  [
    'Running with restartPolicy Never, not ready',
    pod({ restartPolicy: 'Never', containerStatuses: [containerStatus('web', { ready: false })] }),
    {
      status: 'Progressing',
      cause: { pod: NAME, container: 'web', probe: 'readiness', reason: 'NotReady' },
    },
  ],
  [
    'Succeeded',
    pod({
      phase: 'Succeeded',
      restartPolicy: 'Never',
      containerStatuses: [containerStatus('web', { state: terminated(0), ready: false, started: false })],
      conditions: podConditions(['web']),
    }),
    { status: 'Healthy' },
  ],
  [
    'Failed: exit code',
    pod({
      phase: 'Failed',
      restartPolicy: 'Never',
      containerStatuses: [containerStatus('web', { state: terminated(3), ready: false, started: false })],
    }),
    {
      status: 'Degraded',
      message: 'container "web" failed with exit code 3',
      cause: { pod: NAME, container: 'web', reason: 'Error', exitCode: 3 },
    },
  ],
  [
    'Failed: the termination message wins',
    pod({
      phase: 'Failed',
      restartPolicy: 'Never',
      containerStatuses: [
        containerStatus('web', {
          state: terminated(1, 'Error', 'migration 42 failed: relation "orders" already exists'),
          ready: false,
          started: false,
        }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'migration 42 failed: relation "orders" already exists',
      cause: {
        pod: NAME,
        container: 'web',
        reason: 'Error',
        exitCode: 1,
        message: 'migration 42 failed: relation "orders" already exists',
      },
    },
  ],
  [
    'Failed: OOMKilled',
    pod({
      phase: 'Failed',
      restartPolicy: 'Never',
      containerStatuses: [
        containerStatus('web', { state: terminated(137, 'OOMKilled'), ready: false, started: false }),
      ],
    }),
    {
      status: 'Degraded',
      message: 'OOMKilled',
      cause: { pod: NAME, container: 'web', reason: 'OOMKilled', exitCode: 137 },
    },
  ],
  [
    'Failed: evicted',
    pod({
      status: {
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi.',
        startTime: '2026-03-02T10:00:00Z',
      },
    }),
    {
      status: 'Degraded',
      message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi.',
      cause: {
        pod: NAME,
        reason: 'Evicted',
        message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 90Mi.',
      },
    },
  ],
  [
    'phase Unknown (node lost)',
    pod({ status: { phase: 'Unknown', message: 'node "node-1" is not responding' } }),
    {
      status: 'Unknown',
      message: 'node "node-1" is not responding',
      cause: { pod: NAME, reason: 'Unknown' },
    },
  ],
  ['being deleted', pod({ deleting: true }), { status: 'Progressing', message: 'Pending deletion' }],
];

for (const [name, obj, want] of cases) {
  test(`Pod: ${name}`, (t) => {
    t.deepEqual(assessHealth(obj), want);
  });
}

test("Pod: the embedded kubelet's NoCommand wait is a failure, not a start", (t) => {
  const p = pod({
    phase: 'Pending',
    containerStatuses: [
      containerStatus('web', {
        state: {
          waiting: {
            reason: 'NoCommand',
            message: 'container "web" has no command and image "shop/web:2" matches no imageCommands entry',
          },
        },
        ready: false,
        started: false,
      }),
    ],
  });
  t.like(assessHealth(p), { status: 'Degraded', cause: { container: 'web', reason: 'NoCommand' } });
});

test('Pod: of several containers, the one failing worst is the cause', (t) => {
  const p = pod({
    containers: [
      { name: 'web', image: 'shop/web:2' },
      { name: 'sidecar', image: 'shop/proxy:1' },
    ],
    containerStatuses: [containerStatus('web', { ready: false }), crashLoop('sidecar', 255)],
  });
  t.like(assessHealth(p), {
    status: 'Degraded',
    cause: { container: 'sidecar', reason: 'CrashLoopBackOff', exitCode: 255 },
  });
});
