/** A stylesheet read as text (Vite's `?raw` import), as the theme's contrast test reads the theme tokens. */
declare module '*.css?raw' {
  const text: string;
  export default text;
}
