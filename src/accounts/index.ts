/**
 * User accounts: the user record, password hashing and policy, account mail.
 * The module's public face: other modules import from here, never from its files.
 */
export { accountMail } from './account-mail.ts';
export * as accountRepository from './account.repository.ts';
export { emailSchema } from './email.ts';
export { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from './password-hash.ts';
export { checkPasswordPolicy, preloadCommonPasswords } from './password-policy.ts';
