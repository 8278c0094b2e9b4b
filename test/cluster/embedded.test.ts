/** The Cluster contract through the embedded driver: in-process calls, no HTTP. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { embeddedCluster } from '../../src/cluster/index.js';
import { startControlPlane } from '../../src/controlplane/index.js';
import { clusterContract } from './cluster.contract.js';

clusterContract('embedded', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-cluster-embedded-'));
  const cp = await startControlPlane({ dataDir, http: false, controllers: false, token: 'test-token' });
  return {
    cluster: embeddedCluster(cp.api, { watch: { delayMs: 50 } }),
    connect: () => embeddedCluster(cp.api),
    cp,
    async close() {
      await cp.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
