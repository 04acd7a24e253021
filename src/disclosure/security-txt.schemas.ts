/** GET /.well-known/security.txt: public, plain text, outside the OpenAPI document (it is not part of the API). */
export const securityTxtRoute = { config: { access: { public: true } }, schema: { hide: true } } as const;
