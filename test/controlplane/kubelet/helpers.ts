/** Helpers for the process runtime tests: a runtime in a temp dir, pods, polling. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonObject } from '../../../src/core/index.js';
import { ProcessRuntime, type ProcessRuntimeOptions } from '../../../src/controlplane/kubelet/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The argv running a fixture script with this Node. */
export function fixture(name: string): string[] {
  return [process.execPath, path.join(here, 'fixtures', name)];
}

import { eventually as poll } from '../../helpers/eventually.js';

/** `eventually` with a longer default: processes take a while to start. */
export function eventually<T>(check: () => T | Promise<T>, ms = 20_000, every = 20) {
  return poll(check, ms, every);
}

/** A runtime over a fresh temp directory, recording every status it reports. */
export interface TestRuntime {
  rt: ProcessRuntime;
  dataDir: string;
  statuses: Array<{ uid: string; status: JsonObject }>;
  /** A fresh directory to hand out as a volume. */
  tempDir(): string;
  close(): Promise<void>;
}

export function newRuntime(opts: Partial<ProcessRuntimeOptions> = {}): TestRuntime {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'capstan-kubelet-'));
  const statuses: TestRuntime['statuses'] = [];
  const rt = new ProcessRuntime({
    dataDir,
    onPodStatus: (uid, status) => statuses.push({ uid, status }),
    ...opts,
  });
  return {
    rt,
    dataDir,
    statuses,
    tempDir: () => fs.mkdtempSync(path.join(dataDir, 'vol-')),
    async close() {
      await rt.close(0);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let seq = 0;

/** A Pod object with the given containers and spec fields. */
export function pod(spec: JsonObject, name = `p${++seq}`): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `uid-${name}-${process.pid}` },
    spec: { terminationGracePeriodSeconds: 5, ...spec },
  };
}

/** The uid of a pod made by `pod`. */
export function uidOf(p: JsonObject): string {
  return (p.metadata as JsonObject).uid as string;
}

type Status = JsonObject & {
  phase?: string;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  containerStatuses?: Array<
    JsonObject & { name: string; ready: boolean; restartCount: number; state: any; lastState: any }
  >;
  initContainerStatuses?: Array<
    JsonObject & { name: string; ready: boolean; restartCount: number; state: any; lastState: any }
  >;
};

/** The pod's status, typed loosely for assertions. */
export function statusOf(t: TestRuntime, p: JsonObject): Status {
  return (t.rt.podStatus(uidOf(p)) ?? {}) as Status;
}

/** The status of container `name` (app or init). */
export function containerOf(t: TestRuntime, p: JsonObject, name: string) {
  const s = statusOf(t, p);
  return [...(s.containerStatuses ?? []), ...(s.initContainerStatuses ?? [])].find((c) => c.name === name);
}

/** The status of condition `type`. */
export function conditionOf(t: TestRuntime, p: JsonObject, type: string) {
  return statusOf(t, p).conditions?.find((c) => c.type === type);
}
