/**
 * The SIEM stream and the RFC 5424 syslog forwarder.
 * The module's public face: other modules import from here, never from its files.
 */
export { parseSyslogUrl, startSyslogForwarder } from './forwarder.ts';
export { auditStreamRoutes } from './stream.routes.ts';
