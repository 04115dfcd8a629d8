/**
 * Percent-decodes one URL path (or path segment). A `%` not followed by two
 * hex digits, or escapes that do not form UTF-8 (`%E0%A4%A`), make
 * decodeURIComponent throw a URIError; that is the client's mistake, so the
 * caller answers 400 instead of failing with a 500.
 */
export function decodePath(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

export const badPercentEncoding = 'The request path has a "%" that is not followed by two hexadecimal digits, or escapes that are not UTF-8; encode "%" as "%25".';
