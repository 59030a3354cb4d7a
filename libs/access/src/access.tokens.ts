/** DI tokens of the access module. */
export const ACCESS_CLOCK = Symbol('ACCESS_CLOCK');
export const ACCESS_CONFIG = Symbol('ACCESS_CONFIG');
export const ACCESS_PUBLIC_CONTROLLERS = Symbol('ACCESS_PUBLIC_CONTROLLERS');
export const ACCESS_SERVICES = Symbol('ACCESS_SERVICES');
export const ACCESS_REALM = Symbol('ACCESS_REALM');
