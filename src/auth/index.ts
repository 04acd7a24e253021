/**
 * Registration, sign-in, password reset and email change.
 * The module's public face: other modules import from here, never from its files.
 */
export { AUTH_ERRORS } from './auth.errors.ts';
export { authRoutes } from './auth.routes.ts';
export { captchaRoutes } from './captcha.routes.ts';
