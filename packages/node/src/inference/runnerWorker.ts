/**
 * The entry of a pool worker thread: a runner host answering the request thread's messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HostRequest, HostSetup } from './poolMessages.js';
import { createRunnerHost } from './runnerHost.js';
import { lowerThreadPriority, WORKER_NICE } from './threadPriority.js';

lowerThreadPriority(WORKER_NICE);

const port = parentPort!;
const host = createRunnerHost(workerData as HostSetup, (reply) => port.postMessage(reply));
port.on('message', (request: HostRequest) => host.handle(request));
