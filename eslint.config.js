// ESLint flat config for the map page's own scripts (resources/web/planner_map).
// The page loads them as plain scripts in the order of planner/ui/map/map_page.py's
// JS_ASSETS; they share state through window.PlannerMapParts, never through globals.
"use strict";

// ESLint's recommended rules, read from eslint itself (the same set as @eslint/js's
// "recommended"), so that eslint stays the only devDependency.
const { builtinRules } = require("eslint/use-at-your-own-risk");
const recommended = Object.fromEntries(
  [...builtinRules]
    .filter(([, rule]) => rule.meta.docs && rule.meta.docs.recommended)
    .map(([name]) => [name, "error"])
);

// What a browser page offers, plus Leaflet's global.
const browser = Object.fromEntries(
  [
    "window", "document", "console", "performance", "requestAnimationFrame",
    "cancelAnimationFrame", "setTimeout", "clearTimeout", "atob", "Intl", "Map",
    "ImageData", "Uint8ClampedArray", "Event", "KeyboardEvent"
  ].map((name) => [name, "readonly"])
);

module.exports = [
  { ignores: ["resources/web/vendor/**"] },
  {
    files: ["resources/web/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...browser, L: "readonly" }
    },
    rules: {
      ...recommended,
      "no-implicit-globals": "error",
      "no-shadow": "error",
      "no-use-before-define": ["error", { functions: false, classes: true, variables: true }],
      eqeqeq: "error",
      strict: ["error", "function"]
    }
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable" } }
  }
];
