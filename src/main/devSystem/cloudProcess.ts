/**
 * cloud-mock as a separate process, as the real cloud is: spawned with `tsx`, ready when it
 * prints its `CLOUD_HTTP=` and `CLOUD_MQTT=` lines, stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface CloudProcess {
  httpUrl: string;
  mqttUrl: string;
  stop(): Promise<void>;
}

export async function startCloudProcess(args: {
  httpPort: number;
  mqttPort: number;
  dataDir: string;
  simulatorUrl?: string;
  onLog?: (line: string) => void;
}): Promise<CloudProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'cloud-mock/main.ts',
      '--http-port',
      String(args.httpPort),
      '--mqtt-port',
      String(args.mqttPort),
      '--data-dir',
      args.dataDir,
      ...(args.simulatorUrl ? ['--simulator', args.simulatorUrl] : []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  createInterface({ input: child.stderr! }).on('line', (line) => args.onLog?.(line));
  const urls = await new Promise<{ httpUrl: string; mqttUrl: string }>((resolve, reject) => {
    const found: Record<string, string> = {};
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^(CLOUD_HTTP|CLOUD_MQTT)=(\S+)$/.exec(line);
      if (m) found[m[1]!] = m[2]!;
      if (found.CLOUD_HTTP && found.CLOUD_MQTT)
        resolve({ httpUrl: found.CLOUD_HTTP, mqttUrl: found.CLOUD_MQTT });
    });
    child.once('exit', (code) =>
      reject(new Error(`cloud-mock exited (code ${code}) before it was ready`)),
    );
    child.once('error', reject);
  });
  return { ...urls, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
