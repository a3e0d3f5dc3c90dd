// Placeholder until the emulator lands (issue 3); the real server replaces this file.
export interface EmulatorOptions {
  host?: string;
  port?: number;
  seed?: 'demo' | 'empty';
  faults?: string;
  speed?: number;
  chunkSize?: number;
  apiKey?: string;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:43123 */
  origin: string;
  /** origin + '/v1.3', what TWELVELABS_BASE_URL holds */
  baseUrl: string;
  close(): Promise<void>;
}

export async function startEmulator(_options: EmulatorOptions): Promise<RunningEmulator> {
  throw new Error('the emulator is not built yet');
}
