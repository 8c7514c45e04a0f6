/** A what-if that cannot be made: a deletion of nothing, or of something ambiguous. */
export class WhatIfError extends Error {}
