import { buildWeb, webBuildIsStale } from '../web/build.ts';

/** The browser tests need web/dist: build it once per run when the sources are newer. */
export default async function setup(): Promise<void> {
  if (webBuildIsStale()) await buildWeb();
}
