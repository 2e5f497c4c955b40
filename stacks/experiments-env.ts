import { readFileSync } from 'node:fs';
import { parseExperiments } from '../runtime/src/experiments/experiment-config';
import { EnvironmentConfig } from './config';

/** Cloud Run caps one environment variable's value at 32 KiB. */
const MAX_ENV_VALUE_BYTES = 32 * 1024;

/**
 * The experiments document as the runtime's `EXPERIMENTS_JSON`: read and validated with the
 * runtime's own schema at synth, so a broken document fails `cdktf synth` (naming the file and
 * every problem) instead of every new instance at start. Deploying the stack rolls out a new
 * document like any other configuration change, one revision at a time.
 */
export function experimentsEnv(config: EnvironmentConfig): Record<string, string> {
  if (!config.experimentsFile) return {};
  const file = config.experimentsFile;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`environment "${config.name}": experimentsFile ${file} could not be read as JSON: ${(error as Error).message}`);
  }
  parseExperiments(raw, `environment "${config.name}": experimentsFile ${file}`);
  const value = JSON.stringify(raw);
  if (Buffer.byteLength(value) > MAX_ENV_VALUE_BYTES) {
    throw new Error(
      `environment "${config.name}": experimentsFile ${file} is ${Buffer.byteLength(value)} bytes minified, over Cloud Run's 32 KiB per variable: stop and remove finished experiments`,
    );
  }
  return { EXPERIMENTS_JSON: value };
}
