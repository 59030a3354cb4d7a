/** The process's read-model services (projection host, search index, queries). */
export const READ_MODELS = Symbol('READ_MODELS');
