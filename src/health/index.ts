/**
 * Liveness and readiness.
 * The module's public face: other modules import from here, never from its files.
 */
export { healthRoutes, ReadinessAlarm, type ReadinessCheck } from './health.routes.ts';
