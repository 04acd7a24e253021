/**
 * Vulnerability disclosure: the deployment's RFC 9116 security.txt.
 * The module's public face: other modules import from here, never from its files.
 */
export { securityTxtRoutes } from './security-txt.routes.ts';
