import test from 'ava';
import { MemorySyncQueue, MemorySyncStore } from '../../../src/daemon/queue/index.js';
import { syncQueueContract } from './sync-queue.contract.js';

syncQueueContract(test, 'MemorySyncQueue', () => {
  const store = new MemorySyncStore();
  return { create: (options) => new MemorySyncQueue({ ...options, store }) };
});
