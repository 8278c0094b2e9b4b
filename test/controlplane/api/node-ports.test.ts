/** Node ports as kube-apiserver hands them out: allocated, validated, kept, released, rebuilt. */
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JsonObject } from '../../../src/core/index.js';
import { ApiError, startControlPlane, type ControlPlane } from '../../../src/controlplane/index.js';
import { NodePortAllocator, staticBandSize } from '../../../src/controlplane/api/registry/node-ports.js';

const SERVICES = { group: '', version: 'v1', resource: 'services' };

test('the static band: min(max(16, size/32), 128), none under 16 ports', (t) => {
  const cases: Array<[number, number]> = [
    [15, 0],
    [16, 16],
    [128, 16],
    [2768, 86], // 30000-32767: 30000-30085 static, 30086-32767 dynamic
    [4096, 128],
    [8192, 128],
  ];
  for (const [size, band] of cases) t.is(staticBandSize(size), band, `size ${size}`);
});

test('random ports come from the high band first, then the low band; requests are checked', (t) => {
  const ports = new NodePortAllocator({ base: 30000, size: 20 }, () => 0);
  // 20 ports: 16 static (30000-30015), 4 dynamic (30016-30019)
  t.deepEqual(
    [1, 2, 3, 4].map(() => ports.allocateNext()),
    [30016, 30017, 30018, 30019],
  );
  t.is(ports.allocateNext(), 30000);
  t.is(ports.allocate(30000), 'provided port is already allocated');
  t.is(
    ports.allocate(29999),
    'provided port is not in the valid range. The range of valid ports is 30000-30019',
  );
  t.is(ports.allocate(30005), undefined);
  ports.release(30017);
  t.is(ports.allocateNext(), 30017);
  const full = new NodePortAllocator({ base: 30000, size: 2 });
  t.truthy(full.allocateNext());
  t.truthy(full.allocateNext());
  t.is(full.allocateNext(), undefined);
});

let cp: ControlPlane;
let dataDir: string;

test.before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-nodeports-'));
  cp = await startControlPlane({ dataDir, http: false, controllers: false, token: 't' });
});

test.after.always(async () => {
  await cp?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const svc = (name: string, spec: JsonObject): JsonObject => ({
  metadata: { name, namespace: 'default' },
  spec: { selector: { app: name }, ...spec },
});

const create = (name: string, spec: JsonObject, dryRun = false) =>
  cp.api.create(SERVICES, 'default', svc(name, spec), { dryRun });

const portsOf = (o: JsonObject) => ((o.spec as JsonObject).ports ?? []) as JsonObject[];

async function invalidMessage(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof ApiError) || e.reason !== 'Invalid')
    throw new Error(`expected Invalid, got ${String(e)}`);
  return e.message;
}

test.serial('a NodePort Service gets a random node port from the dynamic band', async (t) => {
  const made = await create('np-auto', { type: 'NodePort', ports: [{ port: 80 }] });
  const np = portsOf(made)[0].nodePort as number;
  t.true(np >= 30086 && np <= 32767, String(np));
  t.is((made.spec as JsonObject).externalTrafficPolicy, 'Cluster');
});

test.serial(
  'a requested node port is reserved; taking it again is Invalid, as upstream words it',
  async (t) => {
    const made = await create('np-a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] });
    t.is(portsOf(made)[0].nodePort, 30007);
    t.is(
      await invalidMessage(create('np-b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30007 }] })),
      'Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: 30007: provided port is already allocated',
    );
    t.is(
      await invalidMessage(
        create('np-c', {
          type: 'NodePort',
          ports: [
            { name: 'a', port: 80 },
            { name: 'b', port: 81, nodePort: 29999 },
          ],
        }),
      ),
      'Service "np-c" is invalid: spec.ports[1].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    // the failed create gave back the port it had taken for port "a"
    t.falsy(cp.store.get({ group: '', resource: 'services', namespace: 'default', name: 'np-c' }));
  },
);

test.serial('TCP and UDP on one port number share a node port; ClusterIP may not ask for one', async (t) => {
  const made = await create('dns', {
    type: 'NodePort',
    ports: [
      { name: 'tcp', port: 53, protocol: 'TCP' },
      { name: 'udp', port: 53, protocol: 'UDP' },
    ],
  });
  const [a, b] = portsOf(made).map((p) => p.nodePort);
  t.is(a, b);
  t.regex(
    await invalidMessage(create('cip', { ports: [{ port: 80, nodePort: 30008 }] })),
    /spec.ports\[0\].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/,
  );
  // the forbidden request did not keep the port either
  t.is(
    portsOf(await create('np-30008', { type: 'NodePort', ports: [{ port: 80, nodePort: 30008 }] }))[0]
      .nodePort,
    30008,
  );
});

test.serial('an update that leaves nodePort out keeps it (patchAllocatedValues), by port name', async (t) => {
  const made = await create('keep', {
    type: 'NodePort',
    ports: [
      { name: 'http', port: 80 },
      { name: 'metrics', port: 9090 },
    ],
  });
  const [http, metrics] = portsOf(made).map((p) => p.nodePort);
  // a re-sent manifest, with the ports in another order and without clusterIP or nodePorts
  const resent = svc('keep', {
    type: 'NodePort',
    ports: [
      { name: 'metrics', port: 9090 },
      { name: 'http', port: 80 },
    ],
  });
  const updated = await cp.api.update(SERVICES, 'default', 'keep', resent);
  t.deepEqual(
    portsOf(updated).map((p) => [p.name, p.nodePort]),
    [
      ['metrics', metrics],
      ['http', http],
    ],
  );
  t.is((updated.spec as JsonObject).clusterIP, (made.spec as JsonObject).clusterIP);
  // a port added later gets a new one; the old ones stay
  const added = await cp.api.patch(SERVICES, 'default', 'keep', 'strategic', {
    spec: { ports: [{ name: 'admin', port: 8081 }] },
  });
  const adminPort = portsOf(added).find((p) => p.name === 'admin')?.nodePort as number;
  t.true(adminPort >= 30000 && adminPort !== http && adminPort !== metrics);
});

test.serial('changing a node port releases the old one; dry runs hold nothing', async (t) => {
  await create('move', { type: 'NodePort', ports: [{ port: 80, nodePort: 30010 }] });
  await cp.api.patch(SERVICES, 'default', 'move', 'json', [
    { op: 'replace', path: '/spec/ports/0/nodePort', value: 30011 },
  ]);
  t.is(
    portsOf(await create('reuse-30010', { type: 'NodePort', ports: [{ port: 80, nodePort: 30010 }] }))[0]
      .nodePort,
    30010,
  );
  await create('dry', { type: 'NodePort', ports: [{ port: 80, nodePort: 30012 }] }, true);
  t.is(
    portsOf(await create('after-dry', { type: 'NodePort', ports: [{ port: 80, nodePort: 30012 }] }))[0]
      .nodePort,
    30012,
  );
});

test.serial('to ClusterIP: node ports and externalTrafficPolicy go, the ports are free again', async (t) => {
  await create('lb', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30020 }] });
  await cp.api.update(
    SERVICES,
    'default',
    'lb',
    {
      ...cp.api.get(SERVICES, 'default', 'lb'),
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } },
    },
    { subresource: 'status' },
  );
  t.deepEqual((cp.api.get(SERVICES, 'default', 'lb').status as any).loadBalancer.ingress, [
    { ip: '127.0.0.1', ipMode: 'VIP' },
  ]);
  const changed = await cp.api.patch(SERVICES, 'default', 'lb', 'merge', { spec: { type: 'ClusterIP' } });
  const spec = changed.spec as JsonObject;
  t.is(portsOf(changed)[0].nodePort as unknown, undefined);
  t.is(spec.externalTrafficPolicy as unknown, undefined);
  t.is(spec.allocateLoadBalancerNodePorts as unknown, undefined);
  t.deepEqual(changed.status, { loadBalancer: {} }, 'the load balancer status goes with the type');
  t.is(
    portsOf(await create('lb-port-free', { type: 'NodePort', ports: [{ port: 80, nodePort: 30020 }] }))[0]
      .nodePort,
    30020,
  );
});

test.serial(
  'deleting a Service releases its node ports; allocateLoadBalancerNodePorts: false takes none',
  async (t) => {
    await create('gone', { type: 'NodePort', ports: [{ port: 80, nodePort: 30030 }] });
    await cp.api.delete(SERVICES, 'default', 'gone');
    t.is(
      portsOf(await create('gone-again', { type: 'NodePort', ports: [{ port: 80, nodePort: 30030 }] }))[0]
        .nodePort,
      30030,
    );
    const lb = await create('lb-none', {
      type: 'LoadBalancer',
      allocateLoadBalancerNodePorts: false,
      ports: [{ port: 80 }],
    });
    t.is(portsOf(lb)[0].nodePort as unknown, undefined);
  },
);

test.serial('ClusterIP → ExternalName releases the cluster IP; back again allocates one', async (t) => {
  const made = await create('ext', { ports: [{ port: 80 }] });
  const ip = (made.spec as JsonObject).clusterIP;
  const ext = await cp.api.patch(SERVICES, 'default', 'ext', 'merge', {
    spec: { type: 'ExternalName', externalName: 'example.com' },
  });
  const extSpec = ext.spec as JsonObject;
  t.is(extSpec.clusterIP as unknown, undefined);
  t.is(extSpec.clusterIPs as unknown, undefined);
  t.is(extSpec.ipFamilies as unknown, undefined);
  const taken = await create('takes-ip', { clusterIP: ip, ports: [{ port: 80 }] });
  t.is((taken.spec as JsonObject).clusterIP, ip, 'the released address can be asked for');
  const back = await cp.api.patch(SERVICES, 'default', 'ext', 'merge', {
    spec: { type: 'ClusterIP', externalName: null },
  });
  t.regex(String((back.spec as JsonObject).clusterIP), /^10\.\d+\.\d+\.\d+$/);
  t.not((back.spec as JsonObject).clusterIP, ip);
});

test.serial('node ports are rebuilt from the stored Services at start', async (t) => {
  await create('survivor', { type: 'NodePort', ports: [{ port: 80, nodePort: 30040 }] });
  await cp.close();
  cp = await startControlPlane({ dataDir, http: false, controllers: false, token: 't' });
  t.regex(
    await invalidMessage(create('thief', { type: 'NodePort', ports: [{ port: 80, nodePort: 30040 }] })),
    /provided port is already allocated/,
  );
});

test.serial(
  'externalTrafficPolicy Local on a LoadBalancer gets a healthCheckNodePort, kept and released',
  async (t) => {
    const made = await create('local', {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      ports: [{ port: 80 }],
    });
    const hc = (made.spec as JsonObject).healthCheckNodePort as number;
    t.true(hc >= 30000 && hc <= 32767 && hc !== portsOf(made)[0].nodePort);
    // a re-sent manifest keeps it
    const resent = await cp.api.update(
      SERVICES,
      'default',
      'local',
      svc('local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] }),
    );
    t.is((resent.spec as JsonObject).healthCheckNodePort, hc);
    // back to Cluster: the field goes and the port is free
    const cluster = await cp.api.patch(SERVICES, 'default', 'local', 'merge', {
      spec: { externalTrafficPolicy: 'Cluster' },
    });
    t.is((cluster.spec as JsonObject).healthCheckNodePort as unknown, undefined);
    t.is(
      portsOf(await create('hc-free', { type: 'NodePort', ports: [{ port: 80, nodePort: hc }] }))[0].nodePort,
      hc,
    );
    t.regex(
      await invalidMessage(
        create('hc-np', { type: 'NodePort', healthCheckNodePort: 30050, ports: [{ port: 80 }] }),
      ),
      /spec.healthCheckNodePort: Invalid value: 30050: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'/,
    );
  },
);

test.serial('server-side apply of the same manifest twice keeps the allocated node port', async (t) => {
  const manifest = {
    apiVersion: 'v1',
    kind: 'Service',
    ...svc('applied', { type: 'NodePort', ports: [{ name: 'http', port: 80 }] }),
  };
  const opts = { fieldManager: 'kubectl', force: true };
  const first = await cp.api.patch(SERVICES, 'default', 'applied', 'apply', manifest, opts);
  const np = portsOf(first)[0].nodePort as number;
  t.true(np >= 30000);
  const second = await cp.api.patch(SERVICES, 'default', 'applied', 'apply', manifest, opts);
  t.is(portsOf(second)[0].nodePort, np);
});
