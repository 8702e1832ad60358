import { execFileSync } from 'node:child_process';
import { FIXTURE_IMAGE } from './helpers/docker.ts';

/**
 * The engine and fault tiers run against a real engine. If none answers, stop here with one clear
 * message instead of a hundred confusing failures; nothing is skipped.
 */
export default function setup(): void {
  const host = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error);
    throw new Error(
      `No Docker Engine answers at ${host}. These tests need a real engine: start dockerd ` +
        `(bash .ci/run does it) or point DOCKER_HOST at one; \`npm run test:unit\` needs none.\n${detail}`,
    );
  }
  execFileSync('bash', ['scripts/fixture-image.sh', FIXTURE_IMAGE], { stdio: 'inherit' });
  // The dashboard's browser tests open the page as its sources are now.
  execFileSync(process.execPath, ['scripts/build-ui.ts'], { stdio: 'inherit' });
}
