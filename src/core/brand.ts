/** A nominal type: a `Sku` is a string, but a string is not a `Sku` until someone says so. */
export type Brand<T, Name extends string> = T & { readonly __brand: Name };
