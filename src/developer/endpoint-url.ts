import dns from 'node:dns';
import { checkAddress, parseTargetUrl, SsrfError, type Resolver } from '../platform/outbound/index.ts';
import { AppError } from '../platform/errors.ts';

const systemResolve: Resolver = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/**
 * Refuses, when an endpoint is created, a URL the dispatcher would refuse anyway, so the
 * mistake shows at once (422 with the guard's code): HTTPS only, a URL the SSRF guard
 * accepts, and a name that resolves to public addresses only. The dispatcher checks
 * again at every attempt and every redirect (DNS may change in between).
 * Hosts in SSRF_ALLOW_HOSTS (tests, development) may use http and private addresses.
 */
export async function vetEndpointUrl(
  raw: string,
  policy: { allowHosts: readonly string[]; resolve?: Resolver | undefined },
): Promise<string> {
  const target = parseTargetUrl(raw);
  const exempt = policy.allowHosts.map((h) => h.toLowerCase()).includes(target.hostname);
  if (exempt) return target.url.toString();
  if (target.url.protocol !== 'https:') throw new AppError('WEBHOOK_URL_NOT_HTTPS');
  const refuse = (address: string) => {
    const verdict = checkAddress(address);
    if (!verdict.allowed) throw new SsrfError('SSRF_ADDRESS_FORBIDDEN', verdict.reason);
  };
  if (target.isIpLiteral) {
    refuse(target.hostname);
    return target.url.toString();
  }
  let answers;
  try {
    answers = await (policy.resolve ?? systemResolve)(target.hostname);
  } catch {
    throw new AppError('WEBHOOK_URL_UNRESOLVABLE');
  }
  if (answers.length === 0) throw new AppError('WEBHOOK_URL_UNRESOLVABLE');
  for (const a of answers) refuse(a.address);
  return target.url.toString();
}
