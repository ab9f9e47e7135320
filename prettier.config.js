/**
 * The one code style, applied by `npm run format` and checked by `npm run format:check`: the house style the
 * code was written in (single quotes, semicolons, trailing commas, lines up to 120 characters). Files git
 * ignores are skipped, and so are those listed in .prettierignore.
 */
export default {
  printWidth: 120,
  singleQuote: true,
  semi: true,
  trailingComma: 'all',
  arrowParens: 'always',
};
