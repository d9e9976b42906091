// Canonical JSON (sorted keys, no whitespace): the same value always hashes the same, whatever
// order its keys were written in or which database returned it.
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot hash the non-finite number ${value}`);
      return JSON.stringify(value);
    case 'object': {
      // Built by concatenation, without the intermediate arrays: every audit entry is hashed through here.
      if (Array.isArray(value)) {
        let out = '[';
        for (let index = 0; index < value.length; index++) out += (index === 0 ? '' : ',') + canonicalJson(value[index]);
        return `${out}]`;
      }
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      const record = value as Record<string, unknown>;
      let out = '{';
      // Default sort order is by UTF-16 code units, the same order as `<` on strings.
      for (const key of Object.keys(record).sort()) {
        const entry = record[key];
        if (entry === undefined) continue;
        out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(entry)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`cannot hash a value of type ${typeof value}`);
  }
}
