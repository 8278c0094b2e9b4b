/**
 * The core/v1 Node that Capstan's built-in kubelet registers for the machine it runs on,
 * shaped like a real kubelet's: capacity as measured, allocatable after the kubelet's default
 * hard-eviction reserves, the well-known labels, the four standard conditions and nodeInfo.
 * The caller reads the machine (`node:os`, `fs.statfs`); this function only shapes figures.
 */
import type { JsonObject } from '../../core/index.js';

/** Figures describing this machine. */
export interface MachineFigures {
  name: string;
  /** logical CPUs; fractions become millicores */
  cpus: number;
  memoryBytes: number;
  maxPods?: number;
  labels?: Record<string, string>;
  /** Go architecture name (`amd64`, `arm64`); defaults to this process's. */
  arch?: string;
  /** size of the filesystem pods write to; 100Gi when the caller did not measure it */
  ephemeralStorageBytes?: number;
  /** heartbeat / transition time for the conditions */
  now?: Date;
}

const GI = 1024 ** 3;
const MI = 1024 ** 2;
// kubelet's default --eviction-hard: memory.available<100Mi, nodefs.available<10%. With no
// kube/system reservations, allocatable is capacity minus these thresholds.
const EVICTION_MEMORY = 100 * MI;
const EVICTION_NODEFS_FRACTION = 0.1;

/** Node's `process.arch` names → Go's GOARCH, which is what `kubernetes.io/arch` holds. */
export function goArch(nodeArch: string): string {
  const map: Record<string, string> = {
    x64: 'amd64',
    ia32: '386',
    arm64: 'arm64',
    arm: 'arm',
    ppc64: 'ppc64le',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'loong64',
  };
  return map[nodeArch] ?? nodeArch;
}

function cpuQuantity(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : `${Math.round(cpus * 1000)}m`;
}

/** Kubelets report memory in Ki, rounded down to whole kibibytes. */
function kiQuantity(bytes: number): string {
  return `${Math.max(0, Math.floor(bytes / 1024))}Ki`;
}

function condition(type: string, status: string, reason: string, message: string, time: string): JsonObject {
  return { type, status, lastHeartbeatTime: time, lastTransitionTime: time, reason, message };
}

/**
 * Builds the Node object for this machine. Labels the kubelet owns (`kubernetes.io/hostname`,
 * `kubernetes.io/os`, `kubernetes.io/arch`) win over same-named entries in `labels`.
 */
export function nodeForThisMachine(figures: MachineFigures): JsonObject {
  const { name, cpus, memoryBytes, maxPods = 110, labels = {} } = figures;
  const arch = figures.arch ?? goArch(process.arch);
  const disk = figures.ephemeralStorageBytes ?? 100 * GI;
  const time = (figures.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const capacity = {
    cpu: cpuQuantity(cpus),
    memory: kiQuantity(memoryBytes),
    pods: String(maxPods),
    'ephemeral-storage': kiQuantity(disk),
  };
  const allocatable = {
    cpu: capacity.cpu,
    memory: kiQuantity(memoryBytes - EVICTION_MEMORY),
    pods: capacity.pods,
    // Allocatable ephemeral storage is printed in bytes by the kubelet.
    'ephemeral-storage': String(Math.floor(disk * (1 - EVICTION_NODEFS_FRACTION))),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        ...labels,
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
      },
    },
    spec: {},
    status: {
      capacity,
      allocatable,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
          time,
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', time),
        condition(
          'PIDPressure',
          'False',
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
          time,
        ),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', time),
      ],
      addresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0-capstan',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: arch,
        containerRuntimeVersion: '',
        kernelVersion: '',
        osImage: '',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  };
}
