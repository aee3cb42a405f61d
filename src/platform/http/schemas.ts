import { Type, type TSchema } from 'typebox';

/** Shared TypeBox schemas for routes. Request bodies are strict: unknown fields are rejected. */
export const ErrorBody = Type.Object({
  error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()) }),
});

export const MoneySchema = Type.Object({
  amount: Type.Integer({ description: 'integer minor units' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
}, { additionalProperties: false });

export const IdParam = (prefix: string) => Type.Object({ id: Type.String({ pattern: `^${prefix}_[0-9a-z]{26}$` }) });

export const Strict = <T extends Parameters<typeof Type.Object>[0]>(props: T, opts: Record<string, unknown> = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });

/** A timestamp: handlers may return Date objects; the serializer writes ISO 8601. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

export const List = <T extends TSchema>(item: T) => Type.Object({ data: Type.Array(item), nextCursor: Type.Optional(Type.Union([Type.String(), Type.Null()])) });

/** Standard error responses to list on every route. */
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ErrorBody]));

/** A timestamp in a request (query or body): an ISO 8601 string. */
export const DateTimeIn = Type.String({ format: 'date-time' });

/** A string enum with its literal type kept (Type.Union over a mapped array loses it). */
export const StringEnum = <T extends string>(values: readonly T[], opts: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...opts });
