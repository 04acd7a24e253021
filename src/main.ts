import { boot } from './boot.ts';
import { ConfigError, loadConfig } from './platform/config.ts';
import { StartupError } from './platform/data-dir.ts';
import { startHttpsRedirect } from './http/index.ts';

/** `npm start`: configuration → boot → listen, and a clean shutdown on SIGINT/SIGTERM. */
export async function main(): Promise<void> {
  try {
    const config = loadConfig();
    const runtime = await boot(config);
    // Handlers first: a supervisor may stop us the moment the setup line appears.
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      runtime.ctx.logger.info({ signal }, 'shutting down');
      await runtime.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    await runtime.app.listen({ host: config.host, port: config.port });
    if (config.tls && config.httpRedirectPort) {
      const redirect = await startHttpsRedirect({
        host: config.host,
        port: config.httpRedirectPort,
        publicUrl: config.publicUrl,
        logger: runtime.ctx.logger,
      });
      process.once('exit', () => redirect.close());
    }
    if (runtime.setupToken) {
      process.stdout.write(
        `Chambers is not set up yet. Open ${config.publicUrl}/setup?token=${runtime.setupToken} to create the first administrator (single use).\n`,
      );
    }
  } catch (err) {
    failStart(err);
  }
}

export function failStart(err: unknown): never {
  if (err instanceof ConfigError || err instanceof StartupError) {
    process.stderr.write(`chambers: cannot start: ${err.message}\n`);
  } else {
    process.stderr.write(`chambers: cannot start: ${(err as Error)?.message ?? String(err)}\n`);
  }
  process.exit(1);
}
